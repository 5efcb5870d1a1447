import type { Payment } from '../money';
import { isCertificateType, isFinal, STATUS_LABELS, type ApplicationStatus, type ApplicationType } from './status';

/**
 * The state machine every actor (employee, relay, center API, center workbench) goes through, and the
 * transfer-continuation platform codes.
 */
/** The national platform's transfer status codes, what they mean, and where they put the application. */
export const TRANSFER_CODES = {
  '01': { name: '联系函复核通过', status: 'accepted' },
  '02': { name: '联系函确认接收', status: 'processing' },
  '08': { name: '账户信息复核通过', status: 'processing' },
  '06': { name: '协商中', status: 'processing' },
  '13': { name: '转出审核不通过', status: 'processing' },
  '00': { name: '正常办结', status: 'completed' },
  '05': { name: '转入撤销办结', status: 'withdrawn' },
  '20': { name: '协商办结', status: 'completed' },
  '40': { name: '失败办结', status: 'failed' },
} as const satisfies Record<string, { name: string; status: ApplicationStatus }>;
export type TransferCode = keyof typeof TRANSFER_CODES;
/** In the platform's order (Object.keys would put the integer-like 13, 20, 40 first). */
export const TRANSFER_CODE_LIST: readonly TransferCode[] = ['01', '02', '08', '06', '13', '00', '05', '20', '40'];
export const isTransferCode = (value: unknown): value is TransferCode => typeof value === 'string' && value in TRANSFER_CODES;

/**
 * Which code may follow which. `null` is "no code yet" (submitted or delivered). A callback may arrive
 * before the relay has recorded the delivery (the center answered, the relay died before writing it down),
 * so the first codes are allowed straight from submission too.
 */
const TRANSFER_NEXT: Record<TransferCode | 'none', readonly TransferCode[]> = {
  none: ['01', '05', '40'],
  '01': ['02', '05', '06', '13', '40'],
  '02': ['08', '06', '13', '00', '40'],
  '08': ['06', '13', '00', '40'],
  '06': ['13', '00', '20', '40'],
  '13': ['06', '20', '40'],
  '00': [],
  '05': [],
  '20': [],
  '40': [],
};

/** Where an application stands: the status every type has, and the transfer platform code when there is one. */
export interface ApplicationState {
  status: ApplicationStatus;
  platformCode: TransferCode | null;
}
/** The state with the type it belongs to: each type has its own ways forward. */
export type TypedState = ApplicationState & { type: ApplicationType };

/** Who moves an application. The relay and the employee have one move each; centers have the rest. */
export type Move =
  | { by: 'relay'; kind: 'delivered' }
  | { by: 'employee'; kind: 'withdraw' }
  | { by: 'center'; kind: 'code'; code: TransferCode }
  | { by: 'center'; kind: 'status'; status: CenterStatus; payment?: Payment }
  | { by: 'center'; kind: 'reject' };

/**
 * What a center reports for types without platform codes; `rejected` is the reject move. `verified` is the
 * purchase-locale center handing a purchase withdrawal on to the deposit-locale center.
 */
export const CENTER_STATUSES = ['accepted', 'verified', 'processing', 'completed', 'failed'] as const;
export type CenterStatus = (typeof CENTER_STATUSES)[number];
export const isCenterStatus = (value: unknown): value is CenterStatus => typeof value === 'string' && (CENTER_STATUSES as readonly string[]).includes(value);
type StatusTable = Partial<Record<ApplicationStatus, readonly CenterStatus[]>>;
/** One center handles it (certificates, service requests). */
const ONE_CENTER_NEXT: StatusTable = {
  submitted: ['accepted', 'failed'],
  delivered: ['accepted', 'failed'],
  accepted: ['processing', 'completed', 'failed'],
  processing: ['completed', 'failed'],
};
/** 两地联办: the purchase-locale center accepts and verifies (or fails it); the deposit-locale center then handles and pays. */
const JOINT_NEXT: StatusTable = {
  submitted: ['accepted', 'failed'],
  delivered: ['accepted', 'failed'],
  accepted: ['verified', 'failed'],
  verified: ['processing', 'completed', 'failed'],
  processing: ['completed', 'failed'],
};
const statusNext = (type: ApplicationType): StatusTable => (type === 'purchase-withdrawal' ? JOINT_NEXT : ONE_CENTER_NEXT);

export type MoveResult = { ok: true; next: ApplicationState } | { ok: false; unchanged: true } | { ok: false; unchanged: false; reason: string };

/** Statuses from which the employee may still withdraw: before the transfer-out center confirms receipt. */
export const WITHDRAWABLE: readonly ApplicationStatus[] = ['submitted', 'delivered', 'accepted'];

/**
 * The state machine. Answers the next state, "unchanged" for a move that is already in effect (a repeat),
 * or why the move is not allowed now.
 */
export function applyMove(current: TypedState, move: Move): MoveResult {
  const final = isFinal(current.status);
  switch (move.kind) {
    case 'delivered':
      // only a pending delivery moves the application; a late acknowledgement after a callback changes nothing
      return current.status === 'submitted' ? { ok: true, next: { ...current, status: 'delivered' } } : { ok: false, unchanged: true };
    case 'withdraw':
      if (current.status === 'withdrawn') return { ok: false, unchanged: true };
      if (!WITHDRAWABLE.includes(current.status)) {
        if (final) return { ok: false, unchanged: false, reason: '申请已办结，不能撤销' };
        return { ok: false, unchanged: false, reason: current.type === 'transfer' ? '转出地中心已确认接收，不能再撤销，如需撤销请联系中心' : '中心已开始办理，不能再撤销，如需撤销请联系中心' };
      }
      return { ok: true, next: { status: 'withdrawn', platformCode: current.platformCode } };
    case 'reject':
      if (current.status === 'rejected') return { ok: false, unchanged: true };
      if (current.status !== 'submitted' && current.status !== 'delivered') return { ok: false, unchanged: false, reason: `申请${STATUS_LABELS[current.status]}，不能再不予受理` };
      return { ok: true, next: { status: 'rejected', platformCode: current.platformCode } };
    case 'status': {
      if (current.status === move.status) return { ok: false, unchanged: true };
      if (!(statusNext(current.type)[current.status] ?? []).includes(move.status)) {
        return { ok: false, unchanged: false, reason: `不能从“${STATUS_LABELS[current.status]}”变为“${STATUS_LABELS[move.status]}”` };
      }
      const paying = statusNeed(current.type, move.status) === 'payment';
      if (paying !== Boolean(move.payment)) {
        if (paying) return { ok: false, unchanged: false, reason: '办结购房提取须填写实际提取金额和支付日期' };
        return { ok: false, unchanged: false, reason: current.type === 'purchase-withdrawal' ? '只有缴存地中心办结购房提取时才填写提取金额' : '这类申请没有提取金额' };
      }
      return { ok: true, next: { status: move.status, platformCode: null } };
    }
    case 'code': {
      if (current.platformCode === move.code) return { ok: false, unchanged: true };
      // the center confirming an employee's withdrawal with its own code: already in effect
      if (current.status === 'withdrawn' && TRANSFER_CODES[move.code].status === 'withdrawn') return { ok: false, unchanged: true };
      if (final) return { ok: false, unchanged: false, reason: `申请状态为“${STATUS_LABELS[current.status]}”，已经结束，不能再变更` };
      const allowed = TRANSFER_NEXT[current.platformCode ?? 'none'];
      if (!allowed.includes(move.code)) {
        const from = current.platformCode ? `${current.platformCode} ${TRANSFER_CODES[current.platformCode].name}` : STATUS_LABELS[current.status];
        return { ok: false, unchanged: false, reason: `不能从“${from}”变为“${move.code} ${TRANSFER_CODES[move.code].name}”` };
      }
      return { ok: true, next: { status: TRANSFER_CODES[move.code].status, platformCode: move.code } };
    }
  }
}

/**
 * The move a center's reported `status` stands for (callback or conformance check): a platform code for
 * transfers, a status or the reject move otherwise; undefined when the type has no such status.
 */
export function centerMove(type: ApplicationType, status: string, payment?: Payment): Move | undefined {
  if (type === 'transfer') return isTransferCode(status) ? { by: 'center', kind: 'code', code: status } : undefined;
  if (status === 'rejected') return { by: 'center', kind: 'reject' };
  if (status === 'verified' && type !== 'purchase-withdrawal') return undefined;
  return isCenterStatus(status) ? { by: 'center', kind: 'status', status, payment } : undefined;
}

/** Transfers move by platform codes, every other type by statuses; a move of the other kind is refused. */
export function moveFitsType(type: ApplicationType, move: Move): boolean {
  if (move.kind === 'code') return type === 'transfer';
  if (move.kind === 'status') return type !== 'transfer';
  return true;
}

/**
 * What a center's move to a status needs besides its note: completing a certificate takes the certificate itself
 * (a PDF), completing a purchase withdrawal what the deposit-locale center paid; every other move, nothing.
 */
export type StatusNeed = 'certificate' | 'payment';
export function statusNeed(type: ApplicationType, status: CenterStatus): StatusNeed | null {
  if (status !== 'completed') return null;
  if (isCertificateType(type)) return 'certificate';
  return type === 'purchase-withdrawal' ? 'payment' : null;
}

/** Statuses a center may report next for a type without platform codes, for the workbench's buttons. */
export function nextStatuses(state: TypedState): CenterStatus[] {
  return CENTER_STATUSES.filter((status) => (statusNext(state.type)[state.status] ?? []).includes(status));
}

/** Codes that may follow a state, for the workbench's buttons. */
export function nextCodes(state: TypedState): TransferCode[] {
  return TRANSFER_CODE_LIST.filter((code) => {
    const r = applyMove(state, { by: 'center', kind: 'code', code });
    return r.ok;
  });
}
