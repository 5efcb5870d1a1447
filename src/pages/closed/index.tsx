import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { ActionButton } from '../../components/action-button';
import { NOT_LAUNCHED_MESSAGE, TRIAL_JOIN_PAGE } from '../../core/trial';
import { isH5 } from '../../services/platform';
import { withPageShell } from '../../components/page-shell';
import './index.scss';

/** The national hotline for housing provident fund services. */
const HOTLINE = '12329';

/**
 * Before launch (issue 15): what a person without a role sees instead of the home page, and wherever a call answers
 * NOT_LAUNCHED. Kind words, the 12329 hotline and the way to type an internal trial invite code; the H5 build of the
 * local host keeps its switch of identity.
 */
function Closed() {
  return (
    <View className='closed'>
      <View className='card'>
        <Text className='closed-title'>内部试用中</Text>
        <Text className='closed-text' id='closed-text'>
          {NOT_LAUNCHED_MESSAGE}
        </Text>
        <ActionButton className='primary-button closed-call' id='closed-call' onClick={() => void Taro.makePhoneCall({ phoneNumber: HOTLINE })}>
          拨打 12329 服务热线
        </ActionButton>
      </View>
      {/* testers given a code by hand (not the invite's mini-program code) type it here */}
      <View className='closed-join' id='closed-join' onClick={() => void Taro.navigateTo({ url: `/${TRIAL_JOIN_PAGE}` })}>
        <Text>输入内部试用邀请码</Text>
      </View>
      {isH5 ? (
        <View className='closed-dev' id='go-sign-in' onClick={() => void Taro.navigateTo({ url: '/packages/dev/sign-in/index' })}>
          <Text>切换身份（本地开发）</Text>
        </View>
      ) : null}
    </View>
  );
}

export default withPageShell(Closed, { title: '内部试用中', back: false });
