import { View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { PRIVACY_PAGE } from '../../core/privacy';
import './index.scss';

/** Every employee page's footer: the 隐私政策 a tap away (not on the policy itself). */
export function PrivacyFooter() {
  // the page shown (none when a page is rendered outside the router, as in page tests)
  const path = Taro.getCurrentInstance().router?.path ?? '';
  if (path.replace(/^\//, '').startsWith(PRIVACY_PAGE.slice(1))) return null;
  return (
    <View className='privacy-footer' role='contentinfo'>
      <View className='privacy-footer-link' id='footer-privacy' role='link' onClick={() => void Taro.navigateTo({ url: PRIVACY_PAGE })}>
        隐私政策
      </View>
    </View>
  );
}
