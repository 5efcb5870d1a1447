import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { ActionButton } from '../action-button';
import './index.scss';

interface IdentityNoticeProps {
  /** The page's id prefix: the notice is `#<prefix>-identity`, its button `#<prefix>-go-verify`. */
  prefix: string;
  status: 'none' | 'expired';
  /** What verifying lets the person do next, e.g. "提交转移接续申请". */
  then: string;
}

const goVerify = () => void Taro.navigateTo({ url: '/pages/verify/index' });

/** An application form's notice that the person must verify (again) first, with the way to 实名核验. */
export function IdentityNotice({ prefix, status, then }: IdentityNoticeProps) {
  return (
    <View className='card identity-notice' id={`${prefix}-identity`}>
      <Text className='identity-notice-text'>
        {status === 'expired' ? '您的实名核验已过期，请重新核验后再提交申请。' : `您尚未完成实名核验，请先完成实名核验，再${then}。`}
      </Text>
      <ActionButton className='primary-button identity-notice-button' id={`${prefix}-go-verify`} size='mini' onClick={goVerify}>
        去实名核验
      </ActionButton>
    </View>
  );
}
