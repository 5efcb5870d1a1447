import { itemById, type ItemId } from '../items';
import { TRANSFER_CODES, type TransferCode } from './state-machine';
import { awaitsAcceptance, CENTER_ROLE_LABELS, CERTIFICATE_ITEMS, isCertificateType, isFinal, TYPE_LABELS, type ApplicationStatus, type ApplicationType, type CenterRole } from './status';
import type { TimelineEntry } from './views';

/**
 * What a person reads about a case, per type: its title, the part each center plays, its number, the words of each
 * step of the timeline and who took it, and which time limits still stand. The detail page, the list and the
 * workbench all read them here.
 */

/** The cross-province item a case is (items 2 and 8 by certificate, 7 a purchase withdrawal, 4-6 a service request's own); null for a transfer. */
export function caseItem(type: ApplicationType, serviceItem: ItemId | undefined): ItemId | null {
  if (type === 'transfer') return null;
  if (type === 'purchase-withdrawal') return 7;
  if (isCertificateType(type)) return CERTIFICATE_ITEMS[type];
  return serviceItem ?? null;
}

/** A case's title: its type, or for a service request the item asked for (住房公积金单位及个人缴存信息变更), never a generic 在线申请. */
export function caseTitle(c: { type: ApplicationType; item: ItemId | null }): string {
  if (c.type === 'service-request' && c.item !== null) return itemById(c.item)?.name ?? TYPE_LABELS[c.type];
  return TYPE_LABELS[c.type];
}

/** The part a center plays, as the case's type has it: a service request's one center handles it, and certifies nothing. */
export function centerRoleLabel(type: ApplicationType, role: CenterRole): string {
  return type === 'service-request' ? '办理中心' : CENTER_ROLE_LABELS[role];
}

/**
 * The contact letter's number as a person sees it: transfers only (no other type has a letter); 受理后生成 while a
 * transfer may still be accepted; nothing for a transfer that ended without one.
 */
export function letterNumberText(c: { type: ApplicationType; status: ApplicationStatus; letterNumber: string | null }): string | undefined {
  if (c.type !== 'transfer') return undefined;
  return c.letterNumber ?? (isFinal(c.status) ? undefined : '受理后生成');
}

/** The acceptance limit stands while the case waits for the center to accept it: gone once accepted, ended, withdrawn or refused. */
export const showsAcceptLimit = (status: ApplicationStatus) => awaitsAcceptance(status);

/** What each national platform code means to the person, in plain words (staff see the code itself). */
export const TRANSFER_CODE_WORDS: Record<TransferCode, string> = {
  '01': '转入地中心已受理，联系函已发往转出地中心',
  '02': '转出地中心已确认接收联系函',
  '08': '转出地中心已转出账户信息，转入地中心复核通过',
  '06': '转入地、转出地中心正在协商办理',
  '13': '转出地中心审核未通过',
  '00': '已办结，住房公积金已转入转入地个人账户',
  '05': '申请已撤销，办理结束',
  '20': '经两地中心协商，已办结',
  '40': '未能办成，办理已终止',
};

/**
 * The line under a step of the timeline: what the center said, without a leading platform code; the code's plain
 * words when it said nothing more than the code's name ("01 联系函复核通过").
 */
export function eventMessage(entry: Pick<TimelineEntry, 'platformCode' | 'message'>): string {
  if (entry.platformCode === null) return entry.message;
  const code = entry.platformCode;
  const words = entry.message.trim().replace(new RegExp(`^${code}(?!\\d)[\\s:：、.-]*`), '');
  return words === '' || words === TRANSFER_CODES[code].name ? TRANSFER_CODE_WORDS[code] : words;
}

/** Codes the transfer-out center sets (through the platform): its confirmation of the letter, its refusal. */
const TRANSFER_OUT_CODES: readonly TransferCode[] = ['02', '13'];
/** Codes both centers reach together. */
const BOTH_CENTERS_CODES: readonly TransferCode[] = ['06', '20'];

export interface CaseCenter {
  code: string;
  name: string;
  role: CenterRole;
}

/**
 * Who took a step of the timeline, as the person reads it: 申请人 for what they did, the platform for a delivery or a
 * moved time limit, else the center by its part and name. A transfer's codes are reported by the transfer-in center
 * but taken by the one the code belongs to: 转出地确认 (02) and 转出审核不通过 (13) by the transfer-out center, 协商 by
 * both. `previous`: the entry before this one, to tell a code set now from one carried over (a request for material).
 */
export function creditOf(type: ApplicationType, entry: Pick<TimelineEntry, 'actor' | 'platformCode' | 'centerCode'>, previous: Pick<TimelineEntry, 'platformCode'> | undefined, centers: readonly CaseCenter[]): string {
  if (entry.actor === 'employee') return '申请人';
  if (entry.actor === 'relay' || entry.actor === 'platform') return '全国住房公积金小程序';
  const named = (c: CaseCenter | undefined) => (c ? `${centerRoleLabel(type, c.role)} ${c.name}` : undefined);
  const code = entry.platformCode;
  if (type === 'transfer' && code !== null && code !== previous?.platformCode) {
    if (BOTH_CENTERS_CODES.includes(code)) return '转入地、转出地中心';
    const out = TRANSFER_OUT_CODES.includes(code) ? named(centers.find((c) => c.role === 'transfer-out')) : undefined;
    if (out) return out;
  }
  return named(centers.find((c) => c.code === entry.centerCode)) ?? entry.centerCode ?? '办理中心';
}

/** What 材料 says while it lists nothing: a certificate case says where its certificate will come. */
export const noMaterialsText = (type: ApplicationType) => (isCertificateType(type) ? '暂无材料，证明出具后可在此下载' : '暂无材料');
