import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { dialNumber } from '../../core/centers';
import { copyFailed, copyText } from '../../services/clipboard';
import { ActionButton } from '../action-button';
import './index.scss';

export interface CopyLinkCardProps {
  itemName: string;
  centerName: string;
  url: string;
  /** Why the link is not opened here (the jump's `copy` message). */
  message: string;
  phone: string;
}

/**
 * Shown instead of the web-view for a web link whose domain is not one of the mini-program's business domains (it
 * would open a blank page): which item at which center, why, the link to copy into a browser, and the center's phone.
 */
export function CopyLinkCard({ itemName, centerName, url, message, phone }: CopyLinkCardProps) {
  const [copied, setCopied] = useState<boolean | undefined>(undefined);
  const copy = async () => setCopied(await copyText(url));
  return (
    <View className='card copy-link-card' id='copy-link'>
      <Text className='copy-link-title' id='copy-link-item'>
        {itemName}
      </Text>
      <Text className='copy-link-center' id='copy-link-center'>
        办理中心：{centerName}
      </Text>
      <Text className='copy-link-message' id='copy-link-message'>
        {message}
      </Text>
      <Text className='copy-link-url' id='copy-link-url' userSelect>
        {url}
      </Text>
      <ActionButton className='primary-button copy-link-button' id='copy-link-copy' onClick={() => void copy()}>
        复制链接
      </ActionButton>
      {copied === undefined ? null : (
        <Text className={copied ? 'copy-link-done' : 'alert'} id='copy-link-done'>
          {copied ? '链接已复制，请打开手机浏览器，粘贴到地址栏中打开。' : copyFailed('链接')}
        </Text>
      )}
      <ActionButton className='secondary-button copy-link-button' id='copy-link-call' onClick={() => void Taro.makePhoneCall({ phoneNumber: dialNumber(phone) })}>
        拨打服务热线 {phone}
      </ActionButton>
    </View>
  );
}
