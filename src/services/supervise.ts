import type { ExportAnswer, ExportFormat, ExportReport } from '../core/contracts/supervise';
import type {
  DashboardAnswer,
  LiaisonFields,
  LiaisonRow,
  LiaisonsAnswer,
  MonthlyAnswer,
  OnlineCompletionAnswer,
  ProgressAnswer,
  RecommendationFields,
  RecommendationRow,
  RecommendationsAnswer,
} from '../core/supervision';
import { callFunction } from './cloud';

/** Which province: left out, every province the caller may see (national supervisors all, a province's its own). */
const scoped = (province: string | undefined) => (province === undefined ? {} : { province });

/**
 * The typed calls of the `supervise` function. National supervisors see every province; a provincial supervisor
 * only their own (FORBIDDEN for another); bad input answers VALIDATION_FAILED naming the field.
 */
export const superviseCalls = {
  /** Annex 1 of notice 2021-30 as of today, or of `asOf` (YYYY-MM-DD). */
  progress: (province?: string, asOf?: string) => callFunction<ProgressAnswer>('supervise', { action: 'progress', ...scoped(province), ...(asOf ? { asOf } : {}) }),
  /** Annex 3: items 4-6 fully online per province, and the centers not done with their reasons. */
  onlineCompletion: (province?: string) => callFunction<OnlineCompletionAnswer>('supervise', { action: 'onlineCompletion', ...scoped(province) }),
  /** Annex 2 of plan 2021-50 for the period ending on the 15th of `period` (YYYY-MM); the running one so far. */
  monthly: (period: string, province?: string) => callFunction<MonthlyAnswer>('supervise', { action: 'monthly', period, ...scoped(province) }),
  /**
   * A province submits its table of a period by the 20th (who, when, the sha256 of the file are kept; the table is
   * frozen); submitting again after a correction is a new version and needs the reason. Answers the province's table.
   */
  submitMonthly: (period: string, province: string, reason?: string) =>
    callFunction<MonthlyAnswer>('supervise', { action: 'submitMonthly', period, province, ...(reason === undefined ? {} : { reason }) }),
  /** Annex 1 of plan 2021-50: each province's liaison. */
  liaisons: (province?: string) => callFunction<LiaisonsAnswer>('supervise', { action: 'liaisons', ...scoped(province) }),
  /** A province keeps its liaison: the row as stored. */
  setLiaison: (province: string, fields: LiaisonFields) => callFunction<LiaisonRow>('supervise', { action: 'setLiaison', province, ...fields }),
  /** The overview's figures: transfer time per province against 6, overdue acceptances, open 差评, the last 12 periods' volume. */
  dashboard: (province?: string) => callFunction<DashboardAnswer>('supervise', { action: 'dashboard', ...scoped(province) }),
  /** A table as an Excel file laid out as its annex, or as CSV, stored for a short while; progress as of `asOf` too. */
  export: (report: ExportReport, format: ExportFormat, scope: { period?: string; province?: string; asOf?: string }) =>
    callFunction<ExportAnswer>('supervise', { action: 'export', report, format, ...scope }),
  /** 三个一百: each province's recommendations of each kind, counted against the target of 5. */
  recommendations: (province?: string) => callFunction<RecommendationsAnswer>('supervise', { action: 'recommendations', ...scoped(province) }),
  /** A province recommends a model window, story or director's experience about one of its centers: the province's row. */
  addRecommendation: (province: string, fields: RecommendationFields) => callFunction<RecommendationRow>('supervise', { action: 'addRecommendation', province, ...fields }),
  /** A province withdraws one of its recommendations: the province's row. */
  removeRecommendation: (id: string) => callFunction<RecommendationRow>('supervise', { action: 'removeRecommendation', id }),
};
