import { Input, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef, useState } from 'react';
import type { CalendarStatusView } from '../../core/calendar';
import type { Ok } from '../../core/errors';
import { DOC_TYPES, type IdentityView } from '../../core/identity';
import { TRIAL_JOIN_PAGE } from '../../core/trial';
import { ACCOUNT_PAGE } from '../../core/privacy';
import { shanghaiDate } from '../../core/time';
import { ActionButton } from '../../components/action-button';
import { ElderSwitch } from '../../components/elder-switch';
import { StateView } from '../../components/state-view';
import { callFunction } from '../../services/cloud';
import { isH5, isWeapp } from '../../services/platform';
import { useCall } from '../../services/use-call';
import { openPage } from '../../services/privacy';
import { identityCalls, METHOD_LABELS, whoami } from '../../services/identity';
import { withPageShell } from '../../components/page-shell';
import './index.scss';

const goVerify = () => void Taro.navigateTo({ url: '/pages/verify/index' });
const goCounter = () => void Taro.navigateTo({ url: '/packages/portal/counter/index' });
const goWorkbench = () => void Taro.navigateTo({ url: '/packages/portal/workbench/index' });
const goLinks = () => void Taro.navigateTo({ url: '/packages/portal/links/index' });
const goJoin = () => void Taro.navigateTo({ url: '/packages/portal/join/index' });
const goReview = () => void Taro.navigateTo({ url: '/packages/portal/review/index' });
const goRoles = () => void Taro.navigateTo({ url: '/packages/portal/roles/index' });
const goCalendar = () => void Taro.navigateTo({ url: '/packages/portal/calendar/index' });
const goFigures = () => void Taro.navigateTo({ url: '/packages/portal/figures/index' });
const goOnlineReason = () => void Taro.navigateTo({ url: '/packages/portal/online-reason/index' });
const goTrialFindings = () => void Taro.navigateTo({ url: '/packages/portal/trial-findings/index' });
const goReadCode = () => void Taro.navigateTo({ url: '/packages/portal/read-code/index' });
const goVerifyCode = () => void Taro.navigateTo({ url: '/packages/code/verify/index' });
const goSupervise = () => void Taro.navigateTo({ url: '/packages/supervise/overview/index' });
const goApplications = () => void Taro.switchTab({ url: '/pages/applications/index' });
const goTrial = () => void Taro.navigateTo({ url: '/packages/trial/centers/index' });
const goTrialJoin = () => void Taro.navigateTo({ url: `/${TRIAL_JOIN_PAGE}` });
// the calendar page's call (adminCalls lives in the portal package's client), asked here for its warning only
const calendarStatus = () => callFunction<CalendarStatusView>('admin', { action: 'calendarStatus' });
const noStatus: Ok<CalendarStatusView> = { ok: true, data: { years: [], warning: null } };

/**
 * Center staff only (as `session` says): the ways to 柜台核验, 申请工作台, 链接与接口登记, 月度数据填报, 未全程网办说明 and 试用问题.
 * The functions refuse everyone else.
 */
function StaffEntry({ staff }: { staff: boolean }) {
  if (!staff) return null;
  return (
    <View>
      <View className='card mine-card mine-staff' id='mine-counter' onClick={goCounter}>
        <Text className='mine-title'>柜台核验（中心工作人员）</Text>
        <Text className='mine-muted'>核对群众出示的核验码与证件，完成柜台实名核验</Text>
      </View>
      <View className='card mine-card mine-staff' id='mine-workbench' onClick={goWorkbench}>
        <Text className='mine-title'>申请工作台（中心工作人员）</Text>
        <Text className='mine-muted'>受理、办理转至本中心的申请</Text>
      </View>
      <View className='card mine-card mine-staff' id='mine-links' onClick={goLinks}>
        <Text className='mine-title'>链接与接口登记（中心工作人员）</Text>
        <Text className='mine-muted'>登记办理链接和接收推送的接口，更换签名密钥，进行接口测试；获取本中心小程序码</Text>
      </View>
      <View className='card mine-card mine-staff' id='mine-figures' onClick={goFigures}>
        <Text className='mine-title'>月度数据填报（中心工作人员）</Text>
        <Text className='mine-muted'>每月 16 日起填报上月 15 日至本月 14 日的业务量、窗口、专区和培训情况，20 日前完成</Text>
      </View>
      <View className='card mine-card mine-staff' id='mine-online-reason' onClick={goOnlineReason}>
        <Text className='mine-title'>未全程网办说明（中心工作人员）</Text>
        <Text className='mine-muted'>单位登记开户、缴存信息变更、提前还清贷款尚未全程网办的，说明原因和预计完成日期</Text>
      </View>
      <View className='card mine-card mine-staff' id='mine-read-code' onClick={goReadCode}>
        <Text className='mine-title'>扫码核验（中心工作人员）</Text>
        <Text className='mine-muted'>读取群众出示的证明码，查看平台签发的证明及其真伪</Text>
      </View>
      <View className='card mine-card mine-staff' id='mine-trial-findings' onClick={goTrialFindings}>
        <Text className='mine-title'>试用问题（中心工作人员）</Text>
        <Text className='mine-muted'>内部测试人员发现的本中心链接、小程序码和接口问题，整改后标记已整改</Text>
      </View>
    </View>
  );
}

/** National and provincial supervisors: the way to 监管总览 and the official tables (the function scopes them). */
function SuperviseEntry({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <View className='card mine-card mine-staff' id='mine-supervise' onClick={goSupervise}>
      <Text className='mine-title'>监管总览（监管人员）</Text>
      <Text className='mine-muted'>各省接入进度、全程网办、月度统计与报送、省级联络员，导出 Excel</Text>
    </View>
  );
}

/** Testers (of one province): the way to the trial's checklists and findings. */
function TrialEntry({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <View className='card mine-card mine-staff' id='mine-trial' onClick={goTrial}>
      <Text className='mine-title'>内部试用（测试人员）</Text>
      <Text className='mine-muted'>检查本省各中心的名称、服务电话、小程序码和办理链接，发送测试申请，复核已整改的问题</Text>
    </View>
  );
}

/**
 * Signed in and not a tester: a small line to 加入内部试用 with an invite code typed by hand (most people never need it,
 * so it is not a card).
 */
function TrialJoinEntry({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <View className='mine-trial-join' id='mine-trial-join' onClick={goTrialJoin}>
      <Text>输入内部试用邀请码</Text>
    </View>
  );
}

/**
 * Signed in and not yet serving a center: a small line at the bottom to join one with a supervisor's invite code. It is
 * for centers' staff only, so it is no card among the employee's entries (the invite's own link opens the join page).
 */
function JoinEntry({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <View className='mine-trial-join' id='mine-join' onClick={goJoin}>
      <Text>中心工作人员：输入邀请码加入中心</Text>
    </View>
  );
}

/** Everyone: 隐私与账号 (a copy of one's data, 解除绑定, 注销账号); the 隐私政策 is the page's footer, as on every page. */
function PrivacyEntry() {
  return (
    <View className='card mine-card' id='mine-privacy'>
      <View className='mine-card' onClick={() => openPage(ACCOUNT_PAGE)} id='mine-account'>
        <Text className='mine-title'>隐私与账号</Text>
        <Text className='mine-muted'>下载我的数据、解除绑定、注销账号</Text>
      </View>
    </View>
  );
}

/**
 * Supervisors only: the ways to review centers' link and endpoint changes and invite their staff, to manage roles,
 * and to keep the official calendar, whose card carries the warning that this or next year is not loaded.
 */
function SupervisorEntry({ supervisor, calendarWarning }: { supervisor: boolean; calendarWarning: string | null }) {
  if (!supervisor) return null;
  return (
    <View>
      <View className='card mine-card mine-staff' id='mine-review' onClick={goReview}>
        <Text className='mine-title'>变更审核（监管人员）</Text>
        <Text className='mine-muted'>审核中心的链接与接口变更，查看异常链接，邀请中心工作人员</Text>
      </View>
      <View className='card mine-card mine-staff' id='mine-roles' onClick={goRoles}>
        <Text className='mine-title'>角色管理（监管人员）</Text>
        <Text className='mine-muted'>查看、撤销和重新授予中心工作人员、内部测试人员和监管人员的角色</Text>
      </View>
      <View className='card mine-card mine-staff' id='mine-calendar' onClick={goCalendar}>
        <Text className='mine-title'>节假日安排（监管人员）</Text>
        <Text className='mine-muted'>查看各年度节假日安排的来源，按国务院通知载入或替换年度安排</Text>
        {calendarWarning ? (
          <Text className='mine-warning' id='mine-calendar-warning'>
            {calendarWarning}
          </Text>
        ) : null}
      </View>
    </View>
  );
}

/** Everyone: the applications they made in the app. */
/** Everyone: 验证证明码, to check a certificate code someone shows (genuine and usable, nothing about them). */
function VerifyCodeEntry() {
  return (
    <View className='card mine-card' id='mine-verify-code' onClick={goVerifyCode}>
      <Text className='mine-title'>验证证明码</Text>
      <Text className='mine-muted'>核对他人出示的住房公积金证明码的真伪</Text>
    </View>
  );
}

function ApplicationsEntry() {
  return (
    <View className='card mine-card' id='mine-applications' onClick={goApplications}>
      <Text className='mine-title'>我的申请</Text>
      <Text className='mine-muted'>查看异地转移接续等申请的办理进度</Text>
    </View>
  );
}

/** What the local simulator takes for WeChat's phone code: sim-phone-<11 digits>. */
const DEV_PHONE = /^1\d{10}$/;

/** The phone row: the masked phone, or a way to bind one (WeChat's button; a dev input on the local host). */
function PhoneRow({ view, onBound }: { view: IdentityView; onBound: (view: IdentityView) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [devPhone, setDevPhone] = useState('');

  const bind = async (code: string) => {
    setBusy(true);
    setError(undefined);
    const result = await identityCalls.bindPhone(code);
    setBusy(false);
    if (result.ok) onBound(result.data);
    else setError(result.message);
  };

  if (view.phoneMasked) {
    return (
      <View className='mine-row'>
        <Text className='mine-label'>手机号</Text>
        <Text id='mine-phone'>{view.phoneMasked}</Text>
      </View>
    );
  }
  return (
    <View className='mine-phone-bind'>
      <View className='mine-row'>
        <Text className='mine-label'>手机号</Text>
        <Text className='mine-muted'>{view.status === 'verified' ? '未绑定' : '重新核验后可绑定'}</Text>
      </View>
      {view.status === 'verified' && isWeapp ? (
        <ActionButton
          className='secondary-button mine-button'
          id='mine-bind-phone'
          openType='getPhoneNumber'
          loading={busy}
          disabled={busy}
          onGetPhoneNumber={(e) => {
            // no code: the person declined, or this WeChat is too old for the code
            if (e.detail.code) void bind(e.detail.code);
            else setError('未获得手机号授权，可稍后再绑定');
          }}
        >
          绑定手机号
        </ActionButton>
      ) : null}
      {view.status === 'verified' && isH5 ? (
        <View className='mine-dev-phone'>
          <Text className='mine-dev-hint'>本地开发：输入 11 位手机号，模拟微信手机号授权</Text>
          <Input
            className='mine-dev-input'
            id='mine-phone-input'
            type='number'
            maxlength={11}
            value={devPhone}
            placeholder='11 位手机号'
            onInput={(e) => setDevPhone(e.detail.value)}
          />
          <ActionButton
            className='secondary-button mine-button'
            id='mine-bind-phone'
            loading={busy}
            disabled={busy}
            onClick={() => {
              if (DEV_PHONE.test(devPhone)) void bind(`sim-phone-${devPhone}`);
              else setError('请输入以 1 开头的 11 位手机号');
            }}
          >
            绑定手机号
          </ActionButton>
        </View>
      ) : null}
      {error ? (
        <Text className='mine-error' id='mine-phone-error'>
          {error}
        </Text>
      ) : null}
    </View>
  );
}

/** What happened to the person's binding (their document bound to another account): shown until it is old. */
function BindingNotices({ view }: { view: IdentityView }) {
  if (!view.notices?.length) return null;
  return (
    <View className='card mine-card mine-notices' id='mine-notices'>
      <Text className='mine-notice-title'>账号提醒</Text>
      {view.notices.map((notice) => (
        <Text className='mine-notice' key={notice.at}>
          {notice.text}
        </Text>
      ))}
    </View>
  );
}

/** 我的: the caller's real-name status, masked, with the way to verify, verify again or bind a phone. */
function MinePage() {
  const got = useCall(identityCalls.status, []);
  // no answer means no entry: the staff page is a convenience, not a right
  const roles = useCall(whoami, []);
  const staff = roles.status === 'ready' && roles.data.roles.some((r) => r.role === 'center-staff');
  const supervisor = roles.status === 'ready' && roles.data.roles.some((r) => r.role === 'supervisor');
  const supervises = roles.status === 'ready' && roles.data.roles.some((r) => r.role === 'supervisor' || r.role === 'provincial-supervisor');
  const tester = roles.status === 'ready' && roles.data.roles.some((r) => r.role === 'tester');
  // asked of supervisors only (the function refuses everyone else); no answer means no warning, as on no entry
  const calendar = useCall(() => (supervisor ? calendarStatus() : Promise.resolve(noStatus)), [supervisor]);
  const calendarWarning = calendar.status === 'ready' ? calendar.data.warning : null;
  // whoami answers only the signed in; one person serves one center, so staff have nothing to join
  const canJoin = roles.status === 'ready' && !staff;
  const canJoinTrial = roles.status === 'ready' && !tester;
  // the answer of bindPhone replaces the status until the next load
  const [bound, setBound] = useState<IdentityView | undefined>(undefined);
  const shown = useRef(false);
  useDidShow(() => {
    // the first show is the mount, which useCall already loads; later ones follow a return from 实名核验
    // or from 加入中心, after which the person's entries change
    if (shown.current) {
      setBound(undefined);
      got.reload();
      roles.reload();
      calendar.reload();
    }
    shown.current = true;
  });

  // the same entries below the status, verified or not
  const entries = (
    <>
      <ApplicationsEntry />
      <VerifyCodeEntry />
      <ElderSwitch id='mine-elder-switch' />
      <TrialEntry show={tester} />
      <StaffEntry staff={staff} />
      <SuperviseEntry show={supervises} />
      <SupervisorEntry supervisor={supervisor} calendarWarning={calendarWarning} />
      <PrivacyEntry />
      <JoinEntry show={canJoin} />
      <TrialJoinEntry show={canJoinTrial} />
    </>
  );

  if (got.status === 'loading') return <StateView status='loading' message='正在查询实名核验状态…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  const view = bound ?? got.data;

  if (view.status === 'none') {
    return (
      <View className='mine-page'>
        <BindingNotices view={view} />
        <View className='card mine-card mine-empty'>
          <Text className='mine-title'>实名核验</Text>
          <Text className='mine-status mine-status-none' id='mine-status'>
            未核验
          </Text>
          <Text className='mine-muted'>完成实名核验后，可在线办理住房公积金业务。核验结果有效期 30 天。</Text>
          <ActionButton className='primary-button mine-primary' id='mine-go-verify' onClick={goVerify}>
            去核验
          </ActionButton>
        </View>
        {entries}
      </View>
    );
  }

  const expired = view.status === 'expired';
  return (
    <View className='mine-page'>
      <BindingNotices view={view} />
      <View className='card mine-card'>
        <View className='mine-head'>
          <Text className='mine-title'>实名核验</Text>
          <Text className={`mine-status ${expired ? 'mine-status-expired' : 'mine-status-verified'}`} id='mine-status'>
            {expired ? '已过期' : '已核验'}
          </Text>
        </View>
        <View className='mine-row'>
          <Text className='mine-label'>姓名</Text>
          <Text id='mine-name'>{view.nameMasked}</Text>
        </View>
        <View className='mine-row'>
          <Text className='mine-label'>{view.docType ? DOC_TYPES[view.docType] : '证件号码'}</Text>
          <Text id='mine-doc'>{view.docNumberMasked}</Text>
        </View>
        {view.method ? (
          <View className='mine-row'>
            <Text className='mine-label'>核验方式</Text>
            <Text id='mine-method'>{METHOD_LABELS[view.method]}</Text>
          </View>
        ) : null}
        {view.expiresAt ? (
          <View className='mine-row'>
            <Text className='mine-label'>有效期至</Text>
            <Text className={expired ? 'mine-expired' : undefined} id='mine-expiry'>
              {shanghaiDate(new Date(view.expiresAt))}
              {expired ? '（已过期）' : ''}
            </Text>
          </View>
        ) : null}
        <PhoneRow view={view} onBound={setBound} />
      </View>
      {expired ? (
        <ActionButton className='primary-button mine-primary' id='mine-reverify' onClick={goVerify}>
          重新核验
        </ActionButton>
      ) : null}
      {entries}
    </View>
  );
}

export default withPageShell(MinePage, { title: '我的', back: false });
