import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { itemShortName } from '../../../core/items';
import type { TrendPoint } from '../../../core/supervision';
import { ChipRow } from '../../../components/chip-row';
import { BarChart } from '../shared/bars';
import { reportPeriodSpan } from '../../../core/time';
import { monthLabel } from '../shared/periods';
import { openTable } from '../shared/navigate';

/** The columns of annex 2 whose figure is a number of cases: items 4-6 by volume, 7 and 8 by count. */
const VOLUME_ITEMS = ['4', '5', '6', '7', '8'] as const;
type VolumeItem = (typeof VOLUME_ITEMS)[number];

const itemName = (item: VolumeItem) => itemShortName(Number(item));

/**
 * The running period's volume per item (annex 2's totals row) and, for the item picked, the last periods as bars
 * (`supervise dashboard`'s trend, the running one last); a figure opens the monthly table of its period.
 */
export function VolumeSection({ trend }: { trend: readonly TrendPoint[] }) {
  const [item, setItem] = useState<VolumeItem>('4');
  const current = trend[trend.length - 1];
  const period = current.period;

  return (
    <View>
      <Text className='section-title'>本期办理量（{reportPeriodSpan(period)}）</Text>
      <View className='card supervise-card' id='overview-volume'>
        {VOLUME_ITEMS.map((i) => (
          <View key={i} className='supervise-row supervise-link' id={`overview-volume-${i}`} onClick={() => openTable('monthly', { period })}>
            <Text className='supervise-row-label'>{itemName(i)}</Text>
            <Text>{current.items[i]} 件</Text>
          </View>
        ))}
        <Text className='supervise-more' onClick={() => openTable('monthly', { period })}>
          查看各中心月度统计 ›
        </Text>
      </View>
      <View className='card supervise-card' id='overview-trend'>
        <Text className='supervise-title'>近 {trend.length} 期办理量</Text>
        <ChipRow id='overview-trend-items' idOf={(i) => `overview-trend-item-${i}`} choices={VOLUME_ITEMS.map((i) => ({ key: i, label: itemName(i) }))} chosen={item} onChoose={setItem} />
        <BarChart
          id='overview-trend-chart'
          unit={`件（${itemName(item)}，每期为上月15日至本月14日）`}
          bars={trend.map((t) => ({ label: monthLabel(t.period), value: t.items[item] }))}
          onPick={(index) => openTable('monthly', { period: trend[index].period })}
        />
      </View>
    </View>
  );
}
