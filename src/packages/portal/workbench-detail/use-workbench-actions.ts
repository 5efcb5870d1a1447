import Taro from '@tarojs/taro';
import { useState } from 'react';
import { TRANSFER_CODES, type CenterStatus, type TransferCode } from '../../../core/applications/state-machine';
import { STATUS_LABELS } from '../../../core/applications/status';
import type { WorkbenchView } from '../../../core/applications/views';
import { workbenchEventSchema } from '../../../core/contracts/workbench';
import type { Result } from '../../../core/errors';
import { yuanText } from '../../../core/money';
import { shanghaiDate } from '../../../core/time';
import { workbenchCalls } from '../../../services/applications';
import { openReceivedDocument, type DocumentOutcome, type PickedDocument } from '../../../services/documents';

/** The cards that send a move, each with its note and its error. */
export type MoveForm = 'advance' | 'status' | 'reject' | 'material' | 'check';

/** What the staff have typed or picked and not sent yet. */
export interface Drafts {
  advance: string;
  status: string;
  reject: string;
  material: string;
  /** What staff checked on a held co-buyer's withdrawal (已核实). */
  check: string;
  /** Why, and whom to call, sent with a status (advance or setStatus), as a center's callback may. */
  reason: string;
  contactName: string;
  contactPhone: string;
  /** What the deposit-locale center paid, entered before a purchase withdrawal is completed (kept after a move). */
  paidAmount: string;
  paidOn: string;
  /** The certificate to complete with (a PDF), picked before 已办结 is pressed. */
  certificate: PickedDocument | undefined;
}
export type TextDraft = Exclude<keyof Drafts, 'certificate'>;

/** The drafts once a move has gone through; the payment typed stays. */
const SENT: Pick<Drafts, MoveForm | 'certificate' | 'reason' | 'contactName' | 'contactPhone'> = {
  advance: '',
  status: '',
  reject: '',
  material: '',
  check: '',
  reason: '',
  contactName: '',
  contactPhone: '',
  certificate: undefined,
};
const noteOf = (text: string) => (text.trim() === '' ? undefined : text);

/** The reason and contact typed for a status, each only when something was typed (a half-filled contact is checked by the contract). */
export function statusDetailOf(drafts: Pick<Drafts, 'reason' | 'contactName' | 'contactPhone'>): { reason?: string; contact?: { name: string; phone: string } } {
  const reason = noteOf(drafts.reason);
  const contact = drafts.contactName.trim() || drafts.contactPhone.trim() ? { name: drafts.contactName, phone: drafts.contactPhone } : undefined;
  return { ...(reason ? { reason } : {}), ...(contact ? { contact } : {}) };
}

/** The first message the contract's own schema gives for an action, or nothing when it would be accepted. */
function problemOf(event: Record<string, unknown>): string | undefined {
  const parsed = workbenchEventSchema(new Date()).safeParse(event);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

/**
 * Everything the workbench detail does: the moves (checked with the contract, confirmed when they cannot be
 * undone, sent, the answer replacing the view), what completing needs as the view says, opening an attachment,
 * and the drafts, busy and error states they share.
 */
export function useWorkbenchActions(loaded: WorkbenchView) {
  const [view, setView] = useState(loaded);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<MoveForm, string>>>({});
  const [drafts, setDrafts] = useState<Drafts>(() => ({ ...SENT, paidAmount: '', paidOn: shanghaiDate(new Date()) }));
  const [attachment, setAttachment] = useState<{ opening?: string; error?: string }>({});

  const edit = (draft: TextDraft) => (value: string) => setDrafts((all) => ({ ...all, [draft]: value }));

  const act = async (form: MoveForm, event: Record<string, unknown>, send: () => Promise<Result<WorkbenchView>>, confirm?: { title: string; content: string }) => {
    const problem = problemOf(event);
    if (problem) {
      setErrors({ [form]: problem });
      return;
    }
    if (confirm) {
      const answer = await Taro.showModal({ ...confirm, confirmText: '确定', cancelText: '取消' });
      if (!answer.confirm) return;
    }
    setBusy(true);
    setErrors({});
    const result = await send();
    setBusy(false);
    if (!result.ok) {
      setErrors({ [form]: result.message });
      return;
    }
    setView(result.data);
    setDrafts((all) => ({ ...all, ...SENT }));
    void Taro.showToast({ title: '已更新', icon: 'success' });
  };

  const advance = (code: TransferCode) => {
    const message = noteOf(drafts.advance);
    const detail = statusDetailOf(drafts);
    void act('advance', { action: 'advance', id: view.id, code, message, ...detail }, () => workbenchCalls.advance(view.id, code, message, detail), {
      title: '更新办理状态',
      content: `确定将申请更新为“${code} ${TRANSFER_CODES[code].name}”？更新后将通知申请人，且不能撤回。`,
    });
  };

  const setStatus = (status: CenterStatus) => {
    const message = noteOf(drafts.status);
    const needs = status === 'completed' ? view.completionNeeds : null;
    // the function refuses a certificate completed without it; say so before asking
    if (needs === 'certificate' && !drafts.certificate) {
      setErrors({ status: '办结前请先选择出具的证明文件（PDF）' });
      return;
    }
    const document = needs === 'certificate' && drafts.certificate ? { name: drafts.certificate.name, fileId: drafts.certificate.fileId } : undefined;
    const payment = needs === 'payment' ? { amount: drafts.paidAmount.trim() === '' ? Number.NaN : Number(drafts.paidAmount), paidOn: drafts.paidOn.trim() } : undefined;
    const told = document ? `证明文件“${document.name}”将送达申请人，` : payment && Number.isFinite(payment.amount) ? `将告知申请人已支付 ${yuanText(payment.amount)}，` : '更新后将通知申请人，';
    const detail = statusDetailOf(drafts);
    void act('status', { action: 'setStatus', id: view.id, status, message, document, payment, ...detail }, () => workbenchCalls.setStatus(view.id, status, { message, document, payment, ...detail }), {
      title: '更新办理状态',
      content: `确定将申请更新为“${STATUS_LABELS[status]}”？${told}且不能撤回。`,
    });
  };

  const reject = () =>
    void act('reject', { action: 'reject', id: view.id, reason: drafts.reject }, () => workbenchCalls.reject(view.id, drafts.reject), {
      title: '不予受理',
      content: '确定不予受理这份申请？申请人将收到您填写的理由，且不能撤回。',
    });

  const requestMaterial = () =>
    void act('material', { action: 'requestMaterial', id: view.id, message: drafts.material }, () => workbenchCalls.requestMaterial(view.id, drafts.material));

  const checkContract = () =>
    void act('check', { action: 'checkContract', id: view.id, note: drafts.check }, () => workbenchCalls.checkContract(view.id, drafts.check), {
      title: '核实',
      content: '确定已核实这笔申请与同一合同的其他申请不重复支付？核实记录将留存备查，且不能撤回。',
    });

  /** Keeps the picked certificate, or says why it was refused. */
  const pickCertificate = (outcome: DocumentOutcome<PickedDocument> | undefined) => {
    if (!outcome) return;
    setDrafts((all) => ({ ...all, certificate: outcome.ok ? outcome.data : undefined }));
    setErrors(outcome.ok ? {} : { status: outcome.message });
  };

  /** Opens an attachment after checking it against the sha256 the view listed; the function logs the opening. */
  const openAttachment = async (attachmentId: string, sha256: string) => {
    setAttachment({ opening: attachmentId });
    const got = await workbenchCalls.attachment(view.id, attachmentId);
    const opened = got.ok ? await openReceivedDocument(got.data, sha256) : got;
    setAttachment(opened.ok ? {} : { error: opened.message });
  };

  return { view, busy, errors, drafts, edit, attachment, advance, setStatus, reject, requestMaterial, checkContract, pickCertificate, openAttachment };
}
