import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import type { ApplicationView } from '../../core/applications/views';
import { canShowCode, SHOW_CODE_PAGE } from '../../core/certificate-code';
import { ActionButton } from '../action-button';

/** 亮码 on a case with a certificate to show (issue 18 point 1): opens the code page, which says what the reader will see. */
export function CodeEntry({ view }: { view: ApplicationView }) {
  if (view.test || !canShowCode({ type: view.type, status: view.status, documentCount: view.documents.length })) return null;
  return (
    <View className='card application-card' id='application-code'>
      <Text className='application-muted'>向中心出示证明时，可亮出由平台签名的证明码，当日 24:00 前有效，默认只能被读取一次。</Text>
      <ActionButton className='primary-button application-button' id='application-code-open' onClick={() => void Taro.navigateTo({ url: `${SHOW_CODE_PAGE}?id=${view.id}` })}>
        亮码
      </ActionButton>
    </View>
  );
}
