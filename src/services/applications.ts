import Taro from '@tarojs/taro';
import type { CertificatePayload, PurchaseWithdrawalPayload, ServiceRequestPayload, TransferPayload } from '../core/applications/payloads';
import type { FixScore } from '../core/applications/follow-up-clock';
import type { CenterStatus, TransferCode } from '../core/applications/state-machine';
import type { CertificateType, RatingScore } from '../core/applications/status';
import type { ApplicationListEntry, ApplicationView, FollowUpView, TransferFormValues, WorkbenchEntry, WorkbenchView } from '../core/applications/views';
import type { CodeReads, ShownCode } from '../core/certificate-code';
import type { FileLink } from '../core/files';
import type { Payment } from '../core/money';
import { callFunction } from './cloud';
import { isWeapp } from './platform';

/** The typed calls of the `applications` function, for the employee's transfer, list and detail pages. */
export const applicationCalls = {
  /** A repeated `requestId` answers the id of the application it already made. */
  submit: (requestId: string, payload: TransferPayload) =>
    callFunction<{ id: string }>('applications', { action: 'submit', type: 'transfer', requestId, payload }),
  list: () => callFunction<ApplicationListEntry[]>('applications', { action: 'list' }),
  get: (id: string) => callFunction<ApplicationView>('applications', { action: 'get', id }),
  withdraw: (id: string) => callFunction<ApplicationView>('applications', { action: 'withdraw', id }),
  /** The form of one's own transfer as filled in, to apply again from it (重新申请 after a refusal). */
  formValues: (id: string) => callFunction<TransferFormValues>('applications', { action: 'formValues', id }),
  /**
   * 好差评 of an ended case, once. A score at or below FOLLOW_UP_AT_OR_BELOW needs the reason as `comment`
   * (VALIDATION_FAILED with `fields.comment` otherwise); answers the view with `rating` set.
   */
  rate: (id: string, score: RatingScore, comment?: string) =>
    callFunction<ApplicationView>('applications', comment ? { action: 'rate', id, score, comment } : { action: 'rate', id, score }),
  /** The person's rating of the center's fix of their 差评, once it is 已整改, once; answers the view. */
  rateFix: (id: string, score: FixScore) => callFunction<ApplicationView>('applications', { action: 'rateFix', id, score }),
  /** A certificate (代收代办); a repeated `requestId` answers the id of the application it already made. */
  submitCertificate: (type: CertificateType, requestId: string, payload: CertificatePayload) =>
    callFunction<{ id: string }>('applications', { action: 'submit', type, requestId, payload }),
  /** An in-app request for item 4, 5 or 6 at a center without a full online channel for it; a repeated `requestId` answers the id it already made. */
  submitServiceRequest: (requestId: string, payload: ServiceRequestPayload) =>
    callFunction<{ id: string }>('applications', { action: 'submit', type: 'service-request', requestId, payload }),
  /** 购房提取 (两地联办) with its uploaded attachments; a repeated `requestId` answers the id it already made. */
  submitPurchase: (requestId: string, payload: PurchaseWithdrawalPayload) =>
    callFunction<{ id: string }>('applications', { action: 'submit', type: 'purchase-withdrawal', requestId, payload }),
  /** A link to one result document of the caller's own application (10 minutes, the caller only); check what arrives against the view's sha256. */
  document: (id: string, documentId: string) => callFunction<FileLink>('applications', { action: 'document', id, documentId }),
  /** The certificate code (亮码): IDENTITY_REQUIRED when the identity was checked more than 24 hours ago. */
  showCode: (id: string) => callFunction<ShownCode>('applications', { action: 'showCode', id }),
  codeReads: (id: string) => callFunction<CodeReads>('applications', { action: 'codeReads', id }),
  revokeCode: (id: string) => callFunction<CodeReads>('applications', { action: 'revokeCode', id }),
  allowCodeRead: (id: string) => callFunction<CodeReads>('applications', { action: 'allowCodeRead', id }),
};

/** The typed calls of the `workbench` function: center staff only, everyone else is refused (FORBIDDEN). */
/** What staff may give with a status, as a center's callback may: why, and whom the person can call. */
type StatusDetail = { reason?: string; contact?: { name: string; phone: string } };

export const workbenchCalls = {
  list: () => callFunction<WorkbenchEntry[]>('workbench', { action: 'list' }),
  /** The full applicant record; the function logs each view. */
  get: (id: string) => callFunction<WorkbenchView>('workbench', { action: 'get', id }),
  /** A transfer's next code, with the note, and the reason and whom to call the person sees beside the step. */
  advance: (id: string, code: TransferCode, message?: string, detail: StatusDetail = {}) =>
    callFunction<WorkbenchView>('workbench', { action: 'advance', id, code, ...(message ? { message } : {}), ...detail }),
  reject: (id: string, reason: string) => callFunction<WorkbenchView>('workbench', { action: 'reject', id, reason }),
  requestMaterial: (id: string, message: string) => callFunction<WorkbenchView>('workbench', { action: 'requestMaterial', id, message }),
  /** 已核实 on a co-buyer's withdrawal held for the centers, with what was checked; the function audits it. */
  checkContract: (id: string, note: string) => callFunction<WorkbenchView>('workbench', { action: 'checkContract', id, note }),
  /** Low ratings of this center's cases, open ones first. */
  followUps: () => callFunction<FollowUpView[]>('workbench', { action: 'followUps' }),
  /** Records how the low rating of application `id` was followed up; answers the updated follow-ups. */
  closeFollowUp: (id: string, note: string) => callFunction<FollowUpView[]>('workbench', { action: 'closeFollowUp', id, note }),
  /** 整改完成 after the call-back, with what was put right; answers the updated follow-ups. */
  fixFollowUp: (id: string, note: string) => callFunction<FollowUpView[]>('workbench', { action: 'fixFollowUp', id, note }),
  /** The person's full phone for the call (拨打), audited by the function. */
  followUpPhone: (id: string) => callFunction<{ phone: string }>('workbench', { action: 'followUpPhone', id }),
  /**
   * The status of a type without platform codes (certificates). Completing a certificate needs `document`,
   * a PDF uploaded first (readPickedFile / chooseChatPdf), named by its fileId (VALIDATION_FAILED with `fields.document` otherwise).
   */
  setStatus: (id: string, status: CenterStatus, options: { message?: string; document?: { name: string; fileId: string }; payment?: Payment } & StatusDetail = {}) =>
    callFunction<WorkbenchView>('workbench', {
      action: 'setStatus',
      id,
      status,
      ...(options.message ? { message: options.message } : {}),
      ...(options.document ? { document: options.document } : {}),
      ...(options.payment ? { payment: options.payment } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.contact ? { contact: options.contact } : {}),
    }),
  /** A link to an attachment of the application (purchase contract, invoice) for staff; the function logs each opening. */
  attachment: (id: string, attachmentId: string) => callFunction<FileLink>('workbench', { action: 'attachment', id, attachmentId }),
};

/**
 * A fresh idempotency key for one submission (matches REQUEST_ID_PATTERN). It only has to be unique per
 * person, so time plus randomness is enough; no crypto API is needed on either platform.
 */
export function newRequestId(): string {
  const random = () => Math.random().toString(36).slice(2, 10).padEnd(8, '0');
  return `r${Date.now().toString(36)}${random()}${random()}`;
}

/**
 * In WeChat, asks once per submission to be notified of status changes. A refusal, or an old WeChat,
 * changes nothing: the status is always on 我的申请.
 */
export async function requestStatusNotice(): Promise<void> {
  if (!isWeapp || !STATUS_TEMPLATE_ID) return;
  try {
    // Taro's types require alipay's entityIds on every platform; WeChat takes tmplIds only
    const option = { tmplIds: [STATUS_TEMPLATE_ID] } as Taro.requestSubscribeMessage.Option;
    await Taro.requestSubscribeMessage(option);
  } catch {
    // refused or unsupported: submitting goes on
  }
}
