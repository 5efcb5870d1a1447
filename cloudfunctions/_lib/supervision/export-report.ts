import { createHash, randomBytes } from 'node:crypto';
import type { ExportAnswer, ExportReport, SuperviseEvent } from '../../../src/core/contracts/supervise';
import { AppError } from '../../../src/core/errors';
import type { Caller, ServiceContext } from '../runtime/define';
import { exportFile, type ExportInput } from './exports';
import { liaisons } from './liaisons';
import { monthly } from './monthly';
import { onlineCompletion } from './online-completion';
import { progress } from './progress';
import { isNationalSupervisor, provinceSubject, provincesShown } from './scope';

/**
 * `supervise export` (issue 14): a table as a file laid out as its annex (exports.ts), stored under a random name
 * and answered as a link only the caller may fetch, for EXPORT_LINK_MINUTES. The table is read through the same
 * service as on screen, so the same scope applies (FORBIDDEN for another province, before anything is read or
 * stored); every export is audited with the file's sha256.
 */

/** How long an export's link lasts. */
export const EXPORT_LINK_MINUTES = 10;
/** Where exports are stored (deployed: a storage lifecycle rule removes them after a day). */
const EXPORT_FOLDER = 'exports';
/** The audit subject of a national export (one province's: its provinceSubject). */
const NATIONAL_SUBJECT = 'province:all';

const REPORT_LABELS: Record<ExportReport, string> = {
  progress: '接入工作进展情况表',
  onlineCompletion: '全程网办完成情况统计表',
  monthly: '工作落实情况汇总表',
  liaisons: '省级联络员表',
};

/** What an export asks for: the contract's `export` event. */
export type ExportRequest = Omit<Extract<SuperviseEvent, { action: 'export' }>, 'action'>;

/**
 * When the file is made: now, except for one province's monthly table as it submitted it (no correction since),
 * which is dated as submitted, so the file is the one whose sha256 the submission kept.
 */
function madeAt(ctx: ServiceContext, input: ExportInput): Date {
  if (input.report !== 'monthly' || input.answer.provinces.length !== 1) return ctx.now;
  const [{ submission, corrected }] = input.answer.provinces;
  return submission && !corrected ? new Date(submission.submittedAt) : ctx.now;
}

async function tableOf(ctx: ServiceContext, caller: Caller, request: ExportRequest): Promise<ExportInput> {
  switch (request.report) {
    case 'progress':
      return { report: 'progress', answer: await progress(ctx, caller, request.province, request.asOf) };
    case 'onlineCompletion':
      return { report: 'onlineCompletion', answer: await onlineCompletion(ctx, caller, request.province) };
    case 'monthly': {
      const { period } = request;
      if (period === undefined) throw new AppError('VALIDATION_FAILED', '导出月度统计表请选择统计期间', { period: '导出月度统计表请选择统计期间' });
      return { report: 'monthly', answer: await monthly(ctx, caller, period, request.province) };
    }
    case 'liaisons':
      return { report: 'liaisons', answer: await liaisons(ctx, caller, request.province) };
  }
}

export async function exportReport(ctx: ServiceContext, caller: Caller, request: ExportRequest): Promise<ExportAnswer> {
  // a national supervisor's file of every province is national (全国); any other names the provinces it shows
  const provinces = request.province === undefined && isNationalSupervisor(caller) ? [] : provincesShown(caller, request.province);
  const input = await tableOf(ctx, caller, request);
  const file = await exportFile(input, request.format, { provinces, madeAt: madeAt(ctx, input) });
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const files = ctx.outside.files();
  const key = await files.put(`${EXPORT_FOLDER}/${randomBytes(16).toString('hex')}.${request.format}`, file.bytes, file.contentType);
  const expiresAt = new Date(ctx.now.getTime() + EXPORT_LINK_MINUTES * 60_000);
  const url = await files.link(key, { openid: caller.openid, name: file.name, contentType: file.contentType, expiresAt });
  const detail = `导出${REPORT_LABELS[request.report]}${request.report === 'monthly' ? `（${request.period}）` : ''}，${request.format}，${file.name}，sha256 ${sha256}`;
  // audited under each province the file shows, so each province's log lists every export of its data
  const subjects = provinces.length === 0 ? [NATIONAL_SUBJECT] : provinces.map(provinceSubject);
  for (const subject of subjects) await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'supervision.export', subject, detail });
  return { url, name: file.name, sha256 };
}
