import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { dialNumber, toSummary, type CenterWithLinks } from '../../core/centers';
import { ITEMS, MODE_LABELS, type ItemInfo } from '../../core/items';
import { counterRoute, resolveJump } from '../../core/jump';
import { ActionButton } from '../../components/action-button';
import { StateView } from '../../components/state-view';
import { FallbackCard } from '../../components/fallback-card';
import { callFunction } from '../../services/cloud';
import { jumpTo, type JumpAnswer } from '../../services/jump';
import { myCenter, setMyCenter } from '../../services/my-center';
import { useCall } from '../../services/use-call';
import './index.scss';

function itemStatus(center: CenterWithLinks, item: ItemInfo): { text: string; available: boolean } {
  // the two-center items are applied for in this app (certificates, purchase withdrawal)
  if (item.mode !== 'online') return { text: `${MODE_LABELS[item.mode]}，在小程序内申请`, available: true };
  const target = resolveJump(center, center.links, item.id);
  switch (target.kind) {
    case 'unavailable':
      return { text: target.reason === 'missing' ? '暂未开通在线办理' : '暂不能在线跳转', available: false };
    case 'in-app':
      return { text: '在小程序内申请，由中心代办', available: true };
    case 'counter':
      return { text: '到服务窗口办理', available: false };
    case 'web':
      return { text: '在线办理', available: true };
    case 'miniprogram':
      return { text: '在中心小程序中办理', available: true };
  }
}

/** One center: name, service phone (tap to call), and its channel for each item. */
export default function CenterPage() {
  const { params } = useRouter();
  const code = params.code ?? '';
  const got = useCall(() => callFunction<{ center: CenterWithLinks }>('centers', { action: 'get', code }), [code]);
  const [mine, setMine] = useState(() => myCenter()?.code === code);
  const [fallback, setFallback] = useState<JumpAnswer | undefined>(undefined);

  if (got.status === 'loading') return <StateView status='loading' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} onRetry={got.reload} />;
  const { center } = got.data;

  const open = async (item: ItemInfo) => {
    if (item.mode !== 'online') {
      await Taro.navigateTo({ url: `/pages/item/index?item=${item.id}&code=${center.code}` });
      return;
    }
    const result = await jumpTo(center.code, item.id);
    setFallback(result.ok && result.data.target.kind === 'unavailable' ? result.data : undefined);
  };

  return (
    <View className='center-page'>
      <View className='card center-head'>
        <Text className='center-name' id='center-name'>{center.name}</Text>
        <Text className='center-place'>
          {center.province} {center.city === center.province ? '' : center.city}
        </Text>
        <View className='center-phone' id='center-phone' onClick={() => void Taro.makePhoneCall({ phoneNumber: dialNumber(center.phone) })}>
          <Text>服务热线 </Text>
          <Text className='phone'>{center.phone}</Text>
        </View>
        {center.live ? null : <Text className='center-not-live'>该中心尚未接入本小程序的在线办理，请电话咨询或到服务窗口办理。</Text>}
        <ActionButton
          className='center-mine'
          size='mini'
          disabled={mine}
          onClick={() => {
            setMyCenter(toSummary(center));
            setMine(true);
            void Taro.showToast({ title: '已设为我的中心', icon: 'success' });
          }}
        >
          {mine ? '我的中心' : '设为我的中心'}
        </ActionButton>
      </View>

      {fallback && fallback.target.kind === 'unavailable' ? (
        <FallbackCard reason={fallback.target.message} phone={fallback.center.phone} counter={fallback.counter} />
      ) : null}

      <Text className='section-title'>跨省通办事项</Text>
      <View className='center-items'>
        {ITEMS.map((item) => {
          const status = itemStatus(center, item);
          return (
            <View key={item.id} className='center-item' id={`center-item-${item.id}`} onClick={() => void open(item)}>
              <Text className='center-item-name'>{item.name}</Text>
              <Text className={status.available ? 'center-item-status available' : 'center-item-status'}>{status.text} ›</Text>
            </View>
          );
        })}
      </View>
      <Text className='center-counter'>{counterRoute(center)}</Text>
    </View>
  );
}
