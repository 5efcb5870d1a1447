import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useState } from 'react';
import { caseTitle, centerRoleLabel, letterNumberText, noMaterialsText } from '../../core/applications/labels';
import { isFinal } from '../../core/applications/status';
import type { ApplicationView, DocumentView } from '../../core/applications/views';
import { dialNumber } from '../../core/centers';
import { fileSizeText } from '../../core/files';
import { yuanText } from '../../core/money';
import { formatShanghai } from '../../core/time';
import { CodeEntry } from '../../components/code-entry';
import { ActionButton } from '../../components/action-button';
import { TEST_CASE_NOTE, TestTag } from '../../components/test-tag';
import { StateView } from '../../components/state-view';
import { StatusTag } from '../../components/status-tag';
import { Timeline } from '../../components/timeline';
import { RefusalCard } from '../../components/refusal-card';
import { FollowUpCard } from '../../components/follow-up-card';
import { applicationCalls } from '../../services/applications';
import { ask, say } from '../../services/notice';
import { openReceivedDocument } from '../../services/documents';
import { useCall } from '../../services/use-call';
import { TimeLimits } from './limits';
import { Uploads } from './materials';
import { Progress } from './progress';
import { RateCard, RatingCard } from './rating';
import { withPageShell } from '../../components/page-shell';
import './index.scss';

/** How often an open detail page asks again while the application is still moving. */
export const REFRESH_MS = 15_000;

/** The centers taking part, each with its role and a service phone that dials on tap. */
function Centers({ view }: { view: ApplicationView }) {
  return (
    <View className='card application-card' id='application-centers'>
      {view.centers.map((c) => (
        <View key={c.code} className='application-center' id={`application-center-${c.code}`}>
          <Text className='application-center-role'>{centerRoleLabel(view.type, c.role)}</Text>
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
      <Uploads view={view} />
      {view.documents.length === 0 && view.attachments.length === 0 ? (
        <Text className='application-muted' id='application-no-materials'>
          {noMaterialsText(view.type)}
        </Text>
      ) : null}
      {view.documents.map((d) => (
        <View key={d.id} className='application-row application-document' id={`document-${d.id}`}>
          <View className='application-document-info'>
            <Text className='application-row-label'>{d.name}</Text>
            <Text className='application-muted'>{fileSizeText(d.size)}</Text>
          </View>
          <ActionButton
            className='secondary-button application-document-open'
            id={`document-open-${d.id}`}
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
          <ActionButton className='secondary-button application-document-retry' id='document-retry' disabled={opening !== undefined} onClick={() => void open(failed.doc)}>
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
function ApplicationPage() {
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
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  const view = updated ?? got.data;
  const title = caseTitle(view);
  const letter = letterNumberText(view);

  const withdraw = async () => {
    const confirmed = await ask({
      title: '撤销申请',
      message: `撤销后本次${title}申请将终止，如需办理需重新提交。确定撤销吗？`,
      confirmText: '确定撤销',
      cancelText: '再想想',
    });
    if (!confirmed) return;
    setBusy(true);
    setError(undefined);
    const result = await applicationCalls.withdraw(view.id);
    setBusy(false);
    if (result.ok) {
      setUpdated(result.data);
      say('已撤销', { done: true });
    } else setError(result.message);
  };

  return (
    <View className='application-page'>
      <View className='card application-card application-head' id='application-status'>
        <View className='application-title-row'>
          <Text className='application-type'>
            {view.test ? <TestTag id='application-test' /> : null}
            {title}
          </Text>
          <StatusTag status={view.status} id='application-status-label' />
        </View>
        {view.test ? (
          <Text className='application-muted' id='application-test-note'>
            {TEST_CASE_NOTE}
          </Text>
        ) : null}
        <Text className='application-step-now' id='application-step'>
          当前环节：{view.step}
        </Text>
        {letter ? (
          <Text className='application-muted' id='application-letter'>
            联系函编号：{letter}
          </Text>
        ) : null}
        <Text className='application-muted'>提交时间：{formatShanghai(new Date(view.createdAt))}</Text>
        <Progress view={view} />
      </View>

      <RefusalCard view={view} />
      <TimeLimits view={view} />

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
      <Timeline id='application-timeline' type={view.type} events={view.events} centers={view.centers} />

      <Text className='section-title'>材料</Text>
      <Documents view={view} />
      <CodeEntry view={view} />

      {view.rating ? (
        <View>
          <Text className='section-title'>办理评价</Text>
          <RatingCard rating={view.rating} />
          <FollowUpCard view={view} onUpdated={setUpdated} />
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
        <ActionButton className='danger-button application-button' id='application-withdraw' loading={busy} disabled={busy} onClick={() => void withdraw()}>
          撤销申请
        </ActionButton>
      ) : null}
    </View>
  );
}

export default withPageShell(ApplicationPage, { title: '申请详情' });
