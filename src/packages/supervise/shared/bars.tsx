import { Text, View } from '@tarojs/components';
import type { CSSProperties } from 'react';

/** A share as a whole percent; 0 when there is nothing to count. */
export const percentOf = (value: number, total: number): number => (total > 0 ? Math.round((value / total) * 100) : 0);

/**
 * A figure out of a total as words and a bar: the words (`已接入 12/13 个中心，92%`) are what a screen reader and
 * everyone else reads; the bar only repeats them for the eye.
 */
export function ProgressBar({ id, label, value, total, unit = '个中心', onClick }: { id: string; label: string; value: number; total: number; unit?: string; onClick?: () => void }) {
  const percent = percentOf(value, total);
  return (
    <View className={`supervise-progress${onClick ? ' supervise-link' : ''}`} id={id} onClick={onClick}>
      <Text className='supervise-progress-text' id={`${id}-text`}>
        {label} {value}/{total} {unit}，{percent}%
      </Text>
      <View className='supervise-progress-track'>
        <View className={`supervise-progress-fill${percent === 100 ? ' supervise-progress-full' : ''}`} style={{ width: `${percent}%` }} />
      </View>
    </View>
  );
}

export interface Bar {
  /** Under the bar, e.g. 2026-11. */
  label: string;
  value: number;
}

/**
 * Bars side by side, each with its value written above it and its label under it, so that the chart reads as a
 * list without the picture; the tallest bar fills the height (its share is the CSS variable --share). In 长辈版 the
 * bars lie one a row, each row a 60 pt target (styles/elder.scss): twelve columns side by side are 28 px wide.
 */
export function BarChart({ id, bars, unit, onPick }: { id: string; bars: readonly Bar[]; unit: string; onPick?: (index: number) => void }) {
  const top = Math.max(1, ...bars.map((b) => b.value));
  return (
    <View className='supervise-chart' id={id}>
      <View className='supervise-chart-columns'>
        {bars.map((bar, i) => (
        <View key={bar.label} className={`supervise-chart-column${onPick ? ' supervise-link' : ''}`} id={`${id}-${i}`} onClick={onPick ? () => onPick(i) : undefined}>
          <Text className='supervise-chart-value'>{bar.value}</Text>
          <View className='supervise-chart-area'>
            <View className='supervise-chart-bar' style={{ '--share': `${Math.round((bar.value / top) * 100)}%` } as CSSProperties} />
          </View>
          <Text className='supervise-chart-label'>{bar.label}</Text>
        </View>
        ))}
      </View>
      <Text className='supervise-chart-unit'>单位：{unit}</Text>
    </View>
  );
}
