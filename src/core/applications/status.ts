/**
 * In-app applications: their statuses, the types of application, the part each center plays, the time limits
 * and 好差评's grades.
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

/** Statuses that end a case without it being done: drawn as destructive, never like the next step. */
export const STOPPED_STATUSES: readonly ApplicationStatus[] = ['rejected', 'withdrawn', 'failed'];

/** Statuses after which nothing changes any more. */
export const FINAL_STATUSES: readonly ApplicationStatus[] = ['completed', 'rejected', 'withdrawn', 'failed'];
export const isFinal = (status: ApplicationStatus) => FINAL_STATUSES.includes(status);
/** Statuses in which an application awaits the responsible center's acceptance: its acceptance limit runs (and may move) only then. */
export const AWAITING_ACCEPTANCE_STATUSES: readonly ApplicationStatus[] = ['submitted', 'delivered'];
export const awaitsAcceptance = (status: ApplicationStatus) => AWAITING_ACCEPTANCE_STATUSES.includes(status);
/** Statuses a center moves an application to once it has accepted it (a test case passes when it reaches one in time). */
export const ACCEPTED_STATUSES: readonly ApplicationStatus[] = ['accepted', 'verified', 'processing', 'completed'];

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

/** 好差评: five grades, and what a grade this low or lower asks of the person (a reason) and the center (a follow-up). */
export const RATING_LABELS = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' } as const;
export type RatingScore = keyof typeof RATING_LABELS;
export const RATING_SCORES: readonly RatingScore[] = [5, 4, 3, 2, 1];
export const FOLLOW_UP_AT_OR_BELOW = 2;
export const COMMENT_MAX = 200;
/** Statuses after which a case can be rated: it ended with the center's answer (a withdrawal is the person's own). */
export const RATABLE: readonly ApplicationStatus[] = ['completed', 'rejected', 'failed'];
