import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { BUSINESS_DOMAIN_LIMIT, type BusinessDomainsAnswer } from '../../../core/business-domains';
import { StateView } from '../../../components/state-view';
import { whoami } from '../../../services/identity';
import { adminCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';
import { DomainCard } from './domain-card';
import { withPageShell } from '../../../components/page-shell';
import '../shared/supervise.scss';
import './index.scss';

/** The domains and who may set them, or the first failure. */
async function load() {
  const [domains, roles] = await Promise.all([adminCalls.businessDomains(), whoami()]);
  if (!domains.ok) return domains;
  if (!roles.ok) return roles;
  return { ok: true as const, data: { answer: domains.data, national: roles.data.roles.some((r) => r.role === 'supervisor') } };
}

/** 已配置 x / 200, and what a business domain is for. */
function CountCard({ answer }: { answer: BusinessDomainsAnswer }) {
  const full = answer.configured >= answer.limit;
  return (
    <View className='card supervise-card' id='domains-count-card'>
      <Text className='supervise-figure' id='domains-count'>
        已配置 {answer.configured} / {answer.limit}
      </Text>
      <Text className='supervise-muted'>
        中心的办理网页只有在其域名配置为本小程序的业务域名后，才能在小程序内打开；微信限定最多 {BUSINESS_DOMAIN_LIMIT} 个。未配置的域名，群众会看到中心的小程序或可复制的链接。
      </Text>
      {full ? (
        <Text className='alert' id='domains-full'>
          业务域名已达上限，配置新的域名前请先移除不再使用的域名。
        </Text>
      ) : null}
    </View>
  );
}

/**
 * 业务域名 (issue 16 point 1), for supervisors: every domain the centers' registered web links use, how many are
 * configured against WeChat's 200, each one's state in words, the centers using it and the daily check of its
 * verification file. National supervisors move a domain along (申请 with the file WeChat issued, 标记已配置, 移除).
 */
function DomainsPage() {
  const got = useCall(load, []);
  // a change answers the whole list, shown in place so each card keeps what it said
  const [fresh, setFresh] = useState<BusinessDomainsAnswer | undefined>(undefined);
  if (got.status === 'loading') return <StateView status='loading' message='正在加载业务域名…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  const { national } = got.data;
  const answer = fresh ?? got.data.answer;

  return (
    <View className='supervise-page'>
      <CountCard answer={answer} />
      {national ? null : <Text className='section-title'>业务域名由全国监管人员申请和配置，此处仅供查看。</Text>}
      <Text className='section-title'>中心链接使用的域名（{answer.domains.length} 个）</Text>
      {answer.domains.length === 0 ? <StateView status='empty' message='尚无中心登记网页链接' /> : null}
      {answer.domains.map((d) => (
        <DomainCard key={d.domain} view={d} national={national} onChanged={setFresh} />
      ))}
    </View>
  );
}

export default withPageShell(DomainsPage, { title: '业务域名' });
