import { Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { listenToNotices, type Notice } from '../../services/notice';
import { ActionButton } from '../action-button';
import './index.scss';

/**
 * 长辈版's notices of the page on screen (services/notice.ts): a message or a question inline at the top of the page,
 * kept in view while the page scrolls and until the person answers, never a pop-up.
 */
export function ElderNotice() {
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  useEffect(() => listenToNotices(setNotice), []);
  if (!notice) return null;
  if (notice.kind === 'say') {
    return (
      <View className='elder-notice' id='elder-notice' role='status'>
        <Text className='elder-notice-message'>{notice.message}</Text>
        <ActionButton className='secondary-button elder-notice-button' id='elder-notice-ok' onClick={() => setNotice(undefined)}>
          知道了
        </ActionButton>
      </View>
    );
  }
  return (
    <View className='elder-notice' id='elder-notice' role='group' aria-label={notice.title}>
      <Text className='elder-notice-title'>{notice.title}</Text>
      <Text className='elder-notice-message'>{notice.message}</Text>
      <View className='elder-notice-actions'>
        <ActionButton className='primary-button elder-notice-button' id='elder-notice-confirm' onClick={() => notice.answer(true)}>
          {notice.confirmText}
        </ActionButton>
        {notice.cancelText === undefined ? null : (
          <ActionButton className='secondary-button elder-notice-button' id='elder-notice-cancel' onClick={() => notice.answer(false)}>
            {notice.cancelText}
          </ActionButton>
        )}
      </View>
    </View>
  );
}
