import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { TRANSFER_CODES } from '../../../core/applications/state-machine';
import { centerRoleLabel } from '../../../core/applications/labels';
import { isFinal, STATUS_LABELS, STOPPED_STATUSES, type ApplicationStatus } from '../../../core/applications/status';
import type { WorkbenchView } from '../../../core/applications/views';
import { REFUSAL_STATUSES } from '../../../core/center-api';
import { fileSizeText } from '../../../core/files';
import { DOC_TYPES } from '../../../core/identity';
import { shanghaiDate } from '../../../core/time';
import { StateView } from '../../../components/state-view';
import { Timeline } from '../../../components/timeline';
import { workbenchCalls } from '../../../services/applications';
import { useCall } from '../../../services/use-call';
import { AttachmentsCard } from './attachments-card';
import { CompletionNeeds } from './completion-needs';
import { MoveCard } from './move-card';
import { RowsCard } from './rows-card';
import { StatusCard } from './status-card';
import { StatusDetailFields } from './status-detail';
import { useWorkbenchActions, type MoveForm } from './use-workbench-actions';
import { withPageShell } from '../../../components/page-shell';
import './index.scss';

/** A move that refuses (13 转出审核不通过) or ends the case undone (40 失败办结, 05, 不予受理): a danger button. */
const stopsCase = (code: string, status: ApplicationStatus) => REFUSAL_STATUSES.includes(code) || STOPPED_STATUSES.includes(status);

/**
 * One application as its center's staff see it: the full applicant and form (each view is logged by the
 * function), the timeline, and the moves the view offers now with what they need.
 */
function WorkbenchDetailPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const got = useCall(() => workbenchCalls.get(id), [id]);
  if (got.status === 'loading') return <StateView status='loading' message='正在加载申请…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  return <WorkbenchDetail loaded={got.data} />;
}

function WorkbenchDetail({ loaded }: { loaded: WorkbenchView }) {
  const actions = useWorkbenchActions(loaded);
  const { view, busy, errors, drafts, edit } = actions;
  const errorOf = (form: MoveForm) => ({ id: `workbench-${form}-error`, message: errors[form] });
  return (
    <View className='workbench-detail-page'>
      <View className='workbench-notice' id='workbench-view-notice'>
        <Text>本次查看已记录在案。完整个人信息仅用于办理本申请，请勿抄录、截屏或外传。</Text>
      </View>
      <StatusCard view={view} />
      {view.sharedContract.length > 0 ? (
        <View className='alert' id='workbench-shared-contract'>
          <Text>
            该购房合同另有其他人的提取申请：
            {view.sharedContract.map((c) => `申请编号 ${c.id}（${shanghaiDate(new Date(c.submittedAt))} 提交，${STATUS_LABELS[c.status]}）`).join('；')}
            。请购房地和缴存地中心核实是否为共同购房人分别提取、金额有无重复，避免重复支付后再办理。
          </Text>
        </View>
      ) : null}
      {view.contractHold?.checked ? (
        <Text className='workbench-muted' id='workbench-contract-checked'>
          已核实（{shanghaiDate(new Date(view.contractHold.checked.at))}）：{view.contractHold.checked.note}
        </Text>
      ) : null}
      {view.contractHold && !view.contractHold.checked && !isFinal(view.status) ? (
        <MoveCard
          id='workbench-check-form'
          title='核实后才能支付'
          text={{ id: 'workbench-check-note', lines: 'several', placeholder: '核实情况，如：已联系两位购房人，系共同购房分别提取', value: drafts.check, onInput: edit('check') }}
          moves={{ only: { id: 'workbench-check', label: '核实', onPress: actions.checkContract } }}
          busy={busy}
          error={errorOf('check')}
        />
      ) : null}
      <RowsCard
        id='workbench-applicant'
        title='申请人'
        rows={[
          { label: '姓名', value: view.applicant.name },
          { label: '证件类型', value: DOC_TYPES[view.applicant.docType] },
          { label: '证件号码', value: view.applicant.docNumber },
        ]}
      />
      <RowsCard id='workbench-form' title='申请信息' rows={view.form} />
      <RowsCard id='workbench-centers' title='办理中心' rows={view.centers.map((c) => ({ label: centerRoleLabel(view.type, c.role), value: `${c.name} ${c.phone}` }))} />

      <Text className='section-title'>办理进度</Text>
      <Timeline id='workbench-timeline' type={view.type} events={view.events} centers={view.centers} showCodes />

      {view.attachmentFiles.length > 0 ? <AttachmentsCard files={view.attachmentFiles} attachment={actions.attachment} onOpen={(a, sha256) => void actions.openAttachment(a, sha256)} /> : null}
      {view.documents.length > 0 ? <RowsCard id='workbench-documents' title='材料' rows={view.documents.map((d) => ({ label: d.name, value: `${d.contentType} · ${fileSizeText(d.size)}` }))} /> : null}

      {view.nextCodes.length > 0 ? (
        <MoveCard
          id='workbench-advance'
          title='更新办理状态'
          text={{ id: 'workbench-advance-message', lines: 'one', placeholder: '办理说明（选填），将显示给申请人', value: drafts.advance, onInput: edit('advance') }}
          // in code order, as the national platform lists them
          moves={{ choices: view.nextCodes.map((code) => ({ id: `workbench-advance-${code}`, label: `${code} ${TRANSFER_CODES[code].name}`, onPress: () => actions.advance(code), danger: stopsCase(code, TRANSFER_CODES[code].status) })) }}
          busy={busy}
          error={errorOf('advance')}
        >
          <StatusDetailFields prefix='workbench-why-advance' drafts={drafts} edit={edit} />
        </MoveCard>
      ) : null}

      {view.nextStatuses.length > 0 ? (
        <MoveCard
          id='workbench-set-status'
          title='更新办理状态'
          text={{ id: 'workbench-status-message', lines: 'one', placeholder: '办理说明（选填），将显示给申请人', value: drafts.status, onInput: edit('status') }}
          moves={{ choices: view.nextStatuses.map((status) => ({ id: `workbench-status-${status}`, label: STATUS_LABELS[status], onPress: () => actions.setStatus(status), danger: stopsCase(status, status) })) }}
          busy={busy}
          error={errorOf('status')}
        >
          <CompletionNeeds needs={view.completionNeeds} drafts={drafts} edit={edit} busy={busy} onPicked={actions.pickCertificate} />
          <StatusDetailFields prefix='workbench-why-status' drafts={drafts} edit={edit} />
        </MoveCard>
      ) : null}

      {view.canReject ? (
        <MoveCard
          id='workbench-reject-form'
          title='不予受理'
          text={{ id: 'workbench-reject-reason', lines: 'several', placeholder: '不予受理的理由，将告知申请人', value: drafts.reject, onInput: edit('reject') }}
          moves={{ only: { id: 'workbench-reject', label: '不予受理', onPress: actions.reject, danger: true } }}
          busy={busy}
          error={errorOf('reject')}
        />
      ) : null}

      {view.responsible ? (
        <MoveCard
          id='workbench-material-form'
          title='请申请人补充材料'
          text={{ id: 'workbench-material-message', lines: 'several', placeholder: '需补充的材料，如：原单位开具的离职证明', value: drafts.material, onInput: edit('material') }}
          moves={{ only: { id: 'workbench-request-material', label: '发送补充材料通知', onPress: actions.requestMaterial } }}
          busy={busy}
          error={errorOf('material')}
        />
      ) : null}

      {!isFinal(view.status) && !view.responsible ? (
        <Text className='workbench-muted workbench-waiting' id='workbench-waiting'>
          当前由另一方中心办理，本中心暂无需更新状态。
        </Text>
      ) : null}
    </View>
  );
}

export default withPageShell(WorkbenchDetailPage, { title: '申请办理' });
