import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { describeValue, type PortalOverview } from '../../../core/center-portal';
import { isItemId, type ItemId } from '../../../core/items';
import { FINDING_ID_PATTERN } from '../../../core/trial';
import { StateView } from '../../../components/state-view';
import { portalCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';
import { ConformanceCard } from './conformance-card';
import { DomainCards } from './domain-card';
import { HealthLines } from './health-lines';
import { History } from './history';
import { PosterCard } from './poster-card';
import { ProposeForm } from './propose-form';
import { SecretCard, type NewSecret } from './secret-card';
import { withPageShell } from '../../../components/page-shell';
import './index.scss';

const ENDPOINT_MODES: Record<PortalOverview['endpoint']['mode'], string> = { api: '中心接口', manual: '在工作台人工办理', none: '未登记' };

/** Each fully online item: what the directory jumps to now, and the health of a web link. */
function ItemLinks({ links }: { links: PortalOverview['links'] }) {
  return (
    <View id='links-items'>
      {links.map((l) => (
        <View key={l.item} className='card links-card' id={`links-item-${l.item}`}>
          <Text className='links-title'>
            事项 {l.item} {l.itemName}
          </Text>
          <Text className='links-value' id={`links-item-${l.item}-value`}>
            {describeValue(l.link)}
          </Text>
          {l.link?.kind === 'web' ? <HealthLines id={`links-item-${l.item}-health`} healthy={l.healthy} health={l.health} /> : null}
        </View>
      ))}
    </View>
  );
}

function Endpoint({ endpoint }: { endpoint: PortalOverview['endpoint'] }) {
  return (
    <View className='card links-card' id='links-endpoint'>
      <Text className='links-title'>接收推送的接口：{ENDPOINT_MODES[endpoint.mode]}</Text>
      {endpoint.url ? (
        <Text className='links-value' id='links-endpoint-url'>
          {endpoint.url}
        </Text>
      ) : null}
      {endpoint.mode === 'api' ? <HealthLines id='links-endpoint-health' healthy={endpoint.health?.healthy ?? null} health={endpoint.health} /> : null}
    </View>
  );
}

/** The trial finding 试用问题 opened this page to correct (?findingId=…&item=…), when both are well formed. */
function findingOf(params: Partial<Record<string, string>>): { id: string; item: ItemId } | undefined {
  const item = Number(params.item);
  return params.findingId && FINDING_ID_PATTERN.test(params.findingId) && isItemId(item) ? { id: params.findingId, item } : undefined;
}

/**
 * Center staff: their own center's links and endpoint with their health, the signing secrets, interface
 * testing, a form for changes and the work orders. Everyone else is refused by the function (FORBIDDEN).
 */
function LinksPage() {
  const got = useCall(portalCalls.overview, []);
  const finding = findingOf(useRouter().params);
  // after an action the overview is fetched again in place, so what the cards show (a report, a form) stays
  const [refreshed, setRefreshed] = useState<PortalOverview | undefined>(undefined);
  const refresh = async () => {
    const again = await portalCalls.overview();
    if (again.ok) setRefreshed(again.data);
  };
  // a secret the function answered once, held by the page only
  const [made, setMade] = useState<NewSecret | undefined>(undefined);
  const changed = (secret: NewSecret | undefined) => {
    if (secret) setMade(secret);
    void refresh();
  };

  if (got.status === 'loading') return <StateView status='loading' message='正在加载本中心的登记情况…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  const overview = refreshed ?? got.data;

  return (
    <View className='links-page'>
      <View className='card links-card' id='links-center'>
        <Text className='links-center-name'>{overview.center.name}</Text>
        <Text className='links-muted'>
          中心代码 {overview.center.code} · 服务热线 {overview.center.phone}
        </Text>
      </View>

      <Text className='section-title'>办理链接</Text>
      <ItemLinks links={overview.links} />
      <PosterCard />
      <DomainCards />

      <Text className='section-title'>接口与密钥</Text>
      <Endpoint endpoint={overview.endpoint} />
      <SecretCard secrets={overview.secrets} made={made} onRotated={changed} />
      <ConformanceCard conformance={overview.conformance} onRun={() => void refresh()} />

      <Text className='section-title'>登记变更</Text>
      <ProposeForm overview={overview} finding={finding} onProposed={changed} />

      <Text className='section-title'>变更记录</Text>
      <View id='links-history'>
        <History overview={overview} />
      </View>
    </View>
  );
}

export default withPageShell(LinksPage, { title: '链接与接口登记' });
