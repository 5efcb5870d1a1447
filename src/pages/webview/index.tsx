import { WebView } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { StateView } from '../../components/state-view';
import { isHttpsUrl } from '../../core/jump';

/** A center's https service page inside the app (web-view). Anything not https is refused here too. */
export default function WebViewPage() {
  const { params } = useRouter();
  const url = params.url ? decodeURIComponent(params.url) : '';
  if (!isHttpsUrl(url)) return <StateView status='error' message='该链接不是安全的 https 链接，无法打开' />;
  return <WebView src={url} />;
}
