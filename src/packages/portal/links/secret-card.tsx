import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import type { PortalOverview } from '../../../core/center-portal';
import { formatShanghai } from '../../../core/time';
import { ActionButton } from '../../../components/action-button';
import { copyOrSay } from '../../../services/clipboard';
import { portalCalls } from '../../../services/portal';

interface SecretCardProps {
  secrets: PortalOverview['secrets'];
  /** A secret the function has just made (by a rotation, or with the first API endpoint proposed), shown this once. */
  made: NewSecret | undefined;
  /** After a rotation, with its answer. */
  onRotated: (made: NewSecret) => void;
}

/** A secret as the function answers it once, with how many secrets were valid then (two: the one before stays valid). */
export interface NewSecret {
  secret: string;
  valid: number;
}

/**
 * The center's signing secrets: how many are valid and when they last changed, and a new secret the page
 * holds (never stored, gone once the page is left), with a way to copy it.
 */
export function SecretCard({ secrets, made, onRotated }: SecretCardProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const rotate = async () => {
    // rotating keeps the newest secret and drops any older one: with two valid, say which goes
    const dropped = secrets.valid >= 2 ? '当前两个有效密钥中较早的一个将立即失效，' : '';
    const answer = await Taro.showModal({
      title: '生成新的签名密钥',
      content: `新密钥只显示这一次，请立即复制并配置到中心的接口。${dropped}当前密钥在下次更换前仍然有效。`,
      confirmText: '生成',
      cancelText: '取消',
    });
    if (!answer.confirm) return;
    setBusy(true);
    setError(undefined);
    const result = await portalCalls.rotateSecret();
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    onRotated(result.data);
  };

  const copy = () => void copyOrSay(made?.secret ?? '', '密钥');

  return (
    <View className='card links-card' id='links-secret'>
      <Text className='links-title'>签名密钥</Text>
      <Text className='links-value' id='links-secret-status'>
        {secrets.valid === 0 ? '尚未生成' : `有效密钥 ${secrets.valid} 个`}
        {secrets.rotatedAt ? `，最近更换：${formatShanghai(new Date(secrets.rotatedAt))}` : ''}
      </Text>
      {secrets.notice ? (
        <Text className='links-error-text' id='links-secret-retiring'>
          {secrets.notice}
        </Text>
      ) : null}
      <Text className='links-muted'>平台用签名密钥为推送签名，中心用它校验推送、为回调签名。密钥由平台生成，只显示一次。</Text>
      {made ? (
        <View className='links-new-secret' id='links-new-secret'>
          <Text className='links-new-secret-title'>新密钥（只显示这一次）</Text>
          <Text className='links-new-secret-value' id='links-new-secret-value' userSelect>
            {made.secret}
          </Text>
          <ActionButton className='secondary-button links-button' id='links-copy-secret' onClick={copy}>
            复制密钥
          </ActionButton>
          <Text className='links-notice' id='links-secret-notice'>
            {made.valid > 1 ? '旧密钥在下次更换前仍然有效，推送同时用新旧密钥签名；请尽快把新密钥配置到中心的接口。' : '这是本中心目前唯一的签名密钥，请配置到中心的接口。'}
            离开本页后将无法再次查看新密钥。
          </Text>
        </View>
      ) : null}
      <ActionButton className='links-button' id='links-rotate' loading={busy} disabled={busy} onClick={() => void rotate()}>
        {secrets.valid === 0 ? '生成签名密钥' : '更换签名密钥'}
      </ActionButton>
      {error ? (
        <Text className='links-error-text' id='links-secret-error'>
          {error}
        </Text>
      ) : null}
    </View>
  );
}
