import { randomBytes } from 'node:crypto';
import { AppError } from '../../../src/core/errors';
import { EXTENSION_OF, safeFileName } from '../../../src/core/files';
import { ROLE_LABELS, type Role } from '../../../src/core/roles';
import { provinceOfCenter } from '../../../src/core/supervision';
import {
  checkLabel,
  daysBetween,
  FINDING_STATUS_LABELS,
  isRecordedByHand,
  ownerOfCheck,
  type CheckKind,
  type FindingStatus,
  type FindingsAnswer,
  type FindingView,
  type LinkObservation,
} from '../../../src/core/trial';
import { removeFiles } from '../applications/attachments';
import { inspectFile } from '../files/inspect';
import { requireStaffCenter, type Caller, type ServiceContext } from '../runtime/define';
import { peopleLabels } from '../services/roles';
import type { FindingEventRecord, FindingFilter, FindingRecord } from '../store/port';
import { isNationalSupervisor, provincesShown, supervisedProvinces } from '../supervision/scope';
import { storeCheck, testerProvince } from './checklist';

/**
 * Findings of the internal trial (issue 15): a failed check opens one; it goes to supervisors (name, phone: fixed by
 * a reviewed catalog correction, catalog-fixes.ts) or to the center's staff (links, poster, endpoint: 试用问题 in the
 * portal) until marked fixed with a note, then back to the tester, who closes it (the check reads 通过 again) or
 * opens it again. A finding of another center or province is answered FINDING_NOT_FOUND, never revealed.
 *
 * The screenshot is an upload (uploads/<random>, like attachments) checked by parsing it (a JPEG or PNG, at most
 * 10 MB), moved to findings/<center>/<random>.<ext> so the sweep of stale uploads never removes it, and shown to
 * whoever may see the finding as a link that lasts SCREENSHOT_LINK_MINUTES, made for them with each listing
 * (files.link, as supervisors' exports are served: CloudBase's temporary URL; the local host serves it to them only).
 */

export const SCREENSHOT_LINK_MINUTES = 10;

/** The audit subject of everything done to a finding. */
export const findingSubject = (id: string) => `finding:${id}`;

export interface OpenFindingInput {
  centerCode: string;
  check: CheckKind;
  expected: string | null;
  seen: string | null;
  observed: LinkObservation | null;
  screenshot: { fileId: string; name: string } | null;
  by: Caller;
}

/** How long a tester's same observation of a check, sent again (a retry), is taken as the one already added. */
export const REPEAT_MINUTES = 10;

/**
 * The open finding of the center and check whose latest entry is this very observation by the same tester, made
 * less than REPEAT_MINUTES ago: a call answered with an error after the finding was stored, sent again.
 */
async function repeatOf(ctx: ServiceContext, input: OpenFindingInput): Promise<FindingRecord | undefined> {
  const [active] = (await ctx.store.findings.list({ centerCodes: [input.centerCode], statuses: ['open'] })).filter((f) => f.check === input.check);
  const last = active?.history.at(-1);
  if (!active || !last || (last.kind !== 'opened' && last.kind !== 'reopened')) return undefined;
  const age = ctx.now.getTime() - last.at.getTime();
  const same =
    last.by === input.by.openid &&
    active.expected === input.expected &&
    active.seen === input.seen &&
    active.observed === input.observed &&
    (input.screenshot === null || active.screenshot !== null);
  return same && age >= 0 && age < REPEAT_MINUTES * 60_000 ? active : undefined;
}

/**
 * Opens a finding, or adds the observation to the open or fixed one of the same center and check (open again). Answers
 * its id. `recordFirst` (the tester's check) runs once the screenshot is checked and before the finding is stored, so
 * a failure in between leaves the check recorded; the same observation sent again within REPEAT_MINUTES records the
 * check again and answers the finding without a second entry in its history.
 */
export async function openFinding(ctx: ServiceContext, input: OpenFindingInput, recordFirst?: () => Promise<void>): Promise<string> {
  const repeated = await repeatOf(ctx, input);
  if (repeated) {
    await recordFirst?.();
    if (input.screenshot) await removeFiles(ctx, [input.screenshot.fileId]);
    return repeated.id;
  }
  const screenshot = input.screenshot ? await keepScreenshot(ctx, input.centerCode, input.screenshot) : null;
  const event: FindingEventRecord = { kind: 'opened', by: input.by.openid, byRole: 'tester', at: ctx.now, note: input.seen ?? input.expected };
  const opening: FindingRecord = {
    id: `fnd${randomBytes(10).toString('hex')}`,
    province: provinceOfCenter(input.centerCode),
    centerCode: input.centerCode,
    check: input.check,
    owner: ownerOfCheck(input.check),
    status: 'open',
    expected: input.expected,
    seen: input.seen,
    observed: input.observed,
    screenshot,
    openedBy: input.by.openid,
    openedAt: ctx.now,
    updatedAt: ctx.now,
    history: [event],
  };
  let opened: Awaited<ReturnType<typeof ctx.store.findings.open>>;
  try {
    await recordFirst?.();
    opened = await ctx.store.findings.open(opening);
  } catch (error) {
    // not stored: the screenshot kept for it goes too
    if (screenshot) await removeFiles(ctx, [screenshot.fileId]);
    throw error;
  }
  const { finding, reused, replaced } = opened;
  // the upload, now kept under findings/, and the screenshot this one replaced (nothing refers to it any more)
  if (input.screenshot) await removeFiles(ctx, [input.screenshot.fileId, ...(replaced ? [replaced.fileId] : [])]);
  const kind = finding.history.at(-1)?.kind ?? 'opened';
  await ctx.store.audit.append({
    at: ctx.now,
    actor: input.by.openid,
    action: reused ? `finding.${kind === 'reopened' ? 'reopen' : 'observe'}` : 'finding.open',
    subject: findingSubject(finding.id),
    detail: `${finding.centerCode} ${checkLabel(finding.check)}${screenshot ? '（附截图）' : ''}`,
  });
  return finding.id;
}

/** Checks the uploaded screenshot and keeps it under findings/; the upload itself is removed once the finding is stored. */
async function keepScreenshot(ctx: ServiceContext, centerCode: string, ref: { fileId: string; name: string }): Promise<{ fileId: string; name: string }> {
  const files = ctx.outside.files();
  let bytes: Buffer;
  try {
    bytes = await files.get(ref.fileId);
  } catch {
    throw new AppError('VALIDATION_FAILED', '截图未上传成功，请重新选择', { screenshot: '截图未上传成功，请重新选择' });
  }
  const inspected = await inspectFile(bytes);
  if (!inspected.ok) throw new AppError('VALIDATION_FAILED', `截图：${inspected.problem}`, { screenshot: inspected.problem });
  if (inspected.contentType === 'application/pdf') throw new AppError('VALIDATION_FAILED', '截图应为 JPG 或 PNG 图片', { screenshot: '截图应为 JPG 或 PNG 图片' });
  const key = `findings/${centerCode}/${randomBytes(12).toString('hex')}.${EXTENSION_OF[inspected.contentType]}`;
  const fileId = await files.put(key, bytes, inspected.contentType);
  return { fileId, name: safeFileName(ref.name, inspected.contentType, '截图') };
}

/** The findings not closed (open or fixed) of these centers. */
export async function openFindings(ctx: ServiceContext, centerCodes: readonly string[]): Promise<{ id: string; centerCode: string; check: CheckKind; openedAt: Date }[]> {
  if (centerCodes.length === 0) return [];
  const found = await ctx.store.findings.list({ centerCodes, statuses: ['open', 'fixed'] });
  return found.map((f) => ({ id: f.id, centerCode: f.centerCode, check: f.check, openedAt: f.openedAt }));
}

const statuses = (status: FindingStatus | undefined): Pick<FindingFilter, 'statuses'> => (status === undefined ? {} : { statuses: [status] });

/** `trial findings`: every finding of the tester's province. */
export async function testerFindings(ctx: ServiceContext, caller: Caller, status?: FindingStatus): Promise<FindingsAnswer> {
  const province = testerProvince(caller);
  return { items: await views(ctx, caller, await ctx.store.findings.list({ provinces: [province], ...statuses(status) })) };
}

/** `trial recheck`: the tester checks a fixed finding again and closes it (the check passes again) or opens it again with what they saw. */
export async function recheckFinding(ctx: ServiceContext, caller: Caller, findingId: string, ok: boolean, note?: string): Promise<FindingView> {
  const province = testerProvince(caller);
  const found = await ctx.store.findings.get(findingId);
  if (!found || found.province !== province) throw notFound();
  const event: FindingEventRecord = { kind: ok ? 'closed' : 'reopened', by: caller.openid, byRole: 'tester', at: ctx.now, note: note ?? null };
  if (found.status !== 'fixed') throw notInStatus(found.status, '复核');
  const moved = await ctx.store.findings.move(found.id, 'fixed', ok ? 'closed' : 'open', event);
  if (!moved) throw notInStatus((await ctx.store.findings.get(found.id))?.status ?? found.status, '复核');
  if (ok && isRecordedByHand(moved.check)) {
    await storeCheck(ctx, { centerCode: moved.centerCode, check: moved.check, ok: true, note: note ?? '问题已整改，复核通过', expected: null, observed: null, by: caller.openid });
  }
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: ok ? 'finding.close' : 'finding.reopen', subject: findingSubject(moved.id), detail: note ?? '' });
  return (await views(ctx, caller, [moved]))[0];
}

/** `portal trialFindings`: the findings the staff's center is to fix (links, poster, endpoint). */
export async function portalFindings(ctx: ServiceContext, caller: Caller, status?: FindingStatus): Promise<FindingsAnswer> {
  const centerCode = requireStaffCenter(caller, '查看本中心的试用问题');
  return { items: await views(ctx, caller, await ctx.store.findings.list({ centerCodes: [centerCode], owner: 'center', ...statuses(status) })) };
}

/** `portal resolveFinding`: staff mark their center's open finding fixed with a note, for the tester to check again. */
export async function resolveFinding(ctx: ServiceContext, caller: Caller, id: string, note: string): Promise<FindingView> {
  const centerCode = requireStaffCenter(caller, '处理试用问题');
  const found = await ctx.store.findings.get(id);
  if (!found || found.centerCode !== centerCode || found.owner !== 'center') throw notFound();
  const moved = await markFixed(ctx, found, { by: caller.openid, byRole: 'center-staff', note });
  return (await views(ctx, caller, [moved]))[0];
}

/**
 * `admin resolveFinding`: a supervisor marks fixed, with a note, an open finding nobody else could: one supervisors
 * own (a name or phone, when no catalog fix is the way: the catalog was right, or it was corrected otherwise), or one
 * of a center with no staff in force to resolve it in the portal. A finding of a province the caller does not
 * supervise is FINDING_NOT_FOUND; the tester then checks it again as after any fix.
 */
export async function supervisorResolveFinding(ctx: ServiceContext, caller: Caller, id: string, note: string): Promise<FindingView> {
  const provinces = supervisedProvinces(caller);
  const found = await ctx.store.findings.get(id);
  if (!found || !provinces.includes(found.province)) throw notFound();
  if (found.owner === 'center' && (await hasStaffInForce(ctx, found.centerCode))) {
    const message = '该中心有在岗的工作人员，这个问题由中心在门户中整改';
    throw new AppError('VALIDATION_FAILED', message, { id: message });
  }
  const byRole: Role = isNationalSupervisor(caller) ? 'supervisor' : 'provincial-supervisor';
  const moved = await markFixed(ctx, found, { by: caller.openid, byRole, note });
  return (await views(ctx, caller, [moved]))[0];
}

const hasStaffInForce = async (ctx: ServiceContext, centerCode: string): Promise<boolean> =>
  (await ctx.store.roles.list()).some((r) => r.revokedAt === null && r.grant.role === 'center-staff' && r.grant.centerCode === centerCode);

/**
 * Moves an open finding to fixed with a note (staff resolving it, a catalog fix or a trial link correction approved);
 * refused with what it is instead when it is not open. Audited.
 */
export async function markFixed(ctx: ServiceContext, found: FindingRecord, by: { by: string; byRole: Role; note: string }): Promise<FindingRecord> {
  const moved = await ctx.store.findings.move(found.id, 'open', 'fixed', { kind: 'fixed', by: by.by, byRole: by.byRole, at: ctx.now, note: by.note });
  if (!moved) throw notInStatus((await ctx.store.findings.get(found.id))?.status ?? found.status, '整改');
  await ctx.store.audit.append({ at: ctx.now, actor: by.by, action: 'finding.fix', subject: findingSubject(moved.id), detail: by.note });
  return moved;
}

/** `admin trialFindings`: every finding of the provinces the supervisor oversees (one of them when named). */
export async function adminFindings(ctx: ServiceContext, caller: Caller, province?: string, status?: FindingStatus): Promise<FindingsAnswer> {
  const provinces = provincesShown(caller, province);
  return { items: await views(ctx, caller, await ctx.store.findings.list({ provinces, ...statuses(status) })) };
}

const notFound = () => new AppError('FINDING_NOT_FOUND', '没有找到这个试用问题');

function notInStatus(status: FindingStatus, what: '复核' | '整改'): AppError {
  const message =
    status === 'closed'
      ? '这个问题已关闭，无需再处理'
      : status === 'open'
        ? '这个问题尚未整改，中心或监管部门标记已整改后才能复核'
        : what === '整改'
          ? '这个问题已标记为已整改，正等待测试人员复核'
          : '这个问题的状态已变化，请刷新后再试';
  return new AppError('VALIDATION_FAILED', message, { [what === '复核' ? 'findingId' : 'id']: message });
}

/** The findings as the viewer may see them: people by display name or role label, the screenshot as a link made for the viewer. */
async function views(ctx: ServiceContext, viewer: Caller, found: readonly FindingRecord[]): Promise<FindingView[]> {
  if (found.length === 0) return [];
  const [centers, labels] = await Promise.all([ctx.store.centers.list(), peopleLabels(ctx, viewer, found.flatMap((f) => f.history.map((e) => e.by)))]);
  const names = new Map(centers.map((c) => [c.code, c.name]));
  const expiresAt = new Date(ctx.now.getTime() + SCREENSHOT_LINK_MINUTES * 60_000);
  return Promise.all(
    found.map(async (f) => ({
      id: f.id,
      province: f.province,
      centerCode: f.centerCode,
      centerName: names.get(f.centerCode) ?? f.centerCode,
      check: f.check,
      checkLabel: checkLabel(f.check),
      owner: f.owner,
      status: f.status,
      statusLabel: FINDING_STATUS_LABELS[f.status],
      expected: f.expected,
      seen: f.seen,
      observed: f.observed,
      screenshot: f.screenshot && {
        ...f.screenshot,
        url: await ctx.outside.files().link(f.screenshot.fileId, { openid: viewer.openid, name: f.screenshot.name, contentType: imageType(f.screenshot.fileId), expiresAt }),
      },
      openedAt: f.openedAt.toISOString(),
      ageDays: daysBetween(f.openedAt, ctx.now),
      history: f.history.map((e) => ({ at: e.at.toISOString(), by: labels.get(e.by) ?? ROLE_LABELS[e.byRole], kind: e.kind, note: e.note })),
    })),
  );
}

const imageType = (key: string) => (key.endsWith('.png') ? 'image/png' : 'image/jpeg');
