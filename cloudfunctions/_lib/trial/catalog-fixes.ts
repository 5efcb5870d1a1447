import { randomBytes } from 'node:crypto';
import { ServicePhoneSchema } from '../../../src/core/centers';
import { AppError } from '../../../src/core/errors';
import { ROLE_LABELS } from '../../../src/core/roles';
import { provinceOfCenter } from '../../../src/core/supervision';
import { CATALOG_FIELD_LABELS, type CatalogField, type CatalogFixView } from '../../../src/core/trial';
import type { Caller, ServiceContext } from '../runtime/define';
import { centerSubject } from '../services/audit-names';
import { peopleLabels } from '../services/roles';
import type { CatalogFixRecord } from '../store/port';
import { isNationalSupervisor, requireProvince, supervisedProvinces } from '../supervision/scope';
import { markFixed } from './findings';

/**
 * Corrections of a center's catalog name or service phone found wrong in the trial (issue 15): proposed by a
 * supervisor of the center's province, applied when another supervisor (national, or of that province) approves
 * it. They are kept in the store with who proposed and reviewed them, and the store lays the approved ones over
 * the catalog whenever it is loaded again (CenterRepository.upsertCatalog), so the directory, the portal and the
 * checklist, which all read the center from the store, show the corrected value and a regenerated centers.json
 * does not undo it. The finding a correction names becomes fixed with the correction as its note.
 */

export async function proposeCatalogFix(ctx: ServiceContext, caller: Caller, e: { centerCode: string; field: CatalogField; value: string; findingId?: string }): Promise<CatalogFixView> {
  requireProvince(caller, provinceOfCenter(e.centerCode));
  const center = await ctx.store.centers.get(e.centerCode);
  if (!center) throw new AppError('CENTER_NOT_FOUND', `未找到代码为 ${e.centerCode} 的住房公积金管理中心`);
  if (e.field === 'phone' && !ServicePhoneSchema.safeParse(e.value).success) {
    throw new AppError('VALIDATION_FAILED', '服务电话应为“区号-12329”', { value: '服务电话应为“区号-12329”' });
  }
  const from = e.field === 'name' ? center.name : center.phone;
  if (e.value === from) throw new AppError('VALIDATION_FAILED', `更正后的${CATALOG_FIELD_LABELS[e.field]}与目录中的相同`, { value: `与目录中的${CATALOG_FIELD_LABELS[e.field]}相同` });
  if (e.findingId !== undefined) {
    const finding = await ctx.store.findings.get(e.findingId);
    if (!finding || finding.centerCode !== e.centerCode) throw new AppError('FINDING_NOT_FOUND', '没有找到这个中心的这个试用问题');
    if (finding.check !== e.field) {
      throw new AppError('VALIDATION_FAILED', `这个试用问题不是关于${CATALOG_FIELD_LABELS[e.field]}的`, { findingId: `请选择关于${CATALOG_FIELD_LABELS[e.field]}的问题` });
    }
  }
  const fix: CatalogFixRecord = {
    id: `cfx${randomBytes(10).toString('hex')}`,
    centerCode: e.centerCode,
    field: e.field,
    from,
    to: e.value,
    findingId: e.findingId ?? null,
    status: 'pending',
    proposedBy: caller.openid,
    proposedAt: ctx.now,
    reviewedBy: null,
    reviewedAt: null,
    reason: null,
  };
  await ctx.store.catalogFixes.add(fix);
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'catalog-fix.propose', subject: centerSubject(fix.centerCode), detail: describe(fix) });
  return (await views(ctx, caller, [fix]))[0];
}

/** A second supervisor approves (the center shows the new value at once) or rejects (with a reason) a pending correction. */
export async function reviewCatalogFix(ctx: ServiceContext, caller: Caller, e: { id: string; approve: boolean; reason?: string }): Promise<CatalogFixView> {
  const found = await ctx.store.catalogFixes.get(e.id);
  if (!found) throw new AppError('VALIDATION_FAILED', '没有找到这条目录更正', { id: '没有找到这条目录更正' });
  requireProvince(caller, provinceOfCenter(found.centerCode));
  if (found.proposedBy === caller.openid) throw new AppError('FORBIDDEN', '目录更正须由提出人以外的另一位监管人员审核', { id: '请由另一位监管人员审核' });
  const reviewed = await ctx.store.catalogFixes.review(found.id, { status: e.approve ? 'approved' : 'rejected', reviewedBy: caller.openid, reviewedAt: ctx.now, reason: e.reason ?? null });
  if (!reviewed) throw new AppError('VALIDATION_FAILED', '这条目录更正已审核过', { id: '这条目录更正已审核过' });
  await ctx.store.audit.append({
    at: ctx.now,
    actor: caller.openid,
    action: reviewed.status === 'approved' ? 'catalog-fix.approve' : 'catalog-fix.reject',
    subject: centerSubject(reviewed.centerCode),
    detail: `${describe(reviewed)}${reviewed.reason ? `；${reviewed.reason}` : ''}`,
  });
  if (reviewed.status === 'approved' && reviewed.findingId !== null) {
    const finding = await ctx.store.findings.get(reviewed.findingId);
    if (finding?.status === 'open') {
      await markFixed(ctx, finding, { by: caller.openid, byRole: isNationalSupervisor(caller) ? 'supervisor' : 'provincial-supervisor', note: `目录已更正：${describe(reviewed)}` });
    }
  }
  return (await views(ctx, caller, [reviewed]))[0];
}

/** The corrections of the provinces the supervisor oversees (of one center when named), newest first. */
export async function listCatalogFixes(ctx: ServiceContext, caller: Caller, centerCode?: string): Promise<{ items: CatalogFixView[] }> {
  const provinces = new Set(supervisedProvinces(caller));
  if (centerCode !== undefined) requireProvince(caller, provinceOfCenter(centerCode));
  const fixes = (await ctx.store.catalogFixes.list(centerCode)).filter((f) => provinces.has(provinceOfCenter(f.centerCode)));
  return { items: await views(ctx, caller, fixes) };
}

const describe = (f: CatalogFixRecord) => `${f.id} ${f.centerCode} ${CATALOG_FIELD_LABELS[f.field]}由“${f.from}”改为“${f.to}”`;

async function views(ctx: ServiceContext, viewer: Caller, fixes: readonly CatalogFixRecord[]): Promise<CatalogFixView[]> {
  const labels = await peopleLabels(ctx, viewer, fixes.flatMap((f) => (f.reviewedBy === null ? [f.proposedBy] : [f.proposedBy, f.reviewedBy])));
  const label = (openid: string) => labels.get(openid) ?? ROLE_LABELS.supervisor;
  return fixes.map((f) => ({
    id: f.id,
    centerCode: f.centerCode,
    field: f.field,
    from: f.from,
    to: f.to,
    findingId: f.findingId,
    status: f.status,
    proposedBy: label(f.proposedBy),
    proposedAt: f.proposedAt.toISOString(),
    reviewedBy: f.reviewedBy === null ? null : label(f.reviewedBy),
    reviewedAt: f.reviewedAt?.toISOString() ?? null,
    reason: f.reason,
  }));
}
