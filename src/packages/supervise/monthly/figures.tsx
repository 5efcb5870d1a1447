import { Text, View } from '@tarojs/components';
import { itemShortName } from '../../../core/items';
import { FULL_ONLINE_ITEMS, type MonthlyRow, type MonthlyTotals } from '../../../core/supervision';

const wan = (amount: number) => amount.toFixed(2);

/** A labelled figure on one line. */
function Line({ id, label, value }: { id?: string; label: string; value: string }) {
  return (
    <View className='supervise-row' id={id}>
      <Text className='supervise-row-label'>{label}</Text>
      <Text>{value}</Text>
    </View>
  );
}

/** A totals row of annex 2 (a province's, or every province's): how many centers are fully online, and the figures summed. */
export function TotalsLines({ id, totals, centers }: { id: string; totals: MonthlyTotals; centers: number }) {
  return (
    <View id={id}>
      {FULL_ONLINE_ITEMS.map((item) => (
        <Line key={item} id={`${id}-${item}`} label={`第${item}项 ${itemShortName(item)}`} value={`全程网办 ${totals.items[`${item}`].online}/${centers} 个中心，${totals.items[`${item}`].volume} 件`} />
      ))}
      <Line id={`${id}-7`} label={`第7项 ${itemShortName(7)}（两地联办）`} value={`${totals.items['7'].count} 笔，${wan(totals.items['7'].amountWan)} 万元`} />
      <Line id={`${id}-8`} label={`第8项 ${itemShortName(8)}（代收代办）`} value={`${totals.items['8'].count} 笔`} />
      <Line id={`${id}-other`} label='线下窗口 / 线上专区 / 培训人次' value={`${totals.windows} / ${totals.zones} / ${totals.training}`} />
    </View>
  );
}

/** One center's line of annex 2: each column labelled, and whether the center has entered its own figures. */
export function CenterLines({ row, id = `monthly-center-${row.centerCode}` }: { row: MonthlyRow; id?: string }) {
  return (
    <View className='supervise-center' id={id}>
      <View className='supervise-head'>
        <Text className='supervise-center-name'>
          {row.centerName}（{row.centerCode}）
        </Text>
        <Text className={`supervise-tag ${row.filledAt ? 'supervise-tag-good' : 'supervise-tag-bad'}`} id={`${id}-filled`}>
          {row.filledAt ? '已填报' : '未填报'}
        </Text>
      </View>
      {FULL_ONLINE_ITEMS.map((item) => (
        <Line key={item} id={`${id}-${item}`} label={`第${item}项 ${itemShortName(item)}`} value={`${row.items[`${item}`].online ? '全程网办' : '未全程网办'}，${row.items[`${item}`].volume} 件`} />
      ))}
      <Line id={`${id}-7`} label={`第7项 ${itemShortName(7)}`} value={`${row.items['7'].count} 笔，${wan(row.items['7'].amountWan)} 万元`} />
      <Line id={`${id}-8`} label={`第8项 ${itemShortName(8)}`} value={`${row.items['8'].count} 笔`} />
      <Line label='线下窗口 / 线上专区 / 培训人次' value={`${row.windows} / ${row.zones} / ${row.training}`} />
    </View>
  );
}
