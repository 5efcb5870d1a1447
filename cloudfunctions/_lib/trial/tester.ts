import type { StoredCenter } from '../../../src/core/centers';
import type { TrialEvent } from '../../../src/core/contracts/trial';
import { AppError } from '../../../src/core/errors';
import { ROLE_LABELS } from '../../../src/core/roles';
import { provinceName, provinceOfCenter } from '../../../src/core/supervision';
import type { ChecklistAnswer, CheckKind, CheckView, RecordAnswer, TrialCentersAnswer } from '../../../src/core/trial';
import type { Caller, ServiceContext } from '../runtime/define';
import { peopleLabels } from '../services/roles';
import { storeCheck, testerProvince } from './checklist';
import { openFinding } from './findings';
import { centersProgress, readinessOf, type CheckLine } from './readiness';

/**
 * What a tester does (issue 15): a tester of a province sees its centers with their progress, each center's
 * checklist, and records what they found for the checks done by hand (name, phone, poster code, each link or
 * route). A check found wrong opens a finding (findings.ts) that goes to whoever fixes it; every record is kept,
 * the checklist shows each check's latest. The test transfer and the optional test applications are recorded by
 * their outcome (test-applications.ts), not here.
 */

/** A center of the tester's province, or FORBIDDEN (another province) before anything is read, or CENTER_NOT_FOUND. */
async function testersCenter(ctx: ServiceContext, caller: Caller, centerCode: string): Promise<StoredCenter> {
  const province = testerProvince(caller);
  if (provinceOfCenter(centerCode) !== province) {
    throw new AppError('FORBIDDEN', `只能检查本省（${provinceName(province)}）的中心`, { centerCode: `请选择${provinceName(province)}的中心` });
  }
  const center = await ctx.store.centers.get(centerCode);
  if (!center) throw new AppError('CENTER_NOT_FOUND', `未找到代码为 ${centerCode} 的住房公积金管理中心`, { centerCode: '没有找到这个中心' });
  return center;
}

/** The lines as the caller sees them: the last record's author by display name or role label, never an openid. */
async function viewsFor(ctx: ServiceContext, caller: Caller, lines: readonly CheckLine[]): Promise<CheckView[]> {
  const authors = lines.flatMap((l) => (l.record ? [l.record.checkedBy] : []));
  const labels = await peopleLabels(ctx, caller, authors);
  return lines.map(({ record, ...line }) => ({ ...line, checkedBy: record ? (labels.get(record.checkedBy) ?? ROLE_LABELS.tester) : null }));
}

/** `trial centers`: the centers of the tester's province with their progress, and the province's readiness. */
export async function trialCenters(ctx: ServiceContext, caller: Caller): Promise<TrialCentersAnswer> {
  const province = testerProvince(caller);
  const centers = (await ctx.store.centers.list()).filter((c) => provinceOfCenter(c.code) === province);
  const progress = await centersProgress(ctx, centers);
  return {
    province,
    provinceName: provinceName(province),
    centers: progress.map((p) => ({ centerCode: p.center.code, centerName: p.center.name, ...p.progress })),
    readiness: readinessOf(progress.map((p) => p.progress)),
  };
}

/** `trial checklist { centerCode }`: a center of the tester's province, every check with its latest result. */
export async function checklist(ctx: ServiceContext, caller: Caller, centerCode: string): Promise<ChecklistAnswer> {
  const center = await testersCenter(ctx, caller, centerCode);
  const [{ lines, progress }] = await centersProgress(ctx, [center]);
  return { centerCode: center.code, centerName: center.name, phone: center.phone, checks: await viewsFor(ctx, caller, lines), progress };
}

/**
 * `trial record`: the tester's result of a check done by hand. Found wrong, it opens a finding (or adds to the one
 * not yet closed) and answers its id; found right while a finding of the check is still open or fixed, the finding
 * stays: the tester closes it with recheck, and the answer says so.
 */
export async function recordCheck(ctx: ServiceContext, caller: Caller, event: TrialEvent & { action: 'record' }): Promise<RecordAnswer> {
  const center = await testersCenter(ctx, caller, event.centerCode);
  const [before] = await centersProgress(ctx, [center]);
  const line = before.lines.find((l) => l.check === event.check);
  if (!line) throw new AppError('VALIDATION_FAILED', '该中心没有登记这个事项的链接或办理方式，无需检查', { check: '该中心没有这个检查项' });
  const record = () =>
    storeCheck(ctx, {
      centerCode: center.code,
      check: event.check,
      ok: event.ok,
      note: event.note ?? null,
      expected: event.expected ?? null,
      observed: event.observed ?? null,
      by: caller.openid,
    });
  // the check is stored first: a failure before the finding is stored leaves the check, and the call sent again
  // finds its observation already added to the finding rather than adding it twice (openFinding)
  const findingId = event.ok
    ? null
    : await openFinding(
        ctx,
        {
          centerCode: center.code,
          check: event.check,
          expected: event.expected ?? null,
          seen: seenOf(event, line),
          observed: event.observed ?? null,
          screenshot: event.screenshot ?? null,
          by: caller,
        },
        record,
      );
  if (event.ok) await record();
  const [after] = await centersProgress(ctx, [center]);
  const [check] = await viewsFor(ctx, caller, after.lines.filter((l) => l.check === event.check));
  const stillOpen = event.ok && check.findingId !== null;
  return { check, findingId, notice: stillOpen ? '已记录为通过，但这个检查项的问题尚未关闭：问题标为已整改后，请复核并关闭' : null };
}

/** What the tester saw: the name or phone as displayed, and their note. */
function seenOf(event: { check: CheckKind; note?: string }, line: CheckLine): string | null {
  const shown = event.check === 'name' || event.check === 'phone' ? `显示为“${line.shown}”` : undefined;
  return [shown, event.note].filter((s) => s !== undefined).join('；') || null;
}
