import * as z from 'zod';
import { calendarDate } from '../validation';
import { CorrectionReasonSchema, LiaisonFieldsSchema, ProvinceCodeSchema, RECOMMENDATION_ID_PATTERN, RecommendationFieldsSchema } from '../supervision';
import { reportPeriod, shanghaiDate } from '../time';

/**
 * The `supervise` function's events (issue 14, "Contract"): the supervision tables, the monthly cycle and the
 * exports. `province` is a 6-digit province code everywhere; left out, national supervisors get every province
 * and provincial supervisors their own. A provincial supervisor naming another province is FORBIDDEN (the
 * service checks scope; this schema only the shape). Answers: core/supervision.ts.
 */

/** A report month, YYYY-MM, naming the period that ends on the 15th of that month; refused before it has begun. */
export const ReportMonthSchema = z
  .string({ error: '请选择统计期间' })
  // abort: the refinement below computes the period, which a month not of this form has none of
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '统计期间应为 YYYY-MM（如 2026-07：6 月 15 日至 7 月 15 日）', abort: true })
  // "today" is taken when the value is checked, as for every date that may not lie ahead
  .refine((month) => reportPeriod(month).from <= shanghaiDate(new Date()), '统计期间尚未开始');

/** A past or present China date a table is as of. */
const AsOfSchema = calendarDate('统计日期').refine((d) => d <= shanghaiDate(new Date()), '统计日期不能晚于今天');

const province = { province: ProvinceCodeSchema.optional() };

export const EXPORT_REPORTS = ['progress', 'onlineCompletion', 'monthly', 'liaisons'] as const;
export type ExportReport = (typeof EXPORT_REPORTS)[number];
export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const SuperviseEventSchema = z.discriminatedUnion(
  'action',
  [
    // 1. access progress (notice 2021-30, annex 1), as of today or a chosen date
    z.object({ action: z.literal('progress'), ...province, asOf: AsOfSchema.optional() }),
    // 2. full-online completion of items 4-6 (annex 3) with the centers' reasons
    z.object({ action: z.literal('onlineCompletion'), ...province }),
    // 3. monthly statistics (plan 2021-50, annex 2), and a province's submission of it
    z.object({ action: z.literal('monthly'), period: ReportMonthSchema, ...province }),
    // a province submits by the 20th; submitting again (after a correction) is a new version and needs its reason
    z.object({ action: z.literal('submitMonthly'), period: ReportMonthSchema, province: ProvinceCodeSchema, reason: CorrectionReasonSchema.optional() }),
    // 4. provincial liaisons (plan 2021-50, annex 1): one per province, replaced when the person changes
    z.object({ action: z.literal('liaisons'), ...province }),
    z.object({ action: z.literal('setLiaison'), province: ProvinceCodeSchema, ...LiaisonFieldsSchema.shape }),
    // 5. 三个一百: each province's recommended model windows, stories and directors' experiences
    z.object({ action: z.literal('recommendations'), ...province }),
    z.object({ action: z.literal('addRecommendation'), province: ProvinceCodeSchema, ...RecommendationFieldsSchema.shape }),
    z.object({
      action: z.literal('removeRecommendation'),
      id: z.string({ error: '缺少推荐编号' }).regex(RECOMMENDATION_ID_PATTERN, '推荐编号格式不正确'),
    }),
    // the overview's figures in one call: transfer time, overdue acceptances, open 差评 follow-ups, 12 periods' volume
    z.object({ action: z.literal('dashboard'), ...province }),
    // the tables as files laid out as the annexes: answers { url, name, sha256 }
    z
      .object({
        action: z.literal('export'),
        report: z.enum(EXPORT_REPORTS, { error: '报表应为 progress、onlineCompletion、monthly 或 liaisons' }),
        period: ReportMonthSchema.optional(),
        // access progress as of a past date, as on screen (today when left out)
        asOf: AsOfSchema.optional(),
        ...province,
        format: z.enum(EXPORT_FORMATS, { error: '格式应为 xlsx 或 csv' }),
      })
      .refine((e) => e.report !== 'monthly' || e.period !== undefined, { path: ['period'], message: '导出月度统计表请选择统计期间' })
      .refine((e) => e.report === 'progress' || e.asOf === undefined, { path: ['asOf'], message: '只有接入进度表可以选择统计日期' }),
  ],
  { error: '不支持的操作' },
);
export type SuperviseEvent = z.infer<typeof SuperviseEventSchema>;

/** What `supervise export` answers: a short-lived download the caller may fetch, and the file's sha256 (hex). */
export interface ExportAnswer {
  url: string;
  name: string;
  sha256: string;
}
