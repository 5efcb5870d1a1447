import { Text, View } from '@tarojs/components';
import { FULL_ONLINE_ITEMS, type OnlineCompletionAnswer, type ProgressAnswer, type ProgressTotals } from '../../../core/supervision';
import { ProgressBar } from '../shared/bars';
import { openTable } from '../shared/navigate';

/** Centers of a province fully online for every item of 4, 5 and 6: those missing from every item's list of centers not done. */
function fullyOnline(online: OnlineCompletionAnswer, province: string | undefined, centers: number): number {
  const notDone = new Set(online.rows.filter((r) => province === undefined || r.province === province).flatMap((r) => FULL_ONLINE_ITEMS.flatMap((item) => r.items[`${item}`].centerCodes)));
  return centers - notDone.size;
}

/** The four figures of one scope (the whole table, or a province), each a bar opening the table behind it. */
function Figures({ id, totals, online, province }: { id: string; totals: ProgressTotals; online: number; province: string | undefined }) {
  return (
    <View>
      <ProgressBar id={`${id}-connected`} label='已接入' value={totals.connected} total={totals.centers} onClick={() => openTable('progress', { province })} />
      <ProgressBar id={`${id}-jumping`} label='链接正常跳转' value={totals.centers - totals.notJumping} total={totals.centers} onClick={() => openTable('progress', { province })} />
      <ProgressBar id={`${id}-tested`} label='接口测试已通过' value={totals.testingPassed} total={totals.centers} onClick={() => openTable('progress', { province })} />
      <ProgressBar id={`${id}-online`} label='第4-6项全程网办' value={online} total={totals.centers} onClick={() => openTable('online', { province })} />
    </View>
  );
}

/**
 * Access progress (annex 1 of notice 2021-30) and full-online completion (annex 3): the totals of every province the
 * caller sees, then each province's; every bar opens the table with the centers behind it.
 */
export function AccessSection({ progress, online }: { progress: ProgressAnswer; online: OnlineCompletionAnswer }) {
  const several = progress.rows.length > 1;
  return (
    <View>
      <Text className='section-title'>接入进度（截至 {progress.asOf}）</Text>
      {several ? (
        <View className='card supervise-card' id='overview-access-total'>
          <Text className='supervise-title'>全国合计</Text>
          <Figures id='overview-total' totals={progress.totals} online={fullyOnline(online, undefined, progress.totals.centers)} province={undefined} />
        </View>
      ) : null}
      {progress.rows.map((row) => (
        <View key={row.province} className='card supervise-card' id={`overview-province-${row.province}`}>
          <View className='supervise-head'>
            <Text className='supervise-title'>{row.provinceName}</Text>
            <Text className='supervise-muted'>共 {row.centers} 个中心</Text>
          </View>
          {/* a province's figures open its rows among the others'; alone, it is the whole table */}
          <Figures id={`overview-${row.province}`} totals={row} online={fullyOnline(online, row.province, row.centers)} province={several ? row.province : undefined} />
        </View>
      ))}
    </View>
  );
}
