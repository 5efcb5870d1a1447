import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { itemById } from '../../../core/items';
import { FULL_ONLINE_ITEMS, type OnlineCompletionRow, type OnlineReasonRow } from '../../../core/supervision';
import { StateView } from '../../../components/state-view';
import { superviseCalls } from '../../../services/supervise';
import { useCall } from '../../../services/use-call';
import { ExportButton } from '../shared/export-button';
import { ProvinceFilter } from '../shared/province-filter';
import { withPageShell } from '../../../components/page-shell';
import '../shared/supervise.scss';

/** A center's note on an item it has not made fully online: why and by when, or that it has given none. */
function ReasonLine({ line }: { line: OnlineReasonRow }) {
  return (
    <View className='supervise-center' id={`online-reason-${line.centerCode}-${line.item}`}>
      <Text className='supervise-center-name'>
        {line.centerName}（{line.centerCode}）· 第{line.item}项
      </Text>
      {line.reason ? (
        <Text className='supervise-muted'>
          原因：{line.reason}；预计完成：{line.expectedDate ?? '未填写'}
        </Text>
      ) : (
        <Text className='supervise-muted supervise-missing'>中心尚未说明原因和预计完成时间</Text>
      )}
    </View>
  );
}

/** A province's line of annex 3 (items 4, 5 and 6) and, opened, the note on each center and item not done. */
function ProvinceCard({ row, lines, opened }: { row: OnlineCompletionRow; lines: OnlineReasonRow[]; opened: boolean }) {
  const [open, setOpen] = useState(opened);
  return (
    <View className='card supervise-card' id={`online-province-${row.province}`}>
      <View className='supervise-head'>
        <Text className='supervise-title'>{row.provinceName}</Text>
        <Text className='supervise-muted'>共 {row.centers} 个中心</Text>
      </View>
      {FULL_ONLINE_ITEMS.map((item) => {
        const cell = row.items[`${item}`];
        return (
          <View key={item} className='supervise-row'>
            <Text className='supervise-row-label'>
              第{item}项 {itemById(item)?.short}
            </Text>
            <Text className={`supervise-tag ${cell.notDone === 0 ? 'supervise-tag-good' : 'supervise-tag-bad'}`} id={`online-province-${row.province}-${item}`}>
              {cell.label}
            </Text>
          </View>
        );
      })}
      {lines.length > 0 ? (
        <Text className='supervise-more supervise-link' id={`online-province-${row.province}-toggle`} onClick={() => setOpen(!open)}>
          {open ? '收起说明 ‹' : `查看未完成中心的说明（${lines.length} 条）›`}
        </Text>
      ) : null}
      {open ? lines.map((line) => <ReasonLine key={`${line.centerCode}-${line.item}`} line={line} />) : null}
    </View>
  );
}

/**
 * Annex 3 of notice 2021-30: per province whether items 4, 5 and 6 are fully online everywhere (已完成, or N个中心未完成),
 * with the attachment the notice asks for: each center not done, why, and by when; and the Excel file.
 */
function OnlinePage() {
  const { params } = useRouter();
  const [province, setProvince] = useState(params.province);
  const got = useCall(() => superviseCalls.onlineCompletion(province), [province]);

  return (
    <View className='supervise-page'>
      <ProvinceFilter province={province} onClear={() => setProvince(undefined)} />
      {got.status === 'loading' ? <StateView status='loading' message='正在统计全程网办完成情况…' /> : null}
      {got.status === 'error' ? <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} /> : null}
      {got.status === 'ready' ? (
        <View id='online-table'>
          {got.data.rows.map((row) => (
            <ProvinceCard key={row.province} row={row} lines={got.data.attachment.filter((l) => l.province === row.province)} opened={got.data.rows.length === 1} />
          ))}
          <ExportButton id='online-export' report='onlineCompletion' province={province} />
        </View>
      ) : null}
    </View>
  );
}

export default withPageShell(OnlinePage, { title: '全程网办完成情况' });
