import { View, WebView } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { StateView } from '../../components/state-view';
import { isHttpsUrl } from '../../core/jump';
import { REPORT_PARAM, reportWebview } from '../../services/webview-report';
import { withPageShell } from '../../components/page-shell';
import './index.scss';

/**
 * A center's https service page inside the app (web-view). Anything not https is refused here too. Opened from a
 * tester's checklist, it reports whether the page loaded (services/webview-report.ts); for employees it reports nothing.
 */
function WebViewPage() {
  const { params } = useRouter();
  const url = params.url ? decodeURIComponent(params.url) : '';
  const report = params[REPORT_PARAM];
  if (!isHttpsUrl(url)) return <StateView status='error' message='该链接不是安全的 https 链接，无法打开' />;
  return (
    <View className='webview-page'>
      <WebView src={url} onLoad={() => reportWebview(report, 'loaded')} onError={() => reportWebview(report, 'load-failed')} />
    </View>
  );
}

export default withPageShell(WebViewPage, { title: '中心线上服务' });
