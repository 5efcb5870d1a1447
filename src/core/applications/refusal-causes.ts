import type { TimelineEntry } from './views';

/**
 * The few causes most transfer refusals have (the national platform's reasons, DOMAIN.md "What the official app does
 * and does not do"): asked before submitting (components/transfer-precheck), and matched in a refusal's reason to say
 * what to do next (components/refusal-card). The words a center uses for each are in docs/center-api.md 5.1.
 */
export interface RefusalCause {
  key: 'not-sealed' | 'short-history' | 'loan' | 'identity';
  /** The question asked before submitting. */
  question: string;
  /** Why it matters, in a sentence. */
  explain: string;
  /** The answer that is fine, and the one that may lead to a refusal. */
  answers: { fine: string; risky: string };
  /** What to do about it. */
  todo: string;
  /** Words of a center's reason that name this cause. */
  words: readonly string[];
}

export const REFUSAL_CAUSES: readonly RefusalCause[] = [
  {
    key: 'not-sealed',
    question: '原单位是否已为您办理封存？',
    explain: '离职后，原单位要为您办理住房公积金账户封存，转出地中心才能转出；账户仍在缴存时，转出审核不会通过。',
    answers: { fine: '已办理', risky: '未办理或不清楚' },
    todo: '请联系原单位的人事或财务部门，为您办理住房公积金账户封存。',
    words: ['封存'],
  },
  {
    key: 'short-history',
    question: '新单位缴存是否满足转入地的要求？',
    explain: '有的城市要求新单位为您正常缴存一段时间（如连续 6 个月）后才能转入，不满足时转入会被退回。',
    answers: { fine: '已满足', risky: '不满足或不清楚' },
    todo: '请向转入地中心问清缴存时间的要求，满足后再申请。',
    words: ['缴存时间', '缴存期限', '缴存不足', '连续缴存'],
  },
  {
    key: 'loan',
    question: '是否有未结清的公积金贷款？',
    explain: '在转出地有未还清的住房公积金贷款时，账户一般不能转出。',
    answers: { fine: '没有', risky: '有或不清楚' },
    todo: '请向转出地中心问清贷款的处理办法，还清或办好相关手续后再转出。',
    words: ['贷款'],
  },
  {
    key: 'identity',
    question: '姓名、证件号码是否与原账户一致？',
    explain: '转出地按姓名和证件号码查找您的原账户；改过名字或换过证件号码（如 15 位升 18 位）时会查不到。',
    answers: { fine: '一致', risky: '不一致或不清楚' },
    todo: '请联系转出地中心核对并更正原账户的姓名或证件号码。',
    words: ['姓名', '证件', '身份证', '不一致', '不符'],
  },
];

/** The common cause a center's reason names, if it names one. */
export function causeOf(reason: string): RefusalCause | undefined {
  return REFUSAL_CAUSES.find((cause) => cause.words.some((word) => reason.includes(word)));
}

/** The platform codes of a transfer refused: 13 (转出审核不通过, may still go on after negotiation) and 40 (失败办结, ended). */
export const TRANSFER_REFUSAL_CODES = ['13', '40'] as const;

/** The timeline's latest line at a refusal code, which carries the center's reason and contact when it gave them. */
export function refusalEntry(events: readonly TimelineEntry[], code: (typeof TRANSFER_REFUSAL_CODES)[number]): TimelineEntry | undefined {
  return [...events].reverse().find((e) => e.platformCode === code);
}
