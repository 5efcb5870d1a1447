import { REPORT_PERIOD_DAY, reportPeriod } from '../../../core/time';

/** 2026-12 -> 2026-11-15 至 2026-12-14: the period's days (its end, the 15th, opens the next period). */
export function periodSpan(period: string): string {
  const { from, to } = reportPeriod(period);
  return `${from} 至 ${to.slice(0, 8)}${String(REPORT_PERIOD_DAY - 1).padStart(2, '0')}`;
}

/** 2026-12 -> 12月, under a bar. */
export const monthLabel = (period: string) => `${Number(period.slice(5))}月`;
