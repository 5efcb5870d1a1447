import { TextEncoder } from 'node:util';
import { render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import QRCode from 'qrcode';
import type { Result } from '../../src/core/errors';
import type { RoleGrant } from '../../src/core/roles';
import type { CatalogFixView, CreatedTrialInvite, FindingView, LaunchStateAnswer, ProvinceLaunchRow, TesterView, TrialInviteView } from '../../src/core/trial';
import TrialPage from '../../src/packages/supervise/trial';
import OverviewPage from '../../src/packages/supervise/overview';
import { setDevOpenid } from '../../src/services/dev-identity';
import { seriousViolationsIn } from './support/axe';
import { eventsOf, fakeFunctions, type FakeCall } from './support/fake-functions';
import { click, confirmModals, fill, press, textOf, waitForText } from './support/interact';
import { findElement, openWith } from './support/page';

/*
 * 内部试用与上线 with the admin and session functions answered by the test (their trial actions are built beside
 * this page): what the page shows of each answer, what it sends, and what it refuses to send.
 */
jest.setTimeout(60_000);
// qrcode encodes with TextEncoder, which browsers and Node have and jsdom does not
Object.assign(globalThis, { TextEncoder });

const JIANGSU = '320000';
const BEIJING = '110000';
const ok = <T,>(data: T): Result<T> => ({ ok: true, data });

const jiangsu = (open: boolean): ProvinceLaunchRow => ({
  province: JIANGSU,
  provinceName: '江苏省',
  open,
  readiness: { centers: 13, checked: 10, openFindings: 2, withEndpoint: 5, transferAccepted: 3, ready: false, missing: ['3 个中心未检查完', '2 个问题未关闭'] },
});
const beijing: ProvinceLaunchRow = {
  province: BEIJING,
  provinceName: '北京市',
  open: false,
  readiness: { centers: 1, checked: 1, openFindings: 0, withEndpoint: 1, transferAccepted: 1, ready: true, missing: [] },
};
const CLOSED_STATE: LaunchStateAnswer = { national: false, provinces: [jiangsu(false), beijing] };

const INVITE: TrialInviteView = {
  id: 'inv0123456789abcdefghij',
  province: JIANGSU,
  provinceName: '江苏省',
  usesLeft: 3,
  uses: 5,
  createdBy: '监管人员',
  createdAt: '2026-12-01T02:00:00.000Z',
  expiresAt: '2026-12-08T02:00:00.000Z',
  revokedAt: null,
  state: 'active',
};
const CREATED: CreatedTrialInvite = { ...INVITE, id: 'invzyxwvutsrqponmlkjihg', usesLeft: 10, uses: 10, createdAt: '2026-12-06T01:00:00.000Z', expiresAt: '2026-12-13T01:00:00.000Z', code: 'ABCD2345' };

const ZHANG = '0123456789abcdef0123456789abcdef';
const tester = (handle: string, name: string): TesterView => ({
  tester: handle,
  name,
  province: JIANGSU,
  provinceName: '江苏省',
  grantedAt: '2026-12-02T03:00:00.000Z',
  grantedBy: '本人',
  revokedAt: null,
  revokedBy: null,
  active: true,
});

const FINDING: FindingView = {
  id: 'fnd0123456789abcdefghij',
  province: JIANGSU,
  centerCode: '321000',
  centerName: '扬州市住房公积金管理中心',
  check: 'phone',
  checkLabel: '服务电话',
  owner: 'supervisor',
  status: 'open',
  statusLabel: '待处理',
  expected: '0514-87364000',
  seen: '0514-12329',
  observed: null,
  screenshot: null,
  openedAt: '2026-12-03T02:00:00.000Z',
  ageDays: 3,
  history: [{ at: '2026-12-03T02:00:00.000Z', by: '张测试', kind: 'opened', note: '拨打后为空号' }],
};
const LINK_FINDING: FindingView = { ...FINDING, id: 'fndlinklinklinklinklink', check: 'link:3', checkLabel: '事项 3 正常退休提取住房公积金', owner: 'center', expected: '退休提取的办理页面', seen: '页面显示 404', history: [] };
const FIX: CatalogFixView = {
  id: 'cfx0123456789abcdefghij',
  centerCode: '320100',
  field: 'name',
  from: '南京住房公积金管理中心',
  to: '南京住房公积金管理中心（南京市）',
  findingId: null,
  status: 'pending',
  proposedBy: '本人',
  proposedAt: '2026-12-05T02:00:00.000Z',
  reviewedBy: null,
  reviewedAt: null,
  reason: null,
};

interface Server {
  roles: RoleGrant[];
  launch: LaunchStateAnswer;
  /** What each admin action answers, when not the default. */
  answers?: Partial<Record<string, (event: Record<string, unknown>) => Result<unknown>>>;
}

/** The session and admin functions as this page uses them. */
function serve({ roles, launch, answers = {} }: Server): FakeCall[] {
  return fakeFunctions((fn, event) => {
    const action = String(event.action);
    if (fn === 'session' && action === 'whoami') return ok({ roles });
    if (fn !== 'admin') return undefined;
    const own = answers[action];
    if (own) return own(event);
    switch (action) {
      case 'launchState':
        return ok(launch);
      case 'trialInvites':
        return ok([INVITE]);
      case 'testers':
        return ok([tester(ZHANG, '张测试'), tester('fedcba9876543210fedcba9876543210', '内部测试人员')]);
      case 'trialFindings':
        return ok({ items: event.status === 'open' ? [FINDING, LINK_FINDING] : [] });
      case 'catalogFixes':
        return ok({ items: [FIX] });
      default:
        return undefined;
    }
  });
}

const NATIONAL: RoleGrant[] = [{ role: 'supervisor' }];
const PROVINCIAL: RoleGrant[] = [{ role: 'provincial-supervisor', province: JIANGSU }];

async function opened(server: Server): Promise<{ container: HTMLElement; calls: FakeCall[] }> {
  const calls = serve(server);
  const { container } = render(<TrialPage />);
  await findElement(container, '#trial-launch, .state-error');
  return { container, calls };
}

beforeEach(() => {
  openWith({});
  jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
});
afterEach(() => jest.restoreAllMocks());

describe('launch', () => {
  it('shows a national supervisor the national state and each province’s readiness in words, with what is missing', async () => {
    const { container } = await opened({ roles: NATIONAL, launch: CLOSED_STATE });
    expect(textOf(container, '#trial-launch-national-state')).toBe('内部试用中');
    expect(textOf(container, `#trial-launch-${JIANGSU}-state`)).toBe('未开放');
    expect(textOf(container, `#trial-launch-${JIANGSU}-checked-text`)).toBe('已检查完 10/13 个中心，77%');
    expect(textOf(container, `#trial-launch-${JIANGSU}-transfer-text`)).toBe('转移接续测试申请已受理 3/5 个有接口的中心，60%');
    expect(textOf(container, `#trial-launch-${JIANGSU}-findings`)).toBe('未关闭的问题 2 个');
    expect(textOf(container, `#trial-launch-${JIANGSU}-ready`)).toBe('尚未具备上线条件');
    expect(textOf(container, `#trial-launch-${JIANGSU}-missing`)).toBe('尚缺：3 个中心未检查完；2 个问题未关闭');
    expect(textOf(container, `#trial-launch-${BEIJING}-ready`)).toBe('已具备上线条件');
    expect(container.querySelector(`#trial-launch-${BEIJING}-missing`)).toBeNull();
    expect(textOf(container, '#trial-launch-national-switch')).toBe('开放全国');
    expect(textOf(container, `#trial-launch-${JIANGSU}-switch`)).toBe('开放江苏省');
  });

  it('opens a province not ready only after a confirmation that names what is missing, then shows the state the function answered', async () => {
    const { container, calls } = await opened({ roles: NATIONAL, launch: CLOSED_STATE, answers: { setLaunch: () => ok({ national: false, provinces: [jiangsu(true), beijing] }) } });
    const modal = confirmModals();
    await press(container, `#trial-launch-${JIANGSU}-switch`);

    expect(modal.mock.calls.map(([o]) => o?.content)).toEqual([expect.stringContaining('该省尚未具备上线条件（3 个中心未检查完；2 个问题未关闭）')]);
    expect(eventsOf(calls, 'admin', 'setLaunch')).toEqual([{ action: 'setLaunch', open: true, province: JIANGSU }]);
    await waitForText(container, `#trial-launch-${JIANGSU}-state`, '已开放');
    expect(textOf(container, '#trial-launch-said')).toBe('江苏省已开放。当前全国未开放，仅已开放的省份对群众开放。');
    expect(textOf(container, `#trial-launch-${JIANGSU}-switch`)).toBe('关闭江苏省');
  });

  it('sends nothing when the supervisor cancels the confirmation', async () => {
    const { container, calls } = await opened({ roles: NATIONAL, launch: CLOSED_STATE });
    const modal = jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: false, cancel: true, errMsg: 'showModal:ok' });
    await press(container, '#trial-launch-national-switch');
    expect(modal).toHaveBeenCalledTimes(1);
    expect(eventsOf(calls, 'admin', 'setLaunch')).toEqual([]);
    expect(textOf(container, '#trial-launch-national-state')).toBe('内部试用中');
  });

  it('shows the function’s refusal of a switch under it and keeps the state as it was', async () => {
    const { container } = await opened({ roles: NATIONAL, launch: CLOSED_STATE, answers: { setLaunch: () => ({ ok: false, code: 'FORBIDDEN', message: '只有全国监管人员可以开放或关闭' }) } });
    confirmModals();
    await press(container, '#trial-launch-national-switch');
    await waitForText(container, '#trial-launch-said', '只有全国监管人员可以开放或关闭');
    expect(textOf(container, '#trial-launch-national-state')).toBe('内部试用中');
  });

  it.each([
    ['a national supervisor', NATIONAL, '关闭该省'],
    ['a provincial supervisor, who cannot close it', PROVINCIAL, '报请全国监管人员关闭该省'],
  ])('explains to %s a province open to everyone while it is not ready', async (_who, roles, close) => {
    const { container } = await opened({ roles, launch: { national: false, provinces: [jiangsu(true)] } });
    expect(textOf(container, `#trial-launch-${JIANGSU}-state`)).toBe('已开放');
    expect(textOf(container, `#trial-launch-${JIANGSU}-ready`)).toBe('尚未具备上线条件');
    expect(textOf(container, `#trial-launch-${JIANGSU}-missing`)).toBe(`该省已对群众开放，但目前尚缺：3 个中心未检查完；2 个问题未关闭。请督促有关中心尽快整改，必要时${close}。`);
  });

  it('shows a provincial supervisor their province read-only and fixes the invites’ province to it', async () => {
    const { container } = await opened({ roles: PROVINCIAL, launch: { national: false, provinces: [jiangsu(false)] } });
    expect(textOf(container, `#trial-launch-${JIANGSU}-ready`)).toBe('尚未具备上线条件');
    expect(container.querySelector('[id$="-switch"]')).toBeNull();
    expect(textOf(container, '#trial-launch-national')).toContain('上线开关由全国监管人员操作');
    expect(textOf(container, '#trial-invite-province-fixed')).toBe('江苏省（320000）');
    expect(container.querySelector('#trial-invite-provinces')).toBeNull();
  });
});

describe('invites', () => {
  it('refuses an incomplete invite on the page, naming each field, and sends nothing', async () => {
    const { container, calls } = await opened({ roles: NATIONAL, launch: CLOSED_STATE });
    await click(container, '#trial-invite-create');
    await waitForText(container, '#trial-invite-province-error', '省份');
    expect(textOf(container, '#trial-invite-uses-error')).toBe('请填写可使用人数');
    expect(textOf(container, '#trial-invite-days-error')).toBe('请填写有效天数');
    await click(container, `#trial-invite-province-${JIANGSU}`);
    // the province chosen says so in words, not by colour alone
    await waitForText(container, `#trial-invite-province-${JIANGSU}`, '已选：江苏省');
    await fill(container, '#trial-invite-uses input', '500');
    await fill(container, '#trial-invite-days input', '7');
    await click(container, '#trial-invite-create');
    await waitForText(container, '#trial-invite-uses-error', '可使用人数不超过 200');
    expect(eventsOf(calls, 'admin', 'createTrialInvite')).toEqual([]);
  });

  it('creates an invite and shows it as a QR code of the join page with the invite’s scene (H5), the code in text, first in the list', async () => {
    const { container, calls } = await opened({ roles: NATIONAL, launch: CLOSED_STATE, answers: { createTrialInvite: () => ok(CREATED) } });
    const drawn = jest.spyOn(QRCode, 'toDataURL');
    await click(container, `#trial-invite-province-${JIANGSU}`);
    await fill(container, '#trial-invite-uses input', '10');
    await fill(container, '#trial-invite-days input', '7');
    await click(container, '#trial-invite-create');
    await findElement(container, '#trial-invite-created');

    // H5 asks for no mini-program code: it draws the join page's address itself
    expect(eventsOf(calls, 'admin', 'createTrialInvite')).toEqual([{ action: 'createTrialInvite', province: JIANGSU, uses: 10, days: 7 }]);
    const url = `${location.origin}${location.pathname}#/packages/trial/join/index?scene=t%3DABCD2345`;
    expect(drawn.mock.calls.map((c) => c[0])).toEqual([url]);
    const qr = await findElement(container, '#trial-invite-qr');
    const src = (qr as unknown as { src?: string }).src;
    expect(src).toBe(await drawn.mock.results[0].value);
    expect(src).toMatch(/^data:image\/png;base64,/);
    expect(textOf(container, '#trial-invite-code')).toBe('ABCD2345');
    expect(textOf(container, '#trial-invite-terms')).toBe('可使用 10 人，有效期至 2026-12-13 09:00');
    const listed = Array.from(container.querySelectorAll('[id^="trial-invite-inv"][id$="-state"]'), (e) => e.id);
    expect(listed).toEqual([`trial-invite-${CREATED.id}-state`, `trial-invite-${INVITE.id}-state`]);
  });

  it('lists invites with their state and uses left, and revokes one after a confirmation', async () => {
    const { container, calls } = await opened({ roles: NATIONAL, launch: CLOSED_STATE, answers: { revokeTrialInvite: () => ok({ ...INVITE, state: 'revoked', revokedAt: '2026-12-06T01:00:00.000Z' }) } });
    const id = `#trial-invite-${INVITE.id}`;
    await waitForText(container, `${id}-state`, '可使用');
    expect(textOf(container, `${id}-uses`)).toBe('剩余 3/5 人次');
    confirmModals();
    await press(container, `${id}-revoke`);
    await waitForText(container, `${id}-state`, '已撤销');
    expect(eventsOf(calls, 'admin', 'revokeTrialInvite')).toEqual([{ action: 'revokeTrialInvite', id: INVITE.id }]);
    expect(container.querySelector(`${id}-revoke`)).toBeNull();
  });
});

describe('testers', () => {
  it('names testers by display name or role, and revokes one by the handle the function gave, never by openid', async () => {
    const { container, calls } = await opened({ roles: PROVINCIAL, launch: { national: false, provinces: [jiangsu(false)] }, answers: { revokeTester: () => ok({ ...tester(ZHANG, '张测试'), active: false, revokedAt: '2026-12-06T01:00:00.000Z', revokedBy: '本人' }) } });
    const testers = await findElement(container, '#trial-testers');
    expect(textOf(container, '#trial-tester-1')).toContain('张测试');
    expect(textOf(container, '#trial-tester-1-dates')).toBe('加入于 2026-12-02 11:00（邀请人：本人）');
    expect(textOf(container, '#trial-tester-2')).toContain('内部测试人员');
    expect(testers.innerHTML).not.toContain(ZHANG);
    confirmModals();
    await press(container, '#trial-tester-1-revoke');
    await waitForText(container, '#trial-tester-1-state', '已撤销');
    expect(textOf(container, '#trial-tester-1-dates')).toBe('加入于 2026-12-02 11:00（邀请人：本人），撤销于 2026-12-06 09:00（本人）');
    expect(eventsOf(calls, 'admin', 'revokeTester')).toEqual([{ action: 'revokeTester', tester: ZHANG }]);
    expect(eventsOf(calls, 'admin', 'revokeRole')).toEqual([]);
  });
});

describe('catalog findings and corrections', () => {
  it('shows a finding on a phone with what was expected and seen, its age and history, and proposes the correction tied to it', async () => {
    const proposed: CatalogFixView = { ...FIX, id: 'cfxaaaaaaaaaaaaaaaaaaaa', centerCode: '321000', field: 'phone', from: '0514-12329', to: '0514-87364000', findingId: FINDING.id };
    const { container, calls } = await opened({ roles: NATIONAL, launch: CLOSED_STATE, answers: { proposeCatalogFix: () => ok(proposed) } });
    const id = `#trial-finding-${FINDING.id}`;
    await findElement(container, id);
    expect(textOf(container, `${id}-center`)).toBe('扬州市住房公积金管理中心（321000）· 服务电话');
    expect(textOf(container, `${id}-expected`)).toBe('应为：0514-87364000');
    expect(textOf(container, `${id}-seen`)).toBe('实际：0514-12329');
    expect(textOf(container, `${id}-age`)).toBe('提出于 2026-12-03 10:00，已 3 天');
    expect(textOf(container, `${id}-history-0`)).toBe('2026-12-03 10:00 张测试 提出问题拨打后为空号');
    expect(textOf(container, `${id}-owner`)).toBe('整改方：监管部门（目录信息）');

    await click(container, `${id}-propose`);
    const value = await findElement<HTMLInputElement>(container, `#trial-finding-${FINDING.id}-fix-value input`);
    expect(value.value).toBe('0514-87364000');
    await click(container, `#trial-finding-${FINDING.id}-fix-submit`);
    await waitForText(container, `${id}-proposed`, '已提出更正为“0514-87364000”，待另一位监管人员审核');
    expect(eventsOf(calls, 'admin', 'proposeCatalogFix')).toEqual([{ action: 'proposeCatalogFix', centerCode: '321000', field: 'phone', value: '0514-87364000', findingId: FINDING.id }]);
    await findElement(container, `#trial-fix-${proposed.id}`);
  });

  it('shows the findings the centers fix with their owner, without 提出更正', async () => {
    const { container } = await opened({ roles: NATIONAL, launch: CLOSED_STATE });
    const id = `#trial-finding-${LINK_FINDING.id}`;
    await findElement(container, id);
    expect(textOf(container, `${id}-owner`)).toBe('整改方：中心');
    expect(container.querySelector(`${id}-propose`)).toBeNull();
    expect(container.querySelector(`#trial-finding-${FINDING.id}-propose`)).not.toBeNull();
  });

  it('marks an open finding handled with a note, asking for the note first, and shows it as the function answered', async () => {
    const fixed: FindingView = { ...FINDING, status: 'fixed', statusLabel: '已整改待复核', history: [...FINDING.history, { at: '2026-12-06T02:00:00.000Z', by: '本人', kind: 'fixed', note: '目录电话无误，已请测试人员重拨' }] };
    const { container, calls } = await opened({ roles: PROVINCIAL, launch: { national: false, provinces: [jiangsu(false)] }, answers: { resolveFinding: () => ok(fixed) } });
    const id = `#trial-finding-${FINDING.id}`;
    await findElement(container, id);
    expect(container.querySelector(`#trial-finding-${LINK_FINDING.id}-resolve`)).not.toBeNull();
    await click(container, `${id}-resolve`);
    await click(container, `${id}-resolve-submit`);
    await waitForText(container, `${id}-resolve-note-error`, '请填写处理说明');
    expect(eventsOf(calls, 'admin', 'resolveFinding')).toEqual([]);
    await fill(container, `${id}-resolve-note textarea`, '目录电话无误，已请测试人员重拨');
    await click(container, `${id}-resolve-submit`);
    await waitForText(container, `${id}-status`, '已整改待复核');
    expect(eventsOf(calls, 'admin', 'resolveFinding')).toEqual([{ action: 'resolveFinding', id: FINDING.id, note: '目录电话无误，已请测试人员重拨' }]);
    expect(textOf(container, `${id}-history-1`)).toContain('目录电话无误，已请测试人员重拨');
    expect(container.querySelector(`${id}-resolve`)).toBeNull();
  });

  it('shows the function’s refusal of marking a center’s finding handled under it', async () => {
    const refusal = { ok: false as const, code: 'VALIDATION_FAILED' as const, message: '该中心有在岗的工作人员，这个问题由中心在门户中整改', fields: { id: '该中心有在岗的工作人员，这个问题由中心在门户中整改' } };
    const { container } = await opened({ roles: NATIONAL, launch: CLOSED_STATE, answers: { resolveFinding: () => refusal } });
    const id = `#trial-finding-${LINK_FINDING.id}`;
    await findElement(container, id);
    await click(container, `${id}-resolve`);
    await fill(container, `${id}-resolve-note textarea`, '已代为处理');
    await click(container, `${id}-resolve-submit`);
    await waitForText(container, `${id}-resolve-error`, '该中心有在岗的工作人员，这个问题由中心在门户中整改');
    expect(textOf(container, `${id}-status`)).toBe('待处理');
  });

  it('asks for the findings of the status picked', async () => {
    const { container, calls } = await opened({ roles: NATIONAL, launch: CLOSED_STATE });
    await findElement(container, `#trial-finding-${FINDING.id}`);
    expect(textOf(container, '#trial-findings-status-open')).toBe('已选：待处理');
    await click(container, '#trial-findings-status-closed');
    await waitForText(container, '#trial-catalog', '暂无已关闭的试用问题');
    // the status shown says so in words, not by colour alone
    expect(textOf(container, '#trial-findings-status-closed')).toBe('已选：已关闭');
    expect(textOf(container, '#trial-findings-status-open')).toBe('待处理');
    expect(eventsOf(calls, 'admin', 'trialFindings')).toEqual([{ action: 'trialFindings', status: 'open' }, { action: 'trialFindings', status: 'closed' }]);
  });

  it('shows the function’s refusal of a review of one’s own proposal, and asks a reason before sending a rejection', async () => {
    const own = { ok: false as const, code: 'FORBIDDEN' as const, message: '不能审核自己提出的更正，请由另一位监管人员审核' };
    const { container, calls } = await opened({ roles: NATIONAL, launch: CLOSED_STATE, answers: { reviewCatalogFix: (e) => (e.approve ? own : ok({ ...FIX, status: 'rejected', reviewedBy: '监管人员', reviewedAt: '2026-12-06T02:00:00.000Z', reason: String(e.reason) })) } });
    const id = `#trial-fix-${FIX.id}`;
    await waitForText(container, `${id}-change`, '由“南京住房公积金管理中心”改为“南京住房公积金管理中心（南京市）”');
    confirmModals();
    await press(container, `${id}-approve`);
    await waitForText(container, `${id}-error`, '不能审核自己提出的更正');
    expect(textOf(container, `${id}-status`)).toBe('待审核');

    await click(container, `${id}-reject`);
    await click(container, `${id}-reject`);
    await waitForText(container, `${id}-reason-error`, '不通过时请写明理由');
    expect(eventsOf(calls, 'admin', 'reviewCatalogFix')).toHaveLength(1);
    await fill(container, `${id}-reason textarea`, '名称以批复文件为准');
    await click(container, `${id}-reject`);
    await waitForText(container, `${id}-status`, '未通过');
    expect(eventsOf(calls, 'admin', 'reviewCatalogFix')[1]).toEqual({ action: 'reviewCatalogFix', id: FIX.id, approve: false, reason: '名称以批复文件为准' });
    expect(textOf(container, `${id}-reviewed`)).toBe('监管人员 审核于 2026-12-06 10:00：名称以批复文件为准');
  });
});

it('has no serious or critical accessibility violation (axe-core, WCAG 2.2 AA)', async () => {
  const { container } = await opened({ roles: NATIONAL, launch: CLOSED_STATE });
  await findElement(container, `#trial-finding-${FINDING.id}`);
  await findElement(container, '#trial-testers');
  expect(await seriousViolationsIn(container)).toEqual([]);
});

it('is reached from the supervise overview', async () => {
  // the overview itself from the shared local host, as its national supervisor
  setDevOpenid('dev-supervisor');
  const navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
  const { container } = render(<OverviewPage />);
  await findElement(container, '#overview-go-trial', 30_000);
  await click(container, '#overview-go-trial');
  expect(navigate.mock.calls.map(([o]) => o.url)).toEqual(['/packages/supervise/trial/index']);
});
