import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import type { CenterWithDomains } from '../../core/business-domains';
import { dialNumber, toSummary } from '../../core/centers';
import { ITEMS, MODE_LABELS, type ItemInfo } from '../../core/items';
import { counterRoute, resolveJump } from '../../core/jump';
import { CENTER_PAGE, parseScene, sceneRoute } from '../../core/trial';
import { ActionButton } from '../../components/action-button';
import { StateView } from '../../components/state-view';
import { CopyLinkCard } from '../../components/copy-link-card';
import { FallbackCard, KeepTimes } from '../../components/fallback-card';
import { callFunction } from '../../services/cloud';
import { jumpTo, reportScan, type JumpAnswer } from '../../services/jump';
import { myCenter, setMyCenter } from '../../services/my-center';
import { say } from '../../services/notice';
import { useCall } from '../../services/use-call';
import { withPageShell } from '../../components/page-shell';
import './index.scss';

function itemStatus(center: CenterWithDomains, item: ItemInfo): { text: string; available: boolean } {
  // the two-center items are applied for in this app (certificates, purchase withdrawal)
  if (item.mode !== 'online') return { text: `${MODE_LABELS[item.mode]}，在小程序内申请`, available: true };
  const target = resolveJump(center, center.links, item.id, new Set(center.businessDomains));
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
    case 'copy':
      return { text: '复制链接到浏览器办理', available: true };
  }
}

/**
 * One center: name, service phone (tap to call), and its channel for each item. Opened from the center's poster code
 * (its `scene` c=<center code>), the scan is counted and 设为我的中心 offered first; another scene goes where it
 * belongs (an invite to the join page, anything else home). This page is the one place scenes are routed: mini-program
 * codes open it, on a cold start as on a return from the background.
 */
function CenterPage() {
  const { params } = useRouter();
  const elsewhere = sceneRoute(CENTER_PAGE, params.scene);
  useEffect(() => {
    if (elsewhere !== undefined) void Taro.reLaunch({ url: elsewhere });
  }, [elsewhere]);
  // on its way elsewhere: nothing to ask, nothing to count, no refusal flashing by
  if (elsewhere !== undefined) return <StateView status='loading' />;
  const scene = parseScene(params.scene);
  const poster = scene?.kind === 'center' ? scene.centerCode : undefined;
  return <CenterView code={poster ?? params.code ?? ''} poster={poster} />;
}

/** The center of `code`; `poster`: the center whose poster code opened the page (its scan counted). */
function CenterView({ code, poster }: { code: string; poster: string | undefined }) {
  const got = useCall(() => callFunction<{ center: CenterWithDomains }>('centers', { action: 'get', code }), [code]);
  const [mine, setMine] = useState(() => myCenter()?.code === code);
  // what the last tap answered when it opened nothing: the fallback, or the link to copy (with the item tapped)
  const [fallback, setFallback] = useState<{ answer: JumpAnswer; item: ItemInfo } | undefined>(undefined);
  useEffect(() => {
    if (poster !== undefined) void reportScan(poster);
  }, [poster]);

  if (got.status === 'loading') return <StateView status='loading' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  const { center } = got.data;

  const makeMine = () => {
    setMyCenter(toSummary(center));
    setMine(true);
    say('已设为我的中心', { done: true });
  };

  const open = async (item: ItemInfo) => {
    if (item.mode !== 'online') {
      await Taro.navigateTo({ url: `/pages/item/index?item=${item.id}&code=${center.code}` });
      return;
    }
    const result = await jumpTo(center.code, item.id);
    const stays = result.ok && (result.data.target.kind === 'unavailable' || result.data.target.kind === 'copy');
    setFallback(stays ? { answer: result.data, item } : undefined);
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
        {poster !== undefined && !mine ? null : (
          <ActionButton className='primary-button center-mine' disabled={mine} onClick={makeMine}>
            {mine ? '我的中心' : '设为我的中心'}
          </ActionButton>
        )}
      </View>

      {poster !== undefined && !mine ? (
        <View className='card center-poster' id='center-poster'>
          <Text className='center-poster-text'>您扫描的是{center.name}的小程序码。设为我的中心后，打开小程序首页即可看到本中心。</Text>
          <ActionButton className='primary-button' id='center-poster-mine' onClick={makeMine}>
            设为我的中心
          </ActionButton>
        </View>
      ) : null}

      {fallback?.answer.target.kind === 'unavailable' ? (
        <FallbackCard itemName={fallback.item.name} reason={fallback.answer.target.message} phone={fallback.answer.center.phone} counter={fallback.answer.counter} />
      ) : null}
      {fallback?.answer.target.kind === 'copy' ? (
        <CopyLinkCard itemName={fallback.item.name} centerName={fallback.answer.center.name} url={fallback.answer.target.url} message={fallback.answer.target.message} phone={fallback.answer.center.phone} />
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
      <Text className='center-counter'>
        <KeepTimes text={counterRoute(center)} />
      </Text>
    </View>
  );
}

export default withPageShell(CenterPage, { title: '中心详情' });
