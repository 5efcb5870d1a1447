import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { verifyAndReturn } from '../../services/identity';
import type { SubmitError } from '../../services/use-application-form';
import { ActionButton } from '../action-button';
import './index.scss';

const goApplications = () => void Taro.switchTab({ url: '/pages/applications/index' });

/**
 * Why an application was not submitted, with the way on where there is one: 实名核验 when the identity is
 * missing or expired, 我的申请 when the same kind is already in flight. Ids: `#<prefix>-error`,
 * `#<prefix>-error-verify`, `#<prefix>-error-applications`.
 */
export function SubmitErrorCard({ prefix, error }: { prefix: string; error: SubmitError }) {
  return (
    <View className='submit-error-box'>
      <Text className='submit-error' id={`${prefix}-error`}>
        {error.message}
      </Text>
      {error.code === 'IDENTITY_REQUIRED' ? (
        <ActionButton className='secondary-button submit-error-button' id={`${prefix}-error-verify`} onClick={verifyAndReturn}>
          去实名核验
        </ActionButton>
      ) : null}
      {error.code === 'APPLICATION_IN_FLIGHT' ? (
        <ActionButton className='secondary-button submit-error-button' id={`${prefix}-error-applications`} onClick={goApplications}>
          查看我的申请
        </ActionButton>
      ) : null}
    </View>
  );
}
