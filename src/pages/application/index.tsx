import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useState } from 'react';
import { CENTER_ROLE_LABELS, isFinal, PURCHASE_TARGET_WORKING_DAYS, STATUS_LABELS, TRANSFER_ACCEPT_WORKING_DAYS, TYPE_LABELS } from '../../core/applications/status';
import { stepsOf, type StepName } from '../../core/applications/steps';
import type { ApplicationView, DocumentView } from '../../core/applications/views';
import { dialNumber } from '../../core/centers';
import { yuanText } from '../../core/money';
import { formatShanghai } from '../../core/time';
import { ActionButton } from '../../components/action-button';
import { DateText, ProvisionalNote } from '../../components/provisional-date';
import { TEST_CASE_NOTE, TestTag } from '../../components/test-tag';
import { StateView } from '../../components/state-view';
import { Timeline } from '../../components/timeline';
import { applicationCalls } from '../../services/applications';
import { openReceivedDocument } from '../../services/documents';
import { useCall } from '../../services/use-call';
import { RateCard, RatingCard } from './rating';
import './index.scss';

/** How often an open detail page asks again while the application is still moving. */
export const REFRESH_MS = 15_000;

/**
 * The steps reached so far: the main path up to the furthest step the timeline or the state shows; an
 * application that ended off the path (withdrawn, rejected, failed) ends on that step instead.
 */
function progressOf(view: ApplicationView): { steps: StepName[]; reached: number } {
  const main = stepsOf(view.type);
  const furthest = Math.max(0, ...[view.step, ...view.events.map((e) => e.step)].map((s) => main.indexOf(s)));
  if (main.includes(view.step)) return { steps: [...main], reached: main.indexOf(view.step) };
  return { steps: [...main.slice(0, furthest + 1), view.step], reached: furthest + 1 };
}

function Progress({ view }: { view: ApplicationView }) {
  const { steps, reached } = progressOf(view);
  const ended = !stepsOf(view.type).includes(view.step);
  return (
    <View className='application-steps' id='application-steps'>
      {steps.map((step, i) => (
        <View
          key={step}
          className={`application-step${i < reached ? ' application-step-done' : ''}${i === reached ? ' application-step-current' : ''}${
            ended && i === reached ? ' application-step-ended' : ''
          }`}
        >
          <Text className='application-step-dot'>{i + 1}</Text>
          <Text className='application-step-label'>{step}</Text>
        </View>
      ))}
    </View>
  );
}

/** The centers taking part, each with its role and a service phone that dials on tap. */
function Centers({ view }: { view: ApplicationView }) {
  return (
    <View className='card application-card' id='application-centers'>
      {view.centers.map((c) => (
        <View key={c.code} className='application-center' id={`application-center-${c.code}`}>
          <Text className='application-center-role'>{CENTER_ROLE_LABELS[c.role]}</Text>
          <Text className='application-center-name'>{c.name}</Text>
          <View className='application-center-phone' onClick={() => void Taro.makePhoneCall({ phoneNumber: dialNumber(c.phone) })}>
            <Text>服务热线 </Text>
            <Text className='phone'>{c.phone}</Text>
          </View>
        </View>
      ))}
    </View>
  );
}

function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The result documents (a certificate as PDF): on tap, a fresh 10-minute link is asked for, the file downloaded by it
 * and checked against the listed sha256, then opened or saved; a failure is said with 重新下载 to try again.
 */
function Documents({ view }: { view: ApplicationView }) {
  const [opening, setOpening] = useState<string | undefined>(undefined);
  const [failed, setFailed] = useState<{ doc: DocumentView; message: string } | undefined>(undefined);
  const open = async (doc: DocumentView) => {
    if (opening) return;
    setOpening(doc.id);
    setFailed(undefined);
    const got = await applicationCalls.document(view.id, doc.id);
    const opened = got.ok ? await openReceivedDocument(got.data, doc.sha256) : got;
    setOpening(undefined);
    if (!opened.ok) setFailed({ doc, message: opened.message });
  };
  return (
    <View className='card application-card' id='application-documents'>
      {view.documents.length === 0 ? <Text className='application-muted'>暂无材料</Text> : null}
      {view.documents.map((d) => (
        <View key={d.id} className='application-row application-document' id={`document-${d.id}`}>
          <View className='application-document-info'>
            <Text className='application-row-label'>{d.name}</Text>
            <Text className='application-muted'>{sizeText(d.size)}</Text>
          </View>
          <ActionButton
            className='application-document-open'
            id={`document-open-${d.id}`}
            size='mini'
            loading={opening === d.id}
            disabled={opening !== undefined}
            onClick={() => void open(d)}
          >
            下载查看
          </ActionButton>
        </View>
      ))}
      {failed ? (
        <View className='application-document-failed'>
          <Text className='application-error' id='document-error'>
            {failed.message}
          </Text>
          <ActionButton className='application-document-retry' id='document-retry' size='mini' disabled={opening !== undefined} onClick={() => void open(failed.doc)}>
            重新下载
          </ActionButton>
        </View>
      ) : null}
    </View>
  );
}

/**
 * One application of the caller: where it stands, who handles it, what happened, withdrawal while allowed,
 * and 好差评 once it has ended.
 */
export default function ApplicationPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const got = useCall(() => applicationCalls.get(id), [id]);
  // the answer of withdraw replaces the loaded view
  const [updated, setUpdated] = useState<ApplicationView | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const current = updated ?? (got.status === 'ready' ? got.data : undefined);

  // the center answers while the page is open: ask again quietly (no loading screen), on return to the
  // page, on pull-down, and every REFRESH_MS until the application is final
  const refresh = useCallback(async () => {
    const result = await applicationCalls.get(id);
    if (result.ok) setUpdated(result.data);
  }, [id]);
  useDidShow(() => {
    if (current) void refresh();
  });
  usePullDownRefresh(() => {
    void refresh().finally(() => Taro.stopPullDownRefresh());
  });
  const moving = current !== undefined && !isFinal(current.status);
  useEffect(() => {
    if (!moving) return undefined;
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [moving, refresh]);

  if (got.status === 'loading') return <StateView status='loading' message='正在加载申请详情…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} onRetry={got.reload} />;
  const view = updated ?? got.data;
  // the center that receives the application and must accept it comes first
  const [responsible] = view.centers;

  const withdraw = async () => {
    const answer = await Taro.showModal({
      title: '撤销申请',
      content: `撤销后本次${TYPE_LABELS[view.type]}申请将终止，如需办理需重新提交。确定撤销吗？`,
      confirmText: '确定撤销',
      cancelText: '再想想',
    });
    if (!answer.confirm) return;
    setBusy(true);
    setError(undefined);
    const result = await applicationCalls.withdraw(view.id);
    setBusy(false);
    if (result.ok) {
      setUpdated(result.data);
      void Taro.showToast({ title: '已撤销', icon: 'success' });
    } else setError(result.message);
  };

  return (
    <View className='application-page'>
      <View className='card application-card application-head' id='application-status'>
        <View className='application-title-row'>
          <Text className='application-type'>
            {view.test ? <TestTag id='application-test' /> : null}
            {TYPE_LABELS[view.type]}
          </Text>
          <Text className={`application-status application-status-${view.status}`} id='application-status-label'>
            {STATUS_LABELS[view.status]}
          </Text>
        </View>
        {view.test ? (
          <Text className='application-muted' id='application-test-note'>
            {TEST_CASE_NOTE}
          </Text>
        ) : null}
        <Text className='application-step-now' id='application-step'>
          当前环节：{view.step}
        </Text>
        {view.letterNumber ? (
          <Text className='application-muted' id='application-letter'>
            联系函编号：{view.letterNumber}
          </Text>
        ) : null}
        <Text className='application-muted'>提交时间：{formatShanghai(new Date(view.createdAt))}</Text>
        <Progress view={view} />
      </View>

      <View className='card application-card' id='application-accept'>
        <Text id='application-accept-by'>
          受理时限：{responsible.name}应在 <DateText date={view.acceptBy} provisional={view.acceptByProvisional} /> 前受理（{TRANSFER_ACCEPT_WORKING_DAYS} 个工作日）
        </Text>
        {view.acceptOverdue ? (
          <Text className='application-overdue' id='application-overdue'>
            已超过受理时限，{responsible.name}仍未受理。您可以拨打下方中心服务热线催办，或拨打 12329 住房公积金服务热线反映。
          </Text>
        ) : null}
        {view.target ? (
          <Text className='application-target' id='application-target'>
            办结时限：两地中心应在 <DateText date={view.target.by} provisional={view.targetProvisional} /> 前办结（{PURCHASE_TARGET_WORKING_DAYS} 个工作日）
          </Text>
        ) : null}
        {view.target?.overdue ? (
          <Text className='application-overdue' id='application-target-overdue'>
            {view.status === 'completed' ? '本申请办结晚于时限。' : '已超过办结时限，仍未办结。您可以拨打下方中心服务热线催办，或拨打 12329 住房公积金服务热线反映。'}
          </Text>
        ) : null}
        {view.acceptByProvisional || (view.target !== null && view.targetProvisional) ? <ProvisionalNote id='application-provisional' /> : null}
      </View>

      {view.payment ? (
        <View className='card application-card application-payment' id='application-payment'>
          <Text className='application-payment-title'>提取款项已支付</Text>
          <Text className='application-payment-amount' id='application-payment-amount'>
            {yuanText(view.payment.amount)}
          </Text>
          <Text className='application-muted' id='application-payment-date'>
            支付日期：{view.payment.paidOn}，已转入您本人的银行账户（以银行到账为准）
          </Text>
        </View>
      ) : null}

      <Text className='section-title'>办理中心</Text>
      <Centers view={view} />

      <Text className='section-title'>申请信息</Text>
      <View className='card application-card' id='application-summary'>
        {view.summary.map((row, i) => (
          <View key={`${i}-${row.label}`} className='application-row'>
            <Text className='application-row-label'>{row.label}</Text>
            <Text className='application-row-value'>{row.value}</Text>
          </View>
        ))}
      </View>

      <Text className='section-title'>办理进度</Text>
      <Timeline id='application-timeline' events={view.events} centers={view.centers} />

      <Text className='section-title'>材料</Text>
      <Documents view={view} />

      {view.rating ? (
        <View>
          <Text className='section-title'>办理评价</Text>
          <RatingCard rating={view.rating} />
        </View>
      ) : null}
      {view.canRate && !view.rating ? (
        <View>
          <Text className='section-title'>办理评价</Text>
          <RateCard view={view} onRated={setUpdated} />
        </View>
      ) : null}

      {error ? (
        <Text className='application-error' id='application-error'>
          {error}
        </Text>
      ) : null}
      {view.canWithdraw ? (
        <ActionButton className='application-button' id='application-withdraw' loading={busy} disabled={busy} onClick={() => void withdraw()}>
          撤销申请
        </ActionButton>
      ) : null}
    </View>
  );
}
