import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { CERTIFICATE_ITEMS, CERTIFICATE_TYPES } from '../../core/applications/status';
import type { CenterWithDomains } from '../../core/business-domains';
import { ok, type Result } from '../../core/errors';
import { itemById, MODE_LABELS, type ItemInfo } from '../../core/items';
import { counterRoute, resolveJump, type JumpTarget } from '../../core/jump';
import { ActionButton } from '../../components/action-button';
import { StateView } from '../../components/state-view';
import { CenterSearch } from '../../components/center-search';
import { CopyLinkCard } from '../../components/copy-link-card';
import { FallbackCard } from '../../components/fallback-card';
import { callFunction } from '../../services/cloud';
import { jumpTo } from '../../services/jump';
import { myCenter } from '../../services/my-center';
import { useCall } from '../../services/use-call';
import { withPageShell } from '../../components/page-shell';
import './index.scss';

/** The certificate an item applies for in the app (代收代办 items 2 and 8), if any. */
const certificateOf = (itemId: number) => CERTIFICATE_TYPES.find((type) => CERTIFICATE_ITEMS[type] === itemId);

/** The chosen center with its links and service hall; nothing while no center is chosen. */
async function loadCenter(code: string | undefined): Promise<Result<CenterWithDomains | undefined>> {
  if (!code) return ok(undefined);
  const got = await callFunction<{ center: CenterWithDomains }>('centers', { action: 'get', code });
  return got.ok ? ok(got.data.center) : got;
}

/** What applying in the app means for this item, with the button to its form. */
function ApplyCard({ id, text, url }: { id: string; text: string; url: string }) {
  return (
    <View className='card item-apply-card' id={`${id}-card`}>
      <Text className='item-apply-text'>{text}</Text>
      <ActionButton className='primary-button item-apply' id={id} onClick={() => void Taro.navigateTo({ url })}>
        在线申请
      </ActionButton>
    </View>
  );
}

/** The way to the center's counter: its service hall line by line when the center gave it, else the counter route. */
function CounterCard({ item, reason, center }: { item: ItemInfo; reason: string; center: CenterWithDomains }) {
  return center.counter ? (
    <FallbackCard itemName={item.name} reason={reason} phone={center.phone} hall={{ centerName: center.name, ...center.counter }} />
  ) : (
    <FallbackCard itemName={item.name} reason={reason} phone={center.phone} counter={counterRoute(center)} />
  );
}

/** How to do the item at the chosen center: its online channel, an in-app request or its counter; never a dead end. */
function CenterRoute({ item, center }: { item: ItemInfo; center: CenterWithDomains }) {
  // what the tap answered when it opened nothing: why there is nowhere to go, or the link to copy
  const [fallback, setFallback] = useState<Extract<JumpTarget, { kind: 'unavailable' | 'copy' }> | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  if (item.mode !== 'online') {
    return <CounterCard item={item} reason='本事项由两地中心协同办理。不便在线申请的，可拨打受理中心的服务热线咨询，或前往柜台办理。' center={center} />;
  }
  const route = resolveJump(center, center.links, item.id, new Set(center.businessDomains));
  if (route.kind === 'in-app') {
    return <ApplyCard id='item-request' text={route.message} url={`/pages/service-request/index?item=${item.id}&code=${center.code}`} />;
  }
  if (route.kind === 'counter') return <CounterCard item={item} reason={route.message} center={center} />;

  // a channel, or none: the jump is asked for (and recorded) on the tap, which answers the fallback if need be
  const go = async () => {
    setBusy(true);
    const result = await jumpTo(center.code, item.id);
    setBusy(false);
    const target = result.ok ? result.data.target : undefined;
    setFallback(target?.kind === 'unavailable' || target?.kind === 'copy' ? target : undefined);
  };
  return (
    <View>
      <ActionButton className='primary-button item-go' id='item-go' loading={busy} disabled={busy} onClick={() => void go()}>
        前往办理
      </ActionButton>
      {fallback?.kind === 'unavailable' ? <CounterCard item={item} reason={fallback.message} center={center} /> : null}
      {fallback?.kind === 'copy' ? <CopyLinkCard itemName={item.name} centerName={center.name} url={fallback.url} message={fallback.message} phone={center.phone} /> : null}
    </View>
  );
}

/** One item: pick the business-locale center, then go the way that center takes the item. */
function ItemPage() {
  const { params } = useRouter();
  const item = itemById(Number(params.item));
  const [code, setCode] = useState(() => params.code ?? myCenter()?.code);
  const chosen = useCall(() => loadCenter(code), [code]);
  const [choosing, setChoosing] = useState(false);

  if (!item) return <StateView status='error' message='没有这个事项，请从首页重新进入' />;
  const certificate = certificateOf(item.id);
  const center = chosen.status === 'ready' ? chosen.data : undefined;

  const search = (
    <CenterSearch
      placeholder='搜索办理中心：城市名、拼音或首字母'
      onPick={(c) => {
        setCode(c.code);
        setChoosing(false);
      }}
    />
  );

  return (
    <View className='item-page'>
      <View className='card item-head'>
        <Text className='item-title'>{item.name}</Text>
        <Text className={`tag tag-${item.mode}`}>{MODE_LABELS[item.mode]}</Text>
        <Text className='item-guide'>{item.guide}</Text>
      </View>

      {certificate ? (
        <ApplyCard
          id='item-apply'
          text='在小程序内在线申请：受理地中心代收，业务属地中心出具证明，证明以 PDF 文件送回小程序。'
          url={`/pages/certificate/index?type=${certificate}`}
        />
      ) : null}
      {item.mode === 'joint' ? (
        <ApplyCard
          id='item-apply'
          text='在小程序内在线申请：购房地中心核验购房信息，缴存地中心办理提取并转入本人银行账户，无需两地跑。'
          url='/pages/purchase/index'
        />
      ) : null}

      <Text className='section-title'>{item.mode === 'online' ? '办理中心（业务属地）' : '受理中心'}</Text>
      {chosen.status === 'loading' ? <StateView status='loading' /> : null}
      {chosen.status === 'error' ? <StateView status='error' message={chosen.message} code={chosen.code} onRetry={chosen.reload} /> : null}
      {center && !choosing ? (
        <View className='card item-center' id='item-center'>
          <Text className='item-center-name'>{center.name}</Text>
          <Text className='phone'>{center.phone}</Text>
          <Text className='item-change' id='item-change' onClick={() => setChoosing(true)}>
            更换中心
          </Text>
        </View>
      ) : null}
      {chosen.status !== 'loading' && (!center || choosing) ? search : null}
      {center && !choosing ? <CenterRoute key={center.code} item={item} center={center} /> : null}
    </View>
  );
}

export default withPageShell(ItemPage, { title: '跨省通办' });
