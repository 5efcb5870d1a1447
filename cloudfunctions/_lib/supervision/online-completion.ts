import type { CenterLink } from '../../../src/core/centers';
import { AppError } from '../../../src/core/errors';
import { itemById } from '../../../src/core/items';
import {
  FULL_ONLINE_ITEMS,
  notDoneLabel,
  provinceName,
  provinceOfCenter,
  type FullOnlineItem,
  type OnlineCompletionAnswer,
  type OnlineCompletionCell,
  type OnlineCompletionRow,
  type OnlineReasonRow,
} from '../../../src/core/supervision';
import { requireStaffCenter, type Caller, type ServiceContext } from '../runtime/define';
import { centerSubject } from '../services/audit-names';
import type { OnlineReasonRecord } from '../store/port';
import { provincesShown } from './scope';

/**
 * Full-online completion (notice 2021-30, annex 3): per province and item 4-6, 已完成 or N个中心未完成, from each
 * center's registered route for the item (a web page or a mini-program is fully online; an in-app request, the
 * service hall, or nothing registered is not), and the attachment the notice asks provinces for: each center not
 * done, with the reason and expected date it gave in the portal.
 */
export async function onlineCompletion(ctx: ServiceContext, caller: Caller, province: string | undefined): Promise<OnlineCompletionAnswer> {
  const provinces = provincesShown(caller, province);
  const [centers, links, reasons] = await Promise.all([ctx.store.centers.list(), ctx.store.links.listAll(), ctx.store.supervision.onlineReasons()]);
  const online = fullyOnline(links);
  const reasonOf = new Map(reasons.map((r) => [`${r.centerCode}:${r.item}`, r]));
  const rows: OnlineCompletionRow[] = [];
  const attachment: OnlineReasonRow[] = [];
  for (const code of provinces) {
    const own = centers.filter((c) => provinceOfCenter(c.code) === code);
    const cell = (item: FullOnlineItem): OnlineCompletionCell => {
      const centerCodes = own.filter((c) => !online.has(`${c.code}:${item}`)).map((c) => c.code);
      return { notDone: centerCodes.length, label: notDoneLabel(centerCodes.length), centerCodes };
    };
    rows.push({ province: code, provinceName: provinceName(code), centers: own.length, items: { '4': cell(4), '5': cell(5), '6': cell(6) } });
    for (const center of own) {
      for (const item of FULL_ONLINE_ITEMS) {
        if (!online.has(`${center.code}:${item}`)) attachment.push(reasonRow(center.code, center.name, item, reasonOf.get(`${center.code}:${item}`)));
      }
    }
  }
  return { rows, attachment };
}

/** One center's items 4-6 not fully online (given its links), each with the reason it gave or none yet: its portal overview's. */
export async function centerOnlineReasons(ctx: ServiceContext, center: { code: string; name: string }, links: readonly CenterLink[]): Promise<OnlineReasonRow[]> {
  const online = fullyOnline(links.map((link) => ({ centerCode: center.code, link })));
  const missing = FULL_ONLINE_ITEMS.filter((item) => !online.has(`${center.code}:${item}`));
  if (missing.length === 0) return [];
  const given = (await ctx.store.supervision.onlineReasons()).filter((r) => r.centerCode === center.code);
  return missing.map((item) => reasonRow(center.code, center.name, item, given.find((r) => r.item === item)));
}

/** `${centerCode}:${item}` of every item a center registers a full online channel for. */
export function fullyOnline(links: readonly { centerCode: string; link: CenterLink }[]): Set<string> {
  return new Set(links.filter((l) => l.link.kind === 'web' || l.link.kind === 'miniprogram').map((l) => `${l.centerCode}:${l.link.item}`));
}

function reasonRow(centerCode: string, centerName: string, item: FullOnlineItem, reason: OnlineReasonRecord | undefined): OnlineReasonRow {
  return {
    centerCode,
    centerName,
    province: provinceOfCenter(centerCode),
    item,
    reason: reason?.reason ?? null,
    expectedDate: reason?.expectedDate ?? null,
    givenAt: reason?.givenAt.toISOString() ?? null,
  };
}

/**
 * Center staff say why their center has not made an item (4-6) fully online and by when it will (portal
 * setOnlineReason); it replaces what they said before and is audited. An item the center offers fully online
 * needs no reason: refused naming the item.
 */
export async function setOnlineReason(ctx: ServiceContext, caller: Caller, item: FullOnlineItem, reason: string, expectedDate: string): Promise<OnlineReasonRow> {
  const centerCode = requireStaffCenter(caller, '说明未实现全程网办的原因');
  const [center, links] = await Promise.all([ctx.store.centers.get(centerCode), ctx.store.links.listForCenter(centerCode)]);
  if (!center) throw new AppError('CENTER_NOT_FOUND', '没有找到本中心', { centerCode: '没有找到本中心' });
  if (fullyOnline(links.map((link) => ({ centerCode, link }))).has(`${centerCode}:${item}`)) {
    throw new AppError('VALIDATION_FAILED', `本中心已实现“${itemById(item)?.short ?? item}”全程网办，无需说明原因`, { item: '该事项已实现全程网办，无需说明原因' });
  }
  const record: OnlineReasonRecord = { centerCode, item, reason, expectedDate, givenBy: caller.openid, givenAt: ctx.now };
  await ctx.store.supervision.putOnlineReason(record);
  await ctx.store.audit.append({
    at: ctx.now,
    actor: caller.openid,
    action: 'online-reason.set',
    subject: centerSubject(centerCode),
    detail: `事项 ${item}（${itemById(item)?.short ?? ''}）未实现全程网办：${reason}；预计 ${expectedDate} 完成`,
  });
  return reasonRow(centerCode, center.name, item, record);
}
