import { Input, Text, Textarea, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { ATTACHMENT_KIND_LABELS } from '../../../core/applications/payloads';
import { TRANSFER_CODES, type CenterStatus, type TransferCode } from '../../../core/applications/state-machine';
import { CENTER_ROLE_LABELS, isCertificateType, isFinal, PURCHASE_TARGET_WORKING_DAYS, STATUS_LABELS, TYPE_LABELS } from '../../../core/applications/status';
import type { WorkbenchView } from '../../../core/applications/views';
import { REASON_MAX } from '../../../core/contracts/fields';
import { WorkbenchEventSchema } from '../../../core/contracts/workbench';
import type { Result } from '../../../core/errors';
import { DOC_TYPES } from '../../../core/identity';
import { yuanText } from '../../../core/money';
import { formatShanghai, shanghaiDate } from '../../../core/time';
import { ActionButton } from '../../../components/action-button';
import { DateText, ProvisionalNote } from '../../../components/provisional-date';
import { StateView } from '../../../components/state-view';
import { Timeline } from '../../../components/timeline';
import { workbenchCalls } from '../../../services/applications';
import { chooseChatPdf, openReceivedDocument, readPickedFile, type DocumentOutcome, type PickedDocument } from '../../../services/documents';
import { isH5 } from '../../../services/platform';
import { useCall } from '../../../services/use-call';
import './index.scss';

type Form = 'advance' | 'status' | 'reject' | 'material';

const docTypeLabel = (docType: string) => (docType in DOC_TYPES ? DOC_TYPES[docType as keyof typeof DOC_TYPES] : docType);

/** The first message the contract's own schema gives for an action, or nothing when it would be accepted. */
function problemOf(event: Record<string, unknown>): string | undefined {
  const parsed = WorkbenchEventSchema.safeParse(event);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

function Rows({ id, rows }: { id: string; rows: { label: string; value: string }[] }) {
  return (
    <View className='card workbench-card' id={id}>
      {rows.map((row) => (
        <View key={row.label} className='workbench-row'>
          <Text className='workbench-row-label'>{row.label}</Text>
          <Text className='workbench-row-value'>{row.value}</Text>
        </View>
      ))}
    </View>
  );
}

/**
 * One application as its center's staff see it: the full applicant and form (each view is logged by the
 * function), the timeline, and the moves the state machine allows now.
 */
export default function WorkbenchDetailPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const got = useCall(() => workbenchCalls.get(id), [id]);
  // the answer of each action replaces the loaded view
  const [updated, setUpdated] = useState<WorkbenchView | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Form, string>>>({});
  const [advanceMessage, setAdvanceMessage] = useState('');
  const [reason, setReason] = useState('');
  const [material, setMaterial] = useState('');
  const [statusMessage, setStatusMessage] = useState('');
  // the certificate to complete with (a PDF), picked before 已办结 is pressed
  const [certificate, setCertificate] = useState<PickedDocument | undefined>(undefined);
  // what the deposit-locale center paid, entered before a purchase withdrawal is completed
  const [paidAmount, setPaidAmount] = useState('');
  const [paidOn, setPaidOn] = useState(() => shanghaiDate(new Date()));
  const [opening, setOpening] = useState<string | undefined>(undefined);
  const [attachmentError, setAttachmentError] = useState<string | undefined>(undefined);

  if (got.status === 'loading') return <StateView status='loading' message='正在加载申请…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} onRetry={got.reload} />;
  const view = updated ?? got.data;

  /** Checks with the contract, confirms a move that cannot be undone, sends, and shows the new state. */
  const act = async (form: Form, event: Record<string, unknown>, send: () => Promise<Result<WorkbenchView>>, confirm?: { title: string; content: string }) => {
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
    setUpdated(result.data);
    setAdvanceMessage('');
    setReason('');
    setMaterial('');
    setStatusMessage('');
    setCertificate(undefined);
    void Taro.showToast({ title: '已更新', icon: 'success' });
  };

  const advance = (code: TransferCode) => {
    const message = advanceMessage.trim() === '' ? undefined : advanceMessage;
    const label = `${code} ${TRANSFER_CODES[code].name}`;
    void act('advance', { action: 'advance', id: view.id, code, message }, () => workbenchCalls.advance(view.id, code, message), {
      title: '更新办理状态',
      content: `确定将申请更新为“${label}”？更新后将通知申请人，且不能撤回。`,
    });
  };
  const setStatus = (status: CenterStatus) => {
    const message = statusMessage.trim() === '' ? undefined : statusMessage;
    // the function refuses a certificate completed without it; say so before asking
    if (status === 'completed' && isCertificateType(view.type) && !certificate) {
      setErrors({ status: '办结前请先选择出具的证明文件（PDF）' });
      return;
    }
    const attached = status === 'completed' && certificate ? { name: certificate.name, contentBase64: certificate.contentBase64 } : undefined;
    const payment = status === 'completed' && view.type === 'purchase-withdrawal' ? { amount: paidAmount.trim() === '' ? Number.NaN : Number(paidAmount), paidOn: paidOn.trim() } : undefined;
    const told = attached ? `证明文件“${attached.name}”将送达申请人，` : payment && Number.isFinite(payment.amount) ? `将告知申请人已支付 ${yuanText(payment.amount)}，` : '更新后将通知申请人，';
    void act('status', { action: 'setStatus', id: view.id, status, message, document: attached, payment }, () => workbenchCalls.setStatus(view.id, status, { message, document: attached, payment }), {
      title: '更新办理状态',
      content: `确定将申请更新为“${STATUS_LABELS[status]}”？${told}且不能撤回。`,
    });
  };
  /** Opens an attachment after checking it against the sha256 the view listed; the function logs the opening. */
  const openAttachment = async (attachmentId: string, sha256: string) => {
    setOpening(attachmentId);
    setAttachmentError(undefined);
    const got = await workbenchCalls.attachment(view.id, attachmentId);
    const opened = got.ok ? await openReceivedDocument(got.data, sha256) : got;
    setOpening(undefined);
    if (!opened.ok) setAttachmentError(opened.message);
  };
  const picked = (outcome: DocumentOutcome<PickedDocument> | undefined) => {
    if (!outcome) return;
    if (outcome.ok) {
      setCertificate(outcome.data);
      setErrors({});
    } else {
      setCertificate(undefined);
      setErrors({ status: outcome.message });
    }
  };
  const reject = () =>
    void act('reject', { action: 'reject', id: view.id, reason }, () => workbenchCalls.reject(view.id, reason), {
      title: '不予受理',
      content: '确定不予受理这份申请？申请人将收到您填写的理由，且不能撤回。',
    });
  const requestMaterial = () =>
    void act('material', { action: 'requestMaterial', id: view.id, message: material }, () => workbenchCalls.requestMaterial(view.id, material));

  const errorOf = (form: Form) =>
    errors[form] ? (
      <Text className='workbench-error' id={`workbench-${form}-error`}>
        {errors[form]}
      </Text>
    ) : null;

  const final = isFinal(view.status);
  // only the responsible center may move the application; the function answers which moves it has now
  const statuses = view.type === 'transfer' ? [] : view.nextStatuses;
  const paying = view.type === 'purchase-withdrawal' && statuses.includes('completed');
  const responsible = !final && (view.nextCodes.length > 0 || statuses.length > 0 || view.canReject);
  return (
    <View className='workbench-detail-page'>
      <View className='workbench-notice' id='workbench-view-notice'>
        <Text>本次查看已记录在案。完整个人信息仅用于办理本申请，请勿抄录、截屏或外传。</Text>
      </View>

      <View className='card workbench-card' id='workbench-status'>
        <View className='workbench-title-row'>
          <Text className='workbench-type'>{TYPE_LABELS[view.type]}</Text>
          <Text className='workbench-status' id='workbench-status-label'>
            {STATUS_LABELS[view.status]}
          </Text>
        </View>
        <Text className='workbench-muted'>
          当前环节：{view.step}
          {view.platformCode ? `（${view.platformCode} ${TRANSFER_CODES[view.platformCode].name}）` : ''}
        </Text>
        <Text className='workbench-muted'>本中心为{CENTER_ROLE_LABELS[view.role]}</Text>
        <Text className='workbench-muted'>联系函编号：{view.letterNumber ?? '未生成'}</Text>
        <Text className='workbench-muted'>提交时间：{formatShanghai(new Date(view.createdAt))}</Text>
        <Text className='workbench-muted' id='workbench-accept-by'>
          受理时限：<DateText date={view.acceptBy} provisional={view.acceptByProvisional} />
        </Text>
        {view.acceptOverdue ? (
          <Text className='workbench-overdue' id='workbench-overdue'>
            已超过受理时限，请尽快受理或作出不予受理决定
          </Text>
        ) : null}
        {view.target ? (
          <Text className={view.target.overdue ? 'workbench-overdue' : 'workbench-muted'} id='workbench-target'>
            办结时限：<DateText date={view.target.by} provisional={view.targetProvisional} />（{PURCHASE_TARGET_WORKING_DAYS} 个工作日）{view.target.overdue ? '，已超时' : ''}
          </Text>
        ) : null}
        {view.acceptByProvisional || (view.target !== null && view.targetProvisional) ? <ProvisionalNote id='workbench-provisional' /> : null}
        {view.payment ? (
          <Text className='workbench-muted' id='workbench-payment'>
            已支付：{yuanText(view.payment.amount)}（{view.payment.paidOn}）
          </Text>
        ) : null}
      </View>

      <Text className='section-title'>申请人</Text>
      <Rows
        id='workbench-applicant'
        rows={[
          { label: '姓名', value: view.applicant.name },
          { label: '证件类型', value: docTypeLabel(view.applicant.docType) },
          { label: '证件号码', value: view.applicant.docNumber },
        ]}
      />

      <Text className='section-title'>申请信息</Text>
      <Rows id='workbench-form' rows={view.form} />

      <Text className='section-title'>办理中心</Text>
      <Rows id='workbench-centers' rows={view.centers.map((c) => ({ label: CENTER_ROLE_LABELS[c.role], value: `${c.name} ${c.phone}` }))} />

      <Text className='section-title'>办理进度</Text>
      <Timeline id='workbench-timeline' events={view.events} centers={view.centers} showCodes />

      {view.attachmentFiles.length > 0 ? (
        <View>
          <Text className='section-title'>申请人上传的材料</Text>
          <View className='card workbench-card' id='workbench-attachments'>
            {view.attachmentFiles.map((a) => (
              <View key={a.id} className='workbench-row'>
                <Text className='workbench-row-label'>{`${ATTACHMENT_KIND_LABELS[a.kind]} · ${a.name}`}</Text>
                <ActionButton
                  className='workbench-button'
                  id={`workbench-attachment-${a.id}`}
                  size='mini'
                  loading={opening === a.id}
                  disabled={opening !== undefined}
                  onClick={() => void openAttachment(a.id, a.sha256)}
                >
                  查看
                </ActionButton>
              </View>
            ))}
            {attachmentError ? (
              <Text className='workbench-error' id='workbench-attachment-error'>
                {attachmentError}
              </Text>
            ) : null}
          </View>
        </View>
      ) : null}

      {view.documents.length > 0 ? (
        <View>
          <Text className='section-title'>材料</Text>
          <Rows id='workbench-documents' rows={view.documents.map((d) => ({ label: d.name, value: `${d.contentType} · ${d.size} 字节` }))} />
        </View>
      ) : null}

      {view.nextCodes.length > 0 ? (
        <View className='card workbench-card' id='workbench-advance'>
          <Text className='workbench-form-title'>更新办理状态</Text>
          <Input
            className='workbench-input'
            id='workbench-advance-message'
            type='text'
            maxlength={REASON_MAX}
            value={advanceMessage}
            placeholder='办理说明（选填），将显示给申请人'
            onInput={(e) => setAdvanceMessage(e.detail.value)}
          />
          {/* in code order, as the national platform lists them */}
          <View className='workbench-codes'>
            {view.nextCodes.map((code) => (
              <ActionButton key={code} className='workbench-code' id={`workbench-advance-${code}`} size='mini' disabled={busy} onClick={() => advance(code)}>
                {`${code} ${TRANSFER_CODES[code].name}`}
              </ActionButton>
            ))}
          </View>
          {errorOf('advance')}
        </View>
      ) : null}

      {statuses.length > 0 ? (
        <View className='card workbench-card' id='workbench-set-status'>
          <Text className='workbench-form-title'>更新办理状态</Text>
          <Input
            className='workbench-input'
            id='workbench-status-message'
            type='text'
            maxlength={REASON_MAX}
            value={statusMessage}
            placeholder='办理说明（选填），将显示给申请人'
            onInput={(e) => setStatusMessage(e.detail.value)}
          />
          {paying ? (
            <View className='workbench-document' id='workbench-payment-form'>
              <Text className='workbench-muted'>办结须填写实际提取金额（不超过申请金额）和支付日期，将告知申请人。</Text>
              <Input
                className='workbench-input'
                id='workbench-payment-amount'
                type='digit'
                value={paidAmount}
                placeholder='实际提取金额（元）'
                onInput={(e) => setPaidAmount(e.detail.value)}
              />
              <Input
                className='workbench-input'
                id='workbench-payment-date'
                type='text'
                value={paidOn}
                placeholder='支付日期，如 2026-11-20'
                onInput={(e) => setPaidOn(e.detail.value)}
              />
            </View>
          ) : null}
          {statuses.includes('completed') && isCertificateType(view.type) ? (
            <View className='workbench-document'>
              <Text className='workbench-muted'>办结须上传出具的证明文件（PDF，不超过 10 MB），将送达申请人。</Text>
              {isH5 ? (
                <input
                  className='workbench-document-input'
                  id='workbench-document'
                  type='file'
                  accept='application/pdf'
                  onChange={(e) => {
                    const file = e.currentTarget.files?.[0];
                    if (file) void readPickedFile(file).then(picked);
                  }}
                />
              ) : (
                <ActionButton className='workbench-button' id='workbench-document' size='mini' disabled={busy} onClick={() => void chooseChatPdf().then(picked)}>
                  从聊天记录选择 PDF
                </ActionButton>
              )}
              {certificate ? (
                <Text className='workbench-document-name' id='workbench-document-name'>
                  已选择：{certificate.name}
                </Text>
              ) : null}
            </View>
          ) : null}
          <View className='workbench-codes'>
            {statuses.map((status) => (
              <ActionButton key={status} className='workbench-code' id={`workbench-status-${status}`} size='mini' disabled={busy} onClick={() => setStatus(status)}>
                {STATUS_LABELS[status]}
              </ActionButton>
            ))}
          </View>
          {errorOf('status')}
        </View>
      ) : null}

      {view.canReject ? (
        <View className='card workbench-card' id='workbench-reject-form'>
          <Text className='workbench-form-title'>不予受理</Text>
          <Textarea
            className='workbench-textarea'
            id='workbench-reject-reason'
            maxlength={REASON_MAX}
            value={reason}
            placeholder='不予受理的理由，将告知申请人'
            onInput={(e) => setReason(e.detail.value)}
          />
          <ActionButton className='workbench-button workbench-reject' id='workbench-reject' disabled={busy} onClick={reject}>
            不予受理
          </ActionButton>
          {errorOf('reject')}
        </View>
      ) : null}

      {responsible ? (
        <View className='card workbench-card' id='workbench-material-form'>
          <Text className='workbench-form-title'>请申请人补充材料</Text>
          <Textarea
            className='workbench-textarea'
            id='workbench-material-message'
            maxlength={REASON_MAX}
            value={material}
            placeholder='需补充的材料，如：原单位开具的离职证明'
            onInput={(e) => setMaterial(e.detail.value)}
          />
          <ActionButton className='workbench-button' id='workbench-request-material' disabled={busy} onClick={requestMaterial}>
            发送补充材料通知
          </ActionButton>
          {errorOf('material')}
        </View>
      ) : null}

      {!final && !responsible ? (
        <Text className='workbench-muted workbench-waiting' id='workbench-waiting'>
          当前由另一方中心办理，本中心暂无需更新状态。
        </Text>
      ) : null}
    </View>
  );
}
