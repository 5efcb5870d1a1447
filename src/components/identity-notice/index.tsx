import { Text, View } from '@tarojs/components';
import { verifyAndReturn } from '../../services/identity';
import type { IdentityView } from '../../core/identity';
import type { CallState } from '../../services/use-call';
import { StateView } from '../state-view';
import { ActionButton } from '../action-button';
import './index.scss';

interface IdentityNoticeProps {
  /** The page's id prefix: the notice is `#<prefix>-identity`, its button `#<prefix>-go-verify`. */
  prefix: string;
  /** The identity status call of the form's page. */
  identity: CallState<IdentityView> & { reload: () => void };
  /** What verifying lets the person do next, e.g. "提交转移接续申请". */
  then: string;
}

/**
 * The top of an application form: the identity status loading or failed, or a notice that the person must
 * verify (again) first, with the way to 实名核验; nothing once verified.
 */
export function IdentityNotice({ prefix, identity, then }: IdentityNoticeProps) {
  if (identity.status === 'loading') return <StateView status='loading' message='正在查询实名核验状态…' />;
  if (identity.status === 'error') return <StateView status='error' message={identity.message} code={identity.code} onRetry={identity.reload} />;
  const { status } = identity.data;
  if (status === 'verified') return null;
  return (
    <View className='card identity-notice' id={`${prefix}-identity`}>
      <Text className='identity-notice-text'>
        {status === 'expired' ? '您的实名核验已过期，请重新核验后再提交申请。' : `您尚未完成实名核验，请先完成实名核验，再${then}。`}
      </Text>
      <ActionButton className='primary-button identity-notice-button' id={`${prefix}-go-verify`} onClick={verifyAndReturn}>
        去实名核验
      </ActionButton>
    </View>
  );
}
