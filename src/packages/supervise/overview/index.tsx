import { Text, View } from '@tarojs/components';
import { provinceName } from '../../../core/supervision';
import { periodOf, shanghaiDate } from '../../../core/time';
import { ActionButton } from '../../../components/action-button';
import { StateView } from '../../../components/state-view';
import { whoami } from '../../../services/identity';
import { superviseCalls } from '../../../services/supervise';
import { useCall } from '../../../services/use-call';
import { openTable, type TablePage } from '../shared/navigate';
import { AccessSection } from './access';
import { FollowUpsOpenCard, OverdueCard, PosterScansCard, TransferTimeCard } from './dashboard';
import { DeadLettersCard, SatisfactionCard } from './service';
import { VolumeSection } from './volume';
import { withPageShell } from '../../../components/page-shell';
import '../shared/supervise.scss';

/** The tables behind the figures, as buttons: the way to them by keyboard too (the figures are tapped). */
const TABLES: { page: TablePage; label: string }[] = [
  { page: 'progress', label: '接入进度表（附件1）' },
  { page: 'online', label: '全程网办完成情况表（附件3）' },
  { page: 'monthly', label: '月度统计表与报送（附件2）' },
  { page: 'liaisons', label: '省级联络员表' },
  { page: 'recommendations', label: '三个一百推荐' },
];

/** Both tables the access figures come from, or the first failure. */
async function accessTables() {
  const [progress, online] = await Promise.all([superviseCalls.progress(), superviseCalls.onlineCompletion()]);
  if (!progress.ok) return progress;
  if (!online.ok) return online;
  return { ok: true as const, data: { progress: progress.data, online: online.data } };
}

/**
 * Supervisors' overview: national supervisors every province, a provincial supervisor their own (the function
 * scopes every table). Access progress and full-online completion per province as bars; from one `dashboard`
 * call the running period's volume per item with the last 12 periods, average transfer time per province against
 * the national 6, the centers overdue for acceptance and the 差评 still open; for national supervisors 好差评 and
 * the deliveries given up on. Every figure opens the table behind it.
 */
function OverviewPage() {
  const access = useCall(accessTables, []);
  const figures = useCall(() => superviseCalls.dashboard(), []);
  const roles = useCall(whoami, []);
  const period = periodOf(shanghaiDate(new Date()));

  if (access.status === 'loading' || roles.status === 'loading') return <StateView status='loading' message='正在加载监管总览…' />;
  if (access.status === 'error') return <StateView status='error' message={access.message} code={access.code} onRetry={access.reload} />;
  const national = roles.status === 'ready' && roles.data.roles.some((r) => r.role === 'supervisor');
  // a provincial supervisor's own province: the function scopes every table to it unasked, so links name none
  const own = national || roles.status !== 'ready' ? undefined : roles.data.roles.flatMap((r) => (r.role === 'provincial-supervisor' ? [r.province] : []))[0];

  return (
    <View className='supervise-page'>
      <View className='card supervise-card' id='overview-scope'>
        <Text className='supervise-title'>{own ? `${provinceName(own)}监管总览` : '全国监管总览'}</Text>
        <Text className='supervise-muted'>点击任一数字或进度条，查看其所依据的明细表。</Text>
      </View>
      <AccessSection progress={access.data.progress} online={access.data.online} />
      {figures.status === 'loading' ? <StateView status='loading' message='正在统计办理量和办理时限…' /> : null}
      {figures.status === 'error' ? <StateView status='error' message={figures.message} code={figures.code} onRetry={figures.reload} /> : null}
      {figures.status === 'ready' ? (
        <View>
          <VolumeSection trend={figures.data.trend} />
          <Text className='section-title'>办理时效</Text>
          <TransferTimeCard answer={figures.data} />
          <OverdueCard answer={figures.data} />
        </View>
      ) : null}
      <Text className='section-title'>报表</Text>
      <View className='card supervise-card' id='overview-tables'>
        {TABLES.map((t) => (
          <ActionButton key={t.page} className='supervise-button supervise-table-button' id={`overview-go-${t.page}`} onClick={() => openTable(t.page, t.page === 'monthly' ? { period } : {})}>
            {t.label}
          </ActionButton>
        ))}
      </View>
      <Text className='section-title'>内部试用</Text>
      <View className='card supervise-card' id='overview-trial'>
        <Text className='supervise-muted'>邀请测试人员，查看各省上线准备情况和上线开关，处理中心名称、服务电话问题。</Text>
        <ActionButton className='supervise-button supervise-table-button' id='overview-go-trial' onClick={() => openTable('trial')}>
          内部试用与上线
        </ActionButton>
      </View>
      <Text className='section-title'>业务域名</Text>
      <View className='card supervise-card' id='overview-domains'>
        <Text className='supervise-muted'>中心办理网页的域名须配置为本小程序的业务域名（最多 200 个）才能在小程序内打开：查看各域名的状态，申请和配置。</Text>
        <ActionButton className='supervise-button supervise-table-button' id='overview-go-domains' onClick={() => openTable('domains')}>
          业务域名
        </ActionButton>
      </View>
      <Text className='section-title'>服务质量</Text>
      {national ? <SatisfactionCard /> : null}
      {figures.status === 'ready' ? <FollowUpsOpenCard answer={figures.data} /> : null}
      {figures.status === 'ready' ? <PosterScansCard answer={figures.data} /> : null}
      {national ? <DeadLettersCard /> : null}
    </View>
  );
}

export default withPageShell(OverviewPage, { title: '监管总览' });
