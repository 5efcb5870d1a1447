import { z } from 'zod';
import { DOCUMENT_MAX_BYTES } from './center-api';
import { ChangeIdSchema } from './center-portal';
import { CalendarStatusEventSchema, CalendarYearEventSchema, LoadCalendarYearSchema, ReplaceCalendarYearSchema } from './calendar';
import { CenterCodeSchema, CenterCounterSchema, ITEM_ROUTES } from './centers';
import { AMOUNT_MAX, decimal2, pastDate, PaymentSchema, type Payment } from './money';
import { DisplayNameSchema, roleTargetIssue, roleTargetShape } from './roles';
import { textField } from './validation';


/**
 * In-app applications: what the employee asks, which centers take part, the state machine every actor
 * (employee, relay, center API, center workbench) goes through, and the transfer-continuation platform codes.
 */
export const APPLICATION_STATUSES = ['submitted', 'delivered', 'accepted', 'verified', 'processing', 'completed', 'rejected', 'withdrawn', 'failed'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const STATUS_LABELS: Record<ApplicationStatus, string> = {
  submitted: '已提交',
  delivered: '已送达中心',
  accepted: '已受理',
  verified: '购房核验通过',
  processing: '办理中',
  completed: '已办结',
  rejected: '不予受理',
  withdrawn: '已撤销',
  failed: '办理失败',
};

/** Statuses after which nothing changes any more. */
export const FINAL_STATUSES: readonly ApplicationStatus[] = ['completed', 'rejected', 'withdrawn', 'failed'];
export const isFinal = (status: ApplicationStatus) => FINAL_STATUSES.includes(status);
/** Statuses in which an application awaits the responsible center's acceptance: its acceptance limit runs (and may move) only then. */
export const AWAITING_ACCEPTANCE_STATUSES: readonly ApplicationStatus[] = ['submitted', 'delivered'];
export const awaitsAcceptance = (status: ApplicationStatus) => AWAITING_ACCEPTANCE_STATUSES.includes(status);

/** Certificates handled 代收代办: item 8 (贷款全部还清证明) and item 2 (缴存使用证明). */
export const CERTIFICATE_TYPES = ['certificate-loan-cleared', 'certificate-deposit-use'] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];
export const isCertificateType = (value: unknown): value is CertificateType => typeof value === 'string' && (CERTIFICATE_TYPES as readonly string[]).includes(value);

export const APPLICATION_TYPES = ['transfer', ...CERTIFICATE_TYPES, 'purchase-withdrawal', 'service-request'] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];
export const TYPE_LABELS: Record<ApplicationType, string> = {
  transfer: '异地转移接续',
  'certificate-loan-cleared': '个人住房贷款全部还清证明',
  'certificate-deposit-use': '贷款职工住房公积金缴存使用证明',
  'purchase-withdrawal': '购房提取住房公积金',
  'service-request': '跨省通办事项在线申请',
};
/** The cross-province item each certificate type is (items.ts). */
export const CERTIFICATE_ITEMS: Record<CertificateType, 2 | 8> = { 'certificate-loan-cleared': 8, 'certificate-deposit-use': 2 };

/** The part a center plays in an application; the responsible one receives the delivery. */
export const CENTER_ROLES = ['transfer-in', 'transfer-out', 'business', 'accepting', 'purchase', 'deposit'] as const;
export type CenterRole = (typeof CENTER_ROLES)[number];
export const CENTER_ROLE_LABELS: Record<CenterRole, string> = {
  'transfer-in': '转入地中心',
  'transfer-out': '转出地中心',
  business: '业务属地中心（出具证明）',
  accepting: '受理地中心',
  purchase: '购房地中心（核验购房）',
  deposit: '缴存地中心（办理提取）',
};

/** Working days the transfer-in center has to accept (national operating rules). */
export const TRANSFER_ACCEPT_WORKING_DAYS = 3;
/** Working days a purchase withdrawal should take from submission to payment (跨省通办 service standard). */
export const PURCHASE_TARGET_WORKING_DAYS = 7;

/** Mainland mobile number. */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
export const EMPLOYER_MAX = 100;
export const ACCOUNT_PATTERN = /^[0-9A-Za-z-]{4,32}$/;
/** The client's idempotency key for one submission. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const APPLICATION_ID_PATTERN = /^[a-z0-9]{8,40}$/;

const centerCode = (label: string) =>
  z.string({ error: `请选择${label}` }).regex(/^\d{6}$/, `${label}代码应为 6 位数字`);
const employer = (label: string) =>
  textField(label)
    .min(2, `请填写${label}全称`)
    .max(EMPLOYER_MAX, `${label}不超过 ${EMPLOYER_MAX} 个字`);
const account = (label: string) => z.string({ error: `请填写${label}` }).trim().regex(ACCOUNT_PATTERN, `${label}应为 4 至 32 位数字或字母`);

const phone = z.string({ error: '请填写手机号码' }).trim().regex(PHONE_PATTERN, '手机号码应为 11 位中国大陆手机号');

export const TransferPayloadSchema = z
  .object({
    transferOutCenter: centerCode('转出地中心'),
    transferInCenter: centerCode('转入地中心'),
    formerEmployer: employer('原单位名称'),
    formerAccount: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), account('原个人账号').optional()),
    newEmployer: employer('现单位名称'),
    newAccount: account('现个人账号'),
    phone,
  })
  .refine((p) => p.transferOutCenter !== p.transferInCenter, {
    path: ['transferInCenter'],
    message: '转入地中心与转出地中心不能相同',
  });
export type TransferPayload = z.infer<typeof TransferPayloadSchema>;

/** A certificate: issued by the business-locale center (where the loan or deposit is), accepted where the person is. */
export const CertificatePayloadSchema = z
  .object({
    businessCenter: centerCode('业务属地中心'),
    acceptingCenter: centerCode('受理地中心'),
    phone,
  })
  .refine((p) => p.businessCenter !== p.acceptingCenter, {
    path: ['acceptingCenter'],
    message: '受理地中心与业务属地中心相同时，请直接向该中心申请',
  });
export type CertificatePayload = z.infer<typeof CertificatePayloadSchema>;

const text = (label: string, min: number, max: number) =>
  textField(label)
    .min(min, `请填写${label}`)
    .max(max, `${label}不超过 ${max} 个字`);
/** What the employee attaches to a purchase withdrawal, and how many of them. */
export const ATTACHMENT_KINDS = ['contract', 'invoice'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];
export const ATTACHMENT_KIND_LABELS: Record<AttachmentKind, string> = { contract: '购房合同', invoice: '购房发票' };
export const ATTACHMENTS_MAX = 4;
/**
 * A file the person uploaded before submitting: `uploads/<24 random characters>` on the local host, the same
 * path inside a CloudBase fileID when deployed. The random part is the capability: only the uploader knows it.
 */
export const UPLOAD_ID_PATTERN = /^(cloud:\/\/[A-Za-z0-9._-]+\/)?uploads\/[a-z0-9]{24}$/;
export const AREA_MAX = 10_000;
export const BANK_ACCOUNT_PATTERN = /^\d{12,30}$/;

export const AttachmentRefSchema = z.object({
  kind: z.enum(ATTACHMENT_KINDS, { error: '附件类别应为购房合同或购房发票' }),
  fileId: z.string({ error: '附件未上传成功，请重新选择' }).regex(UPLOAD_ID_PATTERN, '附件未上传成功，请重新选择'),
  name: text('附件文件名', 1, 100),
});
export type AttachmentRef = z.infer<typeof AttachmentRefSchema>;

/**
 * 购房提取 (item 7, 两地联办): the purchase-locale center verifies the purchase, the deposit-locale center
 * pays into the person's own bank account. The requested amount may not exceed the price.
 */
export const PurchaseWithdrawalPayloadSchema = z
  .object({
    purchaseCenter: centerCode('购房地中心'),
    depositCenter: centerCode('缴存地中心'),
    house: z.object({
      address: text('房屋坐落地址', 5, 100),
      contractNumber: z
        .string({ error: '请填写购房合同编号' })
        .trim()
        .regex(/^[\p{L}\p{N}()（）〔〕\[\]-]{4,40}$/u, '购房合同编号应为 4 至 40 位文字、数字或连字符'),
      purchaseDate: pastDate('购房日期'),
      price: decimal2('购房总价（元）', AMOUNT_MAX),
      area: decimal2('建筑面积（平方米）', AREA_MAX),
      seller: text('售房方名称', 2, 100),
    }),
    bank: z.object({
      accountName: text('收款户名', 2, 50),
      bankName: text('开户银行', 4, 50),
      accountNumber: z.string({ error: '请填写银行账号' }).trim().regex(BANK_ACCOUNT_PATTERN, '银行账号应为 12 至 30 位数字'),
    }),
    amount: decimal2('申请提取金额（元）', AMOUNT_MAX),
    phone,
    attachments: z.array(AttachmentRefSchema, { error: '请上传购房合同和购房发票' }).max(ATTACHMENTS_MAX, `附件最多 ${ATTACHMENTS_MAX} 个`),
  })
  .superRefine((p, ctx) => {
    if (p.purchaseCenter === p.depositCenter) ctx.addIssue({ code: 'custom', path: ['depositCenter'], message: '购房地与缴存地为同一中心时，请直接向该中心申请' });
    if (p.amount > p.house.price) ctx.addIssue({ code: 'custom', path: ['amount'], message: '申请提取金额不能超过购房总价' });
    for (const kind of ATTACHMENT_KINDS) {
      if (!p.attachments.some((a) => a.kind === kind)) ctx.addIssue({ code: 'custom', path: ['attachments'], message: `请上传${ATTACHMENT_KIND_LABELS[kind]}` });
    }
  });
export type PurchaseWithdrawalPayload = z.infer<typeof PurchaseWithdrawalPayloadSchema>;

/** An attachment as kept with the application (sealed at rest), once checked by content. */
export interface StoredAttachment {
  id: string;
  kind: AttachmentKind;
  name: string;
  contentType: string;
  sha256: string;
  size: number;
  storageKey: string;
}
/** The purchase withdrawal as stored: the uploads replaced by the checked, sealed attachments. */
export type StoredPurchaseWithdrawal = Omit<PurchaseWithdrawalPayload, 'attachments'> & { attachments: StoredAttachment[] };

/** Items 4-6 where the center takes an in-app request instead of (or before) a full online channel. */
export const SERVICE_REQUEST_ITEMS = [4, 5, 6] as const;
export const DESCRIPTION_MAX = 200;
export const ServiceRequestPayloadSchema = z.object({
  center: centerCode('办理中心'),
  item: z.union([z.literal(4), z.literal(5), z.literal(6)], { error: '这项业务不能在线申请' }),
  phone,
  description: textField('办理事项说明', { multiline: true }).min(2, '请填写办理事项说明').max(DESCRIPTION_MAX, `办理事项说明不超过 ${DESCRIPTION_MAX} 个字`),
});
export type ServiceRequestPayload = z.infer<typeof ServiceRequestPayloadSchema>;

const applicationId = z.string({ error: '缺少申请编号' }).regex(APPLICATION_ID_PATTERN, '申请编号格式不正确');
const requestId = z.string({ error: '缺少请求编号' }).regex(REQUEST_ID_PATTERN, '请求编号应为 8 至 64 位字母、数字、下划线或连字符');

/** 好差评: five grades, and what a grade this low or lower asks of the person (a reason) and the center (a follow-up). */
export const RATING_LABELS = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' } as const;
export type RatingScore = keyof typeof RATING_LABELS;
export const RATING_SCORES: readonly RatingScore[] = [5, 4, 3, 2, 1];
export const FOLLOW_UP_AT_OR_BELOW = 2;
export const COMMENT_MAX = 200;
/** Statuses after which a case can be rated: it ended with the center's answer (a withdrawal is the person's own). */
export const RATABLE: readonly ApplicationStatus[] = ['completed', 'rejected', 'failed'];

const RateEventSchema = z
  .object({
    action: z.literal('rate'),
    id: applicationId,
    score: z.number({ error: '请选择评价等级' }).int('评价等级应为 1 至 5').min(1, '评价等级应为 1 至 5').max(5, '评价等级应为 1 至 5'),
    comment: textField('评价内容', { missing: '评价内容应为文字', multiline: true }).max(COMMENT_MAX, `评价内容不超过 ${COMMENT_MAX} 个字`).optional(),
  })
  .refine((e) => e.score > FOLLOW_UP_AT_OR_BELOW || (e.comment ?? '').length >= 2, {
    path: ['comment'],
    message: '评价为不满意时，请写明原因，中心将回访处理',
  });

export const ApplicationsEventSchema = z.discriminatedUnion(
  'action',
  [
    z.discriminatedUnion(
      'type',
      [
        z.object({ action: z.literal('submit'), type: z.literal('transfer'), requestId, payload: TransferPayloadSchema }),
        z.object({ action: z.literal('submit'), type: z.enum(CERTIFICATE_TYPES), requestId, payload: CertificatePayloadSchema }),
        z.object({ action: z.literal('submit'), type: z.literal('purchase-withdrawal'), requestId, payload: PurchaseWithdrawalPayloadSchema }),
        z.object({ action: z.literal('submit'), type: z.literal('service-request'), requestId, payload: ServiceRequestPayloadSchema }),
      ],
      { error: '不支持的申请类型' },
    ),
    z.object({ action: z.literal('list') }),
    z.object({ action: z.literal('get'), id: applicationId }),
    z.object({ action: z.literal('withdraw'), id: applicationId }),
    RateEventSchema,
    z.object({ action: z.literal('document'), id: applicationId, documentId: z.string({ error: '缺少文件编号' }).regex(/^[a-f0-9]{20}$/, '文件编号格式不正确') }),
  ],
  { error: '不支持的操作' },
);
export type ApplicationsEvent = z.infer<typeof ApplicationsEventSchema>;

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
      const paying = current.type === 'purchase-withdrawal' && move.status === 'completed';
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

/** The employee's steps, in order, per type; a finished application may end off them (失败, 已撤销, 不予受理). */
export const TRANSFER_STEPS = ['提交', '送达中心', '受理', '转出地确认', '协商中', '办结'] as const;
export const CERTIFICATE_STEPS = ['提交', '送达中心', '受理', '出具证明', '办结'] as const;
export const PURCHASE_STEPS = ['提交', '送达中心', '购房地核验', '缴存地办理', '办结'] as const;
export const SERVICE_STEPS = ['提交', '送达中心', '受理', '办理中', '办结'] as const;
export type StepName =
  | (typeof TRANSFER_STEPS)[number]
  | (typeof CERTIFICATE_STEPS)[number]
  | (typeof PURCHASE_STEPS)[number]
  | (typeof SERVICE_STEPS)[number]
  | '失败'
  | '已撤销'
  | '不予受理';
export function stepsOf(type: ApplicationType): readonly StepName[] {
  if (type === 'transfer') return TRANSFER_STEPS;
  if (type === 'purchase-withdrawal') return PURCHASE_STEPS;
  if (type === 'service-request') return SERVICE_STEPS;
  return CERTIFICATE_STEPS;
}

/** The step the employee sees for a state of an application of `type`. */
export function stepOf(type: ApplicationType, state: ApplicationState): StepName {
  if (type === 'purchase-withdrawal') {
    if (state.status === 'accepted') return '购房地核验';
    if (state.status === 'verified' || state.status === 'processing') return '缴存地办理';
  }
  if (type === 'service-request' && state.status === 'processing') return '办理中';
  if (type !== 'transfer' && state.status === 'processing') return '出具证明';
  switch (state.status) {
    case 'submitted':
      return '提交';
    case 'delivered':
      return '送达中心';
    case 'accepted':
    case 'verified':
      return '受理';
    case 'processing':
      return state.platformCode === '06' || state.platformCode === '13' ? '协商中' : '转出地确认';
    case 'completed':
      return '办结';
    case 'failed':
      return '失败';
    case 'withdrawn':
      return '已撤销';
    case 'rejected':
      return '不予受理';
  }
}

/** One line of the timeline the employee and the center see. */
export interface TimelineEntry {
  at: string;
  /** employee | relay | center | staff | platform (the official calendar moved a time limit) */
  actor: 'employee' | 'relay' | 'center' | 'staff' | 'platform';
  step: StepName;
  status: ApplicationStatus;
  platformCode: TransferCode | null;
  centerCode: string | null;
  message: string;
}

export interface DocumentView {
  id: string;
  name: string;
  contentType: string;
  sha256: string;
  size: number;
}

/** What `applications.get` answers: nothing personal beyond masks. */
export interface ApplicationView {
  id: string;
  type: ApplicationType;
  status: ApplicationStatus;
  platformCode: TransferCode | null;
  step: StepName;
  letterNumber: string | null;
  centers: { code: string; name: string; role: CenterRole; phone: string }[];
  /** The form as submitted, personal fields masked. */
  summary: { label: string; value: string }[];
  events: TimelineEntry[];
  documents: DocumentView[];
  /** The date (China) by which the responsible center must accept, and whether it has passed unaccepted. */
  acceptBy: string;
  /** Whether `acceptBy` falls in a year whose State Council arrangement is not loaded: counted on weekends only, shown as 预计. */
  acceptByProvisional: boolean;
  acceptOverdue: boolean;
  canWithdraw: boolean;
  /** The person's rating once given; `canRate` while the case has ended and is not rated yet. */
  rating: RatingView | null;
  canRate: boolean;
  /** What the deposit-locale center paid (purchase withdrawals), once it has. */
  payment: Payment | null;
  /** A completion target (purchase withdrawals: 7 working days), and whether it passed unfinished. */
  target: { by: string; overdue: boolean } | null;
  /** Whether `target.by` is an estimate (as acceptByProvisional); false without a target. */
  targetProvisional: boolean;
  /** The person's own attachments: names and sizes only. */
  attachments: { kind: AttachmentKind; name: string; contentType: string; size: number }[];
  createdAt: string;
}

export interface RatingView {
  score: RatingScore;
  label: string;
  comment: string | null;
  at: string;
}

/** A low rating the center follows up in its workbench. */
export interface FollowUpView {
  applicationId: string;
  type: ApplicationType;
  letterNumber: string | null;
  rating: RatingView;
  status: 'open' | 'closed';
  note: string | null;
}

export interface ApplicationListEntry {
  id: string;
  type: ApplicationType;
  status: ApplicationStatus;
  step: StepName;
  letterNumber: string | null;
  responsibleCenter: { code: string; name: string };
  acceptOverdue: boolean;
  createdAt: string;
}

export const REASON_MAX = 200;
const reason = (label: string) => textField(label, { multiline: true }).min(2, `请填写${label}`).max(REASON_MAX, `${label}不超过 ${REASON_MAX} 个字`);

/** What center staff do in the workbench; the same state machine as the center API. */
export const WorkbenchEventSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('list') }),
    z.object({ action: z.literal('get'), id: applicationId }),
    z.object({
      action: z.literal('advance'),
      id: applicationId,
      code: z.string({ error: '请选择办理状态' }).refine(isTransferCode, '不是有效的办理状态代码'),
      message: reason('办理说明').optional(),
    }),
    z.object({ action: z.literal('reject'), id: applicationId, reason: reason('不予受理的理由') }),
    z.object({ action: z.literal('requestMaterial'), id: applicationId, message: reason('需补充的材料') }),
    z.object({
      action: z.literal('setStatus'),
      id: applicationId,
      status: z.enum(CENTER_STATUSES, { error: '请选择办理状态' }),
      message: reason('办理说明').optional(),
      /** The certificate, required to complete a certificate application: a PDF as base64. */
      document: z
        .object({
          name: textField('文件名', { missing: '缺少文件名' }).min(1, '缺少文件名').max(100, '文件名不超过 100 个字符'),
          contentBase64: textField('文件内容', { missing: '缺少文件内容', trim: false }).min(1, '缺少文件内容').max(Math.ceil(DOCUMENT_MAX_BYTES / 3) * 4, '文件不超过 10 MB'),
        })
        .optional(),
      /** What the deposit-locale center paid, required to complete a purchase withdrawal. */
      payment: PaymentSchema.optional(),
    }),
    /** An attachment of the application, opened by staff of a center taking part (each opening is logged). */
    z.object({ action: z.literal('attachment'), id: applicationId, attachmentId: z.string({ error: '缺少附件编号' }).regex(/^[a-f0-9]{20}$/, '附件编号格式不正确') }),
    z.object({ action: z.literal('followUps') }),
    z.object({ action: z.literal('closeFollowUp'), id: applicationId, note: reason('回访处理情况') }),
  ],
  { error: '不支持的操作' },
);
export type WorkbenchEvent = z.infer<typeof WorkbenchEventSchema>;

/** A line of the workbench list: the applicant's name masked even here; the full record is a logged view. */
export interface WorkbenchEntry extends ApplicationListEntry {
  role: CenterRole;
  applicantMasked: string;
  acceptBy: string;
  /** As ApplicationView.acceptByProvisional. */
  acceptByProvisional: boolean;
}

/** One application as its center's staff see it: everything in full (each view is logged), and what they may do next. */
export interface WorkbenchView extends ApplicationView {
  role: CenterRole;
  applicant: { name: string; docType: string; docNumber: string };
  form: { label: string; value: string }[];
  /** Codes the staff may set now (transfers; the responsible center only). */
  nextCodes: TransferCode[];
  /** Statuses the staff may set now (types without codes; the responsible center only); completing a certificate needs the PDF, a purchase withdrawal the payment. */
  nextStatuses: CenterStatus[];
  /** The attachments with their ids, for staff to open. */
  attachmentFiles: { id: string; kind: AttachmentKind; name: string; contentType: string; size: number; sha256: string }[];
  canReject: boolean;
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

/** Supervisors' actions on centers: endpoints, service halls and routes, staff invites, review of centers' changes, health. */
export const AdminEventSchema = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('setEndpoint'),
      centerCode: z.string({ error: '请提供中心代码' }).regex(/^\d{6}$/, '中心代码应为 6 位数字'),
      url: textField('接口地址').url('接口地址不是有效的网址'),
      // left out: the center's secrets stay; given: it replaces them
      secret: z.string({ error: '签名密钥应为文字' }).regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, '签名密钥应为 whsec_ 开头的 base64 串').optional(),
    }),
    z.object({ action: z.literal('setManual'), centerCode: z.string({ error: '请提供中心代码' }).regex(/^\d{6}$/, '中心代码应为 6 位数字') }),
    z.object({ action: z.literal('deadLetters') }),
    z.object({ action: z.literal('satisfaction') }),
    // the center's service hall, shown wherever the counter is the way (until the center portal takes this over)
    z.object({ action: z.literal('setCounter'), centerCode: CenterCodeSchema, ...CenterCounterSchema.shape }),
    // the route of an item the center does not yet offer fully online; a registered link gives way to it
    z.object({
      action: z.literal('setItemRoute'),
      centerCode: CenterCodeSchema,
      item: z.literal(SERVICE_REQUEST_ITEMS, { error: '办理事项应为 4（单位登记开户）、5（缴存信息变更）或 6（提前还清贷款）' }),
      route: z.enum(ITEM_ROUTES, { error: '办理方式应为 in-app（小程序内在线申请）或 counter（到服务大厅办理）' }),
    }),
    // center onboarding (issue 6): an invite code that makes its first user staff of the center
    z.object({ action: z.literal('inviteStaff'), centerCode: CenterCodeSchema }),
    // the work orders of centers' links and endpoints
    z.object({ action: z.literal('pendingChanges') }),
    z
      .object({
        action: z.literal('reviewChange'),
        id: ChangeIdSchema,
        approve: z.boolean({ error: '请选择通过或不通过' }),
        reason: reason('审核意见').optional(),
      })
      .refine((e) => e.approve || e.reason !== undefined, { path: ['reason'], message: '不通过时请写明理由' }),
    z.object({ action: z.literal('centerHistory'), centerCode: CenterCodeSchema }),
    z.object({ action: z.literal('linkHealth') }),
    // roles (issue 11): supervisors list, revoke and grant again staff, testers and supervisors, each audited
    z.object({ action: z.literal('roles') }),
    z.object({ action: z.literal('revokeRole'), ...roleTargetShape }).superRefine((e, ctx) => {
      const issue = roleTargetIssue(e);
      if (issue) ctx.addIssue({ code: 'custom', ...issue });
    }),
    z.object({ action: z.literal('grantRole'), ...roleTargetShape, displayName: DisplayNameSchema.optional() }).superRefine((e, ctx) => {
      const issue = roleTargetIssue(e);
      if (issue) ctx.addIssue({ code: 'custom', ...issue });
    }),
    // the official calendar (issue 12): each year's State Council arrangement, loaded and replaced by supervisors
    CalendarStatusEventSchema,
    CalendarYearEventSchema,
    LoadCalendarYearSchema,
    ReplaceCalendarYearSchema,
  ],
  { error: '不支持的操作' },
);
export type AdminEvent = z.infer<typeof AdminEventSchema>;

/** A delivery the relay gave up on, for supervisors. */
export interface DeadLetterView {
  outboxId: string;
  applicationId: string;
  centerCode: string;
  centerName: string;
  type: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

/** 好差评 per center for the statistics: how many ratings of each grade, and the share of 满意 and 非常满意. */
export interface SatisfactionView {
  centerCode: string;
  centerName: string;
  count: number;
  byScore: Record<RatingScore, number>;
  /** (4 + 5) / count, rounded to a tenth of a percent. */
  satisfiedPercent: number;
}
