import { randomBytes } from 'node:crypto';
import { AppError } from '../../../src/core/errors';
import {
  provinceName,
  provinceOfCenter,
  RECOMMENDATION_KINDS,
  RECOMMENDATION_LABELS,
  RECOMMENDATION_TARGET,
  type RecommendationFields,
  type RecommendationRow,
  type RecommendationsAnswer,
} from '../../../src/core/supervision';
import type { Caller, ServiceContext } from '../runtime/define';
import type { RecommendationRecord } from '../store/port';
import { provinceSubject, provincesShown, requireProvince } from './scope';

/**
 * 三个一百 (plan 2021-50): each province recommends model windows, stories and directors' experiences, at least
 * RECOMMENDATION_TARGET of each; each is about one of the province's centers. Adding and removing are audited.
 */

export async function recommendations(ctx: ServiceContext, caller: Caller, province: string | undefined): Promise<RecommendationsAnswer> {
  const provinces = provincesShown(caller, province);
  const [records, centers] = await Promise.all([ctx.store.supervision.recommendations(provinces), ctx.store.centers.list()]);
  const names = new Map(centers.map((c) => [c.code, c.name]));
  return { target: RECOMMENDATION_TARGET, rows: provinces.map((code) => rowOf(code, records, names)) };
}

export async function addRecommendation(ctx: ServiceContext, caller: Caller, province: string, fields: RecommendationFields): Promise<RecommendationRow> {
  requireProvince(caller, province);
  const center = await ctx.store.centers.get(fields.centerCode);
  if (!center || provinceOfCenter(center.code) !== province) {
    throw new AppError('VALIDATION_FAILED', `所属中心应为${provinceName(province)}的中心`, { centerCode: `请选择${provinceName(province)}的中心` });
  }
  const record: RecommendationRecord = { id: `rec${randomBytes(10).toString('hex')}`, province, ...fields, addedBy: caller.openid, addedAt: ctx.now };
  await ctx.store.supervision.addRecommendation(record);
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'recommendation.add', subject: provinceSubject(province), detail: describe(record, center.name) });
  return provinceRow(ctx, province);
}

export async function removeRecommendation(ctx: ServiceContext, caller: Caller, id: string): Promise<RecommendationRow> {
  const found = await ctx.store.supervision.getRecommendation(id);
  if (!found) throw new AppError('VALIDATION_FAILED', '没有找到这条推荐', { id: '没有找到这条推荐' });
  requireProvince(caller, found.province);
  const removed = await ctx.store.supervision.removeRecommendation(id);
  if (removed) {
    const center = await ctx.store.centers.get(removed.centerCode);
    await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'recommendation.remove', subject: provinceSubject(removed.province), detail: describe(removed, center?.name ?? removed.centerCode) });
  }
  return provinceRow(ctx, found.province);
}

const describe = (r: RecommendationRecord, centerName: string) => `${RECOMMENDATION_LABELS[r.kind]}：${r.title}（${centerName}，${r.id}）`;

async function provinceRow(ctx: ServiceContext, province: string): Promise<RecommendationRow> {
  const [records, centers] = await Promise.all([ctx.store.supervision.recommendations([province]), ctx.store.centers.list()]);
  return rowOf(province, records, new Map(centers.map((c) => [c.code, c.name])));
}

function rowOf(province: string, records: readonly RecommendationRecord[], names: ReadonlyMap<string, string>): RecommendationRow {
  const own = records.filter((r) => r.province === province);
  const counts = { window: 0, story: 0, director: 0 };
  for (const r of own) counts[r.kind] += 1;
  return {
    province,
    provinceName: provinceName(province),
    counts,
    met: RECOMMENDATION_KINDS.every((k) => counts[k] >= RECOMMENDATION_TARGET),
    items: own.map((r) => ({
      id: r.id,
      province: r.province,
      kind: r.kind,
      centerCode: r.centerCode,
      centerName: names.get(r.centerCode) ?? r.centerCode,
      title: r.title,
      summary: r.summary,
      addedAt: r.addedAt.toISOString(),
    })),
  };
}
