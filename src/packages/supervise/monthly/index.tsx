import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { periodOf, periodsUpTo, shanghaiDate } from '../../../core/time';
import { StateView } from '../../../components/state-view';
import { ChipRow } from '../../../components/chip-row';
import { whoami } from '../../../services/identity';
import { superviseCalls } from '../../../services/supervise';
import { useCall } from '../../../services/use-call';
import { ExportButton } from '../shared/export-button';
import { reportPeriodSpan } from '../../../core/time';
import { ProvinceFilter } from '../shared/province-filter';
import { TotalsLines } from './figures';
import { ProvinceCard } from './province-card';
import { withPageShell } from '../../../components/page-shell';
import '../shared/supervise.scss';

/** The periods offered to pick: the running one and the five before it. */
const PICKABLE = 6;

/**
 * Annex 2 of plan 2021-50 for a period (15th of last month to the 14th of this month): per province where its table
 * stands, its totals, the centers that have not filled, submitting it by the 20th (a correction is a new version),
 * and each center's line; the Excel file.
 */
function MonthlyPage() {
  const { params } = useRouter();
  const running = periodOf(shanghaiDate(new Date()));
  const [period, setPeriod] = useState(params.period ?? running);
  const [province, setProvince] = useState(params.province);
  const got = useCall(() => superviseCalls.monthly(period, province), [period, province]);
  // a province's own supervisors submit its table; a national supervisor sees it
  const roles = useCall(whoami, []);
  const own = new Set(roles.status === 'ready' ? roles.data.roles.flatMap((r) => (r.role === 'provincial-supervisor' ? [r.province] : [])) : []);
  const periods = periodsUpTo(running, PICKABLE).reverse();

  return (
    <View className='supervise-page'>
      <ProvinceFilter province={province} onClear={() => setProvince(undefined)} />
      <ChipRow id='monthly-periods' idOf={(p) => `monthly-period-${p}`} choices={periods.map((p) => ({ key: p, label: p === running ? `${p}（本期）` : p }))} chosen={period} onChoose={setPeriod} />
      <Text className='section-title' id='monthly-span'>
        统计期间 <Text className='nowrap'>{reportPeriodSpan(period)}</Text>
        {got.status === 'ready' ? (
          <>
            ，报送截止 <Text className='nowrap'>{got.data.due}</Text>
            {got.data.running ? '（进行中）' : ''}
          </>
        ) : null}
      </Text>
      {got.status === 'loading' ? <StateView status='loading' message='正在统计月度数据…' /> : null}
      {got.status === 'error' ? <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} /> : null}
      {got.status === 'ready' ? (
        <View id='monthly-table'>
          {got.data.provinces.length > 1 ? (
            <View className='card supervise-card' id='monthly-total'>
              <Text className='supervise-title'>全国合计</Text>
              <TotalsLines id='monthly-total-lines' totals={got.data.totals} centers={got.data.rows.length} />
              <Text className='supervise-muted' id='monthly-overdue'>
                逾期未报送：{got.data.provinces.filter((p) => p.state === 'overdue').length} 个省份；已报送：{got.data.provinces.filter((p) => p.state === 'submitted').length} 个省份
              </Text>
            </View>
          ) : null}
          {got.data.provinces.map((p) => (
            <ProvinceCard
              key={`${period}-${p.province}`}
              month={got.data.month}
              running={got.data.running}
              province={p}
              rows={got.data.rows.filter((r) => r.province === p.province)}
              opened={got.data.provinces.length === 1}
              mayRemit={own.has(p.province)}
              onSubmitted={got.reload}
            />
          ))}
          <ExportButton id='monthly-export' report='monthly' period={period} province={province} />
        </View>
      ) : null}
    </View>
  );
}

export default withPageShell(MonthlyPage, { title: '月度统计' });
