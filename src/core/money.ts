import * as z from 'zod';
import { shanghaiDate } from './time';
import { calendarDate } from './validation';

/** Amounts in yuan, as forms and the center interface carry them, and dates that may not lie ahead. */

export const AMOUNT_MAX = 100_000_000;

/**
 * A whole number with thousands separators, 100000000 -> "100,000,000", as `toLocaleString('en-US')` writes it but
 * without ICU: the first locale-aware call costs ~40 ms, and schemas built at a function's start name their limits.
 */
export const groupDigits = (whole: number) => String(whole).replace(/\B(?=(\d{3})+$)/g, ',');

/** Whether a number has at most two decimals (whole fen). */
const wholeFen = (v: number) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6;

/** A positive number of at most `max` with at most two decimals: "12.5" is fine, "12.345" is not. */
export const decimal2 = (label: string, max: number) =>
  z
    .number({ error: `请填写${label}` })
    .positive(`${label}应大于 0`)
    .max(max, `${label}不超过 ${groupDigits(max)}`)
    .refine(wholeFen, `${label}最多保留两位小数`);

/** A past or present China calendar date, YYYY-MM-DD, "today" being `now`'s day (the call's own time on a function). */
export const pastDate = (label: string, now: Date) =>
  calendarDate(label)
    .refine((d) => d <= shanghaiDate(now), `${label}不能晚于今天`)
    .refine((d) => d >= '1990-01-01', `${label}不能早于 1990 年`);

/** What the deposit-locale center reports when it pays a purchase withdrawal (only it sets these), checked as of `now`. */
export const paymentSchema = (now: Date) =>
  z.object({
    amount: decimal2('实际提取金额（元）', AMOUNT_MAX),
    paidOn: pastDate('支付日期', now),
  });
export type Payment = z.infer<ReturnType<typeof paymentSchema>>;

/** 12345.6 -> "12,345.60 元". */
export const yuanText = (amount: number) => `${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;
