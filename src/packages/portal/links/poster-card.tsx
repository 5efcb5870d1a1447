import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { ActionButton } from '../../../components/action-button';
import { savePng } from '../../../services/documents';
import { portalCalls } from '../../../services/portal';
import { posterImage } from '../../../services/trial-codes';

/**
 * 本中心小程序码: the code for the center's halls and website, which opens the center's page in the app (and offers to
 * make it 我的中心); testers scan it as part of their checklist. Shown on request, then saved as a PNG. It lives here,
 * beside the center's links, where staff find it after the trial too (试用问题 points here).
 */
export function PosterCard() {
  const [image, setImage] = useState<{ src: string; name: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const show = async () => {
    setBusy(true);
    setError(undefined);
    const got = await portalCalls.posterCode();
    const src = got.ok ? await posterImage(got.data) : undefined;
    setBusy(false);
    if (!got.ok) setError(got.message);
    else if (src === undefined) setError('小程序码生成失败，请稍后重试');
    else setImage({ src, name: '本中心小程序码.png' });
  };
  const save = async () => {
    if (!image) return;
    const saved = await savePng(image.src, image.name);
    if (saved.ok) void Taro.showToast({ title: '已保存', icon: 'success' });
    else setError(saved.message);
  };

  return (
    <View className='card links-card' id='links-poster'>
      <Text className='links-title'>本中心小程序码</Text>
      <Text className='links-muted'>张贴于服务大厅、放在中心网站，群众扫码即打开本中心页面；内部测试人员也会扫码检查。</Text>
      {image ? (
        <View className='links-poster'>
          <Image className='links-poster-image' id='links-poster-image' src={image.src} mode='aspectFit' ariaLabel='本中心小程序码' nativeProps={{ alt: '本中心小程序码' }} />
          <ActionButton className='primary-button links-button' id='links-poster-save' onClick={() => void save()}>
            保存图片
          </ActionButton>
        </View>
      ) : (
        <ActionButton className='secondary-button links-button' id='links-poster-show' loading={busy} disabled={busy} onClick={() => void show()}>
          获取小程序码
        </ActionButton>
      )}
      {error ? (
        <Text className='links-error-text' id='links-poster-error'>
          {error}
        </Text>
      ) : null}
    </View>
  );
}
