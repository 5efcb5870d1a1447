import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { CERTIFICATE_ITEMS, CERTIFICATE_TYPES } from '../../core/applications';
import { toSummary, type CenterSummary, type CenterWithLinks } from '../../core/centers';
import { itemById, MODE_LABELS } from '../../core/items';
import { counterRoute } from '../../core/jump';
import { ActionButton } from '../../components/action-button';
import { StateView } from '../../components/state-view';
import { CenterSearch } from '../../components/center-search';
import { FallbackCard } from '../../components/fallback-card';
import { callFunction } from '../../services/cloud';
import { jumpTo, type JumpAnswer } from '../../services/jump';
import { myCenter } from '../../services/my-center';
import './index.scss';

/** The certificate an item applies for in the app (代收代办 items 2 and 8), if any. */
const certificateOf = (itemId: number) => CERTIFICATE_TYPES.find((type) => CERTIFICATE_ITEMS[type] === itemId);

type Picked = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; center: CenterSummary | undefined };

/** One item: pick the business-locale center, then go to its channel, or learn the way that works. */
export default function ItemPage() {
  const { params } = useRouter();
  const item = itemById(Number(params.item));
  const [picked, setPicked] = useState<Picked>(() => (params.code ? { status: 'loading' } : { status: 'ready', center: myCenter() }));
  const [choosing, setChoosing] = useState(false);
  const [fallback, setFallback] = useState<JumpAnswer | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!params.code) return;
    void callFunction<{ center: CenterWithLinks }>('centers', { action: 'get', code: params.code }).then((r) =>
      setPicked(r.ok ? { status: 'ready', center: toSummary(r.data.center) } : { status: 'error', message: r.message }),
    );
  }, [params.code]);

  if (!item) return <StateView status='error' message='没有这个事项，请从首页重新进入' />;
  if (picked.status === 'loading') return <StateView status='loading' />;
  if (picked.status === 'error') return <StateView status='error' message={picked.message} />;
  const center = picked.center;
  const certificate = certificateOf(item.id);

  const go = async () => {
    if (!center) return;
    setBusy(true);
    const result = await jumpTo(center.code, item.id);
    setBusy(false);
    setFallback(result.ok && result.data.target.kind === 'unavailable' ? result.data : undefined);
  };

  return (
    <View className='item-page'>
      <View className='card item-head'>
        <Text className='item-title'>{item.name}</Text>
        <Text className={`tag tag-${item.mode}`}>{MODE_LABELS[item.mode]}</Text>
        <Text className='item-guide'>{item.guide}</Text>
      </View>

      {certificate ? (
        <View className='card item-apply-card' id='item-apply-card'>
          <Text className='item-apply-text'>在小程序内在线申请：受理地中心代收，业务属地中心出具证明，证明以 PDF 文件送回小程序。</Text>
          <ActionButton
            className='primary-button item-apply'
            id='item-apply'
            onClick={() => void Taro.navigateTo({ url: `/pages/certificate/index?type=${certificate}` })}
          >
            在线申请
          </ActionButton>
        </View>
      ) : null}

      <Text className='section-title'>{item.mode === 'online' ? '办理中心（业务属地）' : '受理中心'}</Text>
      {center && !choosing ? (
        <View className='card item-center' id='item-center'>
          <Text className='item-center-name'>{center.name}</Text>
          <Text className='phone'>{center.phone}</Text>
          <Text className='item-change' id='item-change' onClick={() => setChoosing(true)}>
            更换中心
          </Text>
        </View>
      ) : (
        <CenterSearch
          placeholder='搜索办理中心：城市名、拼音或首字母'
          onPick={(c) => {
            setPicked({ status: 'ready', center: c });
            setChoosing(false);
            setFallback(undefined);
          }}
        />
      )}

      {center && !choosing && item.mode === 'online' ? (
        <ActionButton className='primary-button item-go' id='item-go' loading={busy} disabled={busy} onClick={() => void go()}>
          前往办理
        </ActionButton>
      ) : null}
      {center && !choosing && item.mode !== 'online' ? (
        <FallbackCard
          reason={
            certificate
              ? '本事项由两地中心协同办理。不便在线申请的，可拨打受理中心的服务热线咨询，或前往柜台办理。'
              : '本事项由两地中心协同办理，小程序内在线申请即将开放。'
          }
          phone={center.phone}
          counter={counterRoute(center)}
        />
      ) : null}
      {fallback && fallback.target.kind === 'unavailable' ? (
        <FallbackCard reason={fallback.target.message} phone={fallback.center.phone} counter={fallback.counter} />
      ) : null}
    </View>
  );
}
