import { Text, View } from '@tarojs/components';
import type { DashboardAnswer, TransferTimeRow } from '../../../core/supervision';
import { openTable } from '../shared/navigate';

/**
 * The overview's figures of `supervise dashboard`: average transfer time per province against the national 6, the
 * centers with applications overdue for acceptance, and the 差评 follow-ups still open. Each line opens the table
 * of its province.
 */

const days = (avg: number | null) => (avg === null ? '无办结' : `${avg} 个工作日`);

/** One province's average as words and a bar, the national figure marked on the same scale. */
function TransferBar({ row, scale, target }: { row: TransferTimeRow; scale: number; target: number }) {
  const width = row.avgWorkingDays === null ? 0 : Math.round((row.avgWorkingDays / scale) * 100);
  const over = row.avgWorkingDays !== null && row.avgWorkingDays > target;
  return (
    <View className='supervise-progress supervise-link' id={`overview-transfer-${row.province}`} onClick={() => openTable('progress', { province: row.province })}>
      <Text className='supervise-progress-text' id={`overview-transfer-${row.province}-text`}>
        {row.provinceName} {days(row.avgWorkingDays)}，办结 {row.count} 件{over ? `，超过全国 ${target} 个工作日` : ''}
      </Text>
      <View className='supervise-progress-track'>
        <View className={`supervise-progress-fill${over ? ' supervise-progress-over' : ''}`} style={{ width: `${width}%` }} />
        <View className='supervise-target' style={{ left: `${Math.round((target / scale) * 100)}%` }} />
      </View>
    </View>
  );
}

/** Average transfer time (submitted -> 办结) per province, the bar of each against the national 6. */
export function TransferTimeCard({ answer }: { answer: DashboardAnswer }) {
  const { national, transferTime, transferWindow } = answer;
  const scale = Math.max(national.target, ...transferTime.map((r) => r.avgWorkingDays ?? 0));
  return (
    <View className='card supervise-card' id='overview-transfer'>
      <Text className='supervise-title'>转移接续平均办理时间</Text>
      <Text className='supervise-muted'>
        {transferWindow.from} 至 {transferWindow.to} 办结的转移接续，自申请至办结的工作日（按国务院节假日安排）；竖线为全国 {national.target} 个工作日。
      </Text>
      <Text className='supervise-figure' id='overview-transfer-national'>
        平均 {days(national.avgWorkingDays)}，办结 {national.count} 件（全国 {national.target} 个工作日）
      </Text>
      {transferTime.map((row) => (
        <TransferBar key={row.province} row={row} scale={scale} target={national.target} />
      ))}
    </View>
  );
}

/** The centers with applications awaiting acceptance past their 3-working-day limit, most first. */
export function OverdueCard({ answer }: { answer: DashboardAnswer }) {
  const total = answer.overdue.reduce((n, r) => n + r.count, 0);
  return (
    <View className='card supervise-card' id='overview-overdue'>
      <Text className='supervise-title'>超期未受理（3 个工作日）</Text>
      <Text className='supervise-figure' id='overview-overdue-count'>
        {total} 件，{answer.overdue.length} 个中心
      </Text>
      {answer.overdue.length === 0 ? <Text className='supervise-muted'>没有超过受理时限仍未受理的申请</Text> : null}
      {answer.overdue.map((r) => (
        <View key={r.centerCode} className='supervise-row supervise-link' id={`overview-overdue-${r.centerCode}`} onClick={() => openTable('progress', { province: r.province })}>
          <Text className='supervise-row-label'>{r.centerName}</Text>
          <Text>{r.count} 件</Text>
        </View>
      ))}
    </View>
  );
}

/** Open 差评 (not yet 已整改) and overdue call-backs: how many, and per center. */
export function FollowUpsOpenCard({ answer }: { answer: DashboardAnswer }) {
  const { rows, total } = answer.followUpsOpen;
  const late = answer.callBacksOverdue;
  return (
    <View className='card supervise-card' id='overview-follow-ups'>
      <Text className='supervise-title'>差评待整改</Text>
      <Text className='supervise-figure' id='overview-follow-ups-open'>
        {total} 条差评未整改完成
      </Text>
      {rows.map((r) => (
        <View key={r.centerCode} className='supervise-row supervise-link' id={`overview-follow-ups-${r.centerCode}`} onClick={() => openTable('progress', { province: r.province })}>
          <Text className='supervise-row-label'>{r.centerName}</Text>
          <Text>{r.count} 条</Text>
        </View>
      ))}
      <Text className='supervise-figure' id='overview-call-backs-overdue'>
        {late.total} 条回访已逾期
      </Text>
      <Text className='supervise-muted'>超过回访时限（按国务院节假日安排计算的工作日）仍未回访</Text>
      {late.rows.map((r) => (
        <View key={r.centerCode} className='supervise-row supervise-link' id={`overview-call-backs-${r.centerCode}`} onClick={() => openTable('progress', { province: r.province })}>
          <Text className='supervise-row-label'>{r.centerName}</Text>
          <Text>{r.count} 条</Text>
        </View>
      ))}
    </View>
  );
}

/** How often the centers' poster codes were scanned this report period: per province shown, and the centers most scanned. */
export function PosterScansCard({ answer }: { answer: DashboardAnswer }) {
  const { provinces, centers, total, from, to } = answer.posterScans;
  return (
    <View className='card supervise-card' id='overview-scans'>
      <Text className='supervise-title'>中心小程序码扫码次数</Text>
      <Text className='supervise-figure' id='overview-scans-total'>
        本期 {total} 次
      </Text>
      <Text className='supervise-muted'>
        <Text className='nowrap'>{from}</Text> 至 <Text className='nowrap'>{to}</Text>（不含）；同一人同一天扫同一中心只计一次
      </Text>
      {provinces.length > 1
        ? provinces.map((p) => (
            <View key={p.province} className='supervise-row' id={`overview-scans-${p.province}`}>
              <Text className='supervise-row-label'>{p.provinceName}</Text>
              <Text>{p.count} 次</Text>
            </View>
          ))
        : null}
      {centers.slice(0, 10).map((c) => (
        <View key={c.centerCode} className='supervise-row' id={`overview-scans-center-${c.centerCode}`}>
          <Text className='supervise-row-label'>{c.centerName}</Text>
          <Text>{c.count} 次</Text>
        </View>
      ))}
    </View>
  );
}
