import { act, render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { ChangeView, HealthView, PortalOverview, UnhealthyView } from '../../src/core/center-portal';
import JoinPage from '../../src/packages/portal/join';
import LinksPage from '../../src/packages/portal/links';
import ReviewPage from '../../src/packages/portal/review';
import RolesPage from '../../src/packages/portal/roles';
import { setDevOpenid } from '../../src/services/dev-identity';
import { callFunction } from '../../src/services/cloud';
import { adminCalls, portalCalls, type ConformanceReport, type ConformanceRunView } from '../../src/services/portal';
import { useLocalHost } from './support/local-host';
import { answerWith, sentBodies, uniqueOpenid } from './support/calls';
import { click, confirmModals, fill, press, textOf, waitForText } from './support/interact';
import { findElement, hidePage, openWith, showPage } from './support/page';

const SUPERVISOR = 'dev-supervisor';
const NANJING = '320100';
const host = useLocalHost();

const freshOpenid = (tag: string) => uniqueOpenid(`page-portal-${tag}`);

/** A supervisor's invite code for the center, asked of the admin function itself. */
async function inviteCode(centerCode: string): Promise<string> {
  setDevOpenid(SUPERVISOR);
  const invited = await adminCalls.inviteStaff(centerCode);
  if (!invited.ok) throw new Error(`inviteStaff: ${invited.message}`);
  return invited.data.code;
}

/** A person of their own who joined the center's staff through the portal function; the pages then run as them. */
async function newStaff(centerCode: string, tag: string): Promise<string> {
  const code = await inviteCode(centerCode);
  const openid = freshOpenid(tag);
  setDevOpenid(openid);
  const joined = await portalCalls.joinCenter(code);
  if (!joined.ok) throw new Error(`joinCenter: ${joined.message}`);
  return openid;
}

/** The overview as the portal function answers it to the current person. */
async function overviewNow(): Promise<PortalOverview> {
  const got = await portalCalls.overview();
  if (!got.ok) throw new Error(`overview: ${got.message}`);
  return got.data;
}

/** The work orders the current person (staff) proposed with the given status: the portal names them 本人, never by openid. */
async function proposedBy(openid: string, status: ChangeView['status']): Promise<ChangeView[]> {
  setDevOpenid(openid);
  return (await overviewNow()).changes.filter((c) => c.proposedBy === '本人' && c.status === status);
}

async function openLinks(): Promise<HTMLElement> {
  const { container } = render(<LinksPage />);
  await findElement(container, '#links-center, .state-error');
  return container;
}

async function openReview(): Promise<HTMLElement> {
  const { container } = render(<ReviewPage />);
  await findElement(container, '#review-pending, .state-error');
  return container;
}

const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

beforeEach(() => {
  // the links page reads its query (a trial finding to correct): opened here with none
  openWith({});
  jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
});
afterEach(() => jest.restoreAllMocks());

describe('center portal, from invite to an approved link', () => {
  it('invites, joins 320100, refuses an unsafe link and a too early date, and shows the approved change as 已通过，待生效', async () => {
    const { simOrigin } = host();
    confirmModals();

    // a supervisor invites staff for 320100 on the review page
    setDevOpenid(SUPERVISOR);
    const review = render(<ReviewPage />);
    await fill(review.container, '#review-invite-center input', NANJING);
    await press(review.container, '#review-invite-submit');
    const code = await waitForText(review.container, '#review-invite-code', /^[A-HJ-NP-Z2-9]{8}$/);
    expect(textOf(review.container, '#review-invite-result')).toContain(`中心 ${NANJING} 的邀请码`);
    expect(textOf(review.container, '#review-invite-expiry')).toMatch(/^有效至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}，只能使用一次$/);
    review.unmount();

    // a fresh person joins with the code typed by hand (lower case)
    const staff = freshOpenid('flow');
    setDevOpenid(staff);
    const join = render(<JoinPage />);
    await fill(join.container, '#join-code input', code.toLowerCase());
    await press(join.container, '#join-submit');
    await waitForText(join.container, '#join-center', '您现在是南京市住房公积金管理中心的工作人员。');
    join.unmount();

    // the links page shows 320100's overview, the form pre-filled with the earliest date
    const { earliestEffectiveDate: earliest } = await overviewNow();
    let links = await openLinks();
    expect(textOf(links, '#links-center')).toContain('南京市住房公积金管理中心');
    expect(textOf(links, '#links-center')).toContain(NANJING);
    expect(textOf(links, '#links-item-1-value')).toBe(`${simOrigin}/hall/${NANJING}/1`);
    expect(textOf(links, '#links-propose')).toContain(`最早可于 ${earliest} 生效（提交后第 10 个工作日）`);
    expect((await findElement<HTMLInputElement>(links, '#links-date input')).value).toBe(earliest);

    // an IP address is refused with the server's reason under the URL field, and nothing is pending
    await fill(links, '#links-url input', 'https://127.0.0.1/x');
    await press(links, '#links-submit');
    await waitForText(links, '#links-url-error', '链接地址不可用：不能直接使用 IP 地址（127.0.0.1），请填写域名');
    expect(await proposedBy(staff, 'pending')).toEqual([]);

    // a valid link with a date before the earliest: the reason under the date field
    const url = `${simOrigin}/hall/${NANJING}/1?v=${Date.now()}`;
    await fill(links, '#links-url input', url);
    await fill(links, '#links-date input', dayBefore(earliest));
    await press(links, '#links-submit');
    await waitForText(links, '#links-date-error', `生效日期最早为 ${earliest}`);
    expect(links.querySelector('#links-url-error')).toBeNull();
    expect(await proposedBy(staff, 'pending')).toEqual([]);

    // with the earliest date it is made, and listed as 待审核
    await fill(links, '#links-date input', earliest);
    await press(links, '#links-submit');
    await waitForText(links, '#links-history', url);
    const [change] = await proposedBy(staff, 'pending');
    expect(change).toMatchObject({ target: { kind: 'link', item: 1, link: { kind: 'web', url } }, effectiveDate: earliest });
    await waitForText(links, `#links-change-${change.id}-status`, '待审核');
    expect(textOf(links, `#links-change-${change.id}-value`)).toBe(`${simOrigin}/hall/${NANJING}/1 → ${url}`);
    // the center sees people, never openids: its own staff member as 本人
    expect(textOf(links, `#links-change-${change.id}`)).toContain('提交：本人');
    expect(textOf(links, `#links-change-${change.id}`)).not.toContain(staff);
    expect((await findElement<HTMLInputElement>(links, '#links-url input')).value).toBe('');

    // the supervisor approves it on the review page
    setDevOpenid(SUPERVISOR);
    const approval = await openReview();
    const pending = await findElement(approval, `#review-change-${change.id}`);
    expect(pending.textContent).toContain(`南京市住房公积金管理中心（${NANJING}）`);
    expect(pending.textContent).toContain('事项 1 缴存贷款信息查询');
    // old and new side by side
    expect(textOf(approval, `#review-change-${change.id}-old`)).toBe(`${simOrigin}/hall/${NANJING}/1`);
    expect(textOf(approval, `#review-change-${change.id}-new`)).toBe(url);
    expect(pending.textContent).toContain(`生效日期：${earliest}`);
    // the proposer by role (no display name), never by openid
    expect(textOf(approval, `#review-change-${change.id}-proposed`)).toMatch(/^提交：中心工作人员 · /);
    expect(pending.textContent).not.toContain(staff);
    await press(approval, `#review-approve-${change.id}`);
    // decided, it leaves 待审核的变更 for the history
    await waitForText(approval, `#review-decided-${change.id}-status`, '已通过，待生效');
    expect(approval.querySelector(`#review-change-${change.id}`)).toBeNull();
    expect(textOf(approval, `#review-decided-${change.id}-reviewed`)).toMatch(/^审核：本人 · /);
    // with the old value the reviewer saw beside the new
    expect(textOf(approval, `#review-decided-${change.id}-old`)).toBe(`${simOrigin}/hall/${NANJING}/1`);

    // the center sees it approved, waiting for its date, the old link still live
    setDevOpenid(staff);
    links = await openLinks();
    await waitForText(links, `#links-change-${change.id}-status`, '已通过，待生效');
    // the reviewing supervisor by role, never by openid
    expect(textOf(links, `#links-change-${change.id}`)).toContain('审核：监管人员');
    expect(textOf(links, `#links-change-${change.id}`)).not.toContain(SUPERVISOR);
    expect(textOf(links, '#links-item-1-value')).toBe(`${simOrigin}/hall/${NANJING}/1`);
  });
});

describe('join page', () => {
  it('refuses a code of the wrong shape under the field without calling the function', async () => {
    setDevOpenid(freshOpenid('shape'));
    const { container } = render(<JoinPage />);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await fill(container, '#join-code input', 'abc');
    await press(container, '#join-submit');

    expect(textOf(container, '#join-code-error')).toBe('邀请码应为 8 位字母或数字');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('says under the field that a used code is not valid, and that a person already serves a center', async () => {
    const code = await inviteCode(NANJING);
    const first = freshOpenid('first');
    setDevOpenid(first);
    expect((await portalCalls.joinCenter(code)).ok).toBe(true);

    setDevOpenid(freshOpenid('second'));
    let page = render(<JoinPage />);
    await fill(page.container, '#join-code input', code);
    await press(page.container, '#join-submit');
    await waitForText(page.container, '#join-code-error', '邀请码无效或已过期，请向监管部门重新索取');
    expect(page.container.querySelector('#join-done')).toBeNull();
    page.unmount();

    const another = await inviteCode('321000');
    setDevOpenid(first);
    page = render(<JoinPage />);
    await fill(page.container, '#join-code input', another);
    await press(page.container, '#join-submit');
    await waitForText(page.container, '#join-code-error', '您已是南京市住房公积金管理中心的工作人员，一人只能为一个中心工作');
  });

  it('opens the links page from the joined card', async () => {
    const code = await inviteCode(NANJING);
    setDevOpenid(freshOpenid('go'));
    const redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' });
    const { container } = render(<JoinPage />);
    await fill(container, '#join-code input', code);
    await press(container, '#join-submit');
    await click(container, '#join-go-links');

    expect(redirectTo).toHaveBeenCalledWith({ url: '/packages/portal/links/index' });
  });
});

describe('links page', () => {
  it('shows the FORBIDDEN message to a person who is not center staff', async () => {
    setDevOpenid(freshOpenid('outsider'));
    const container = await openLinks();

    expect(textOf(container, '.state-error .state-message')).toBe('仅中心工作人员可以查看本中心的登记情况');
    expect(container.querySelector('#links-propose')).toBeNull();
  });

  it('shows each item’s health as the daily check found it: 健康 / 异常, when, the page title and the error', async () => {
    await newStaff(NANJING, 'health');
    const finding = (url: string, healthy: boolean): HealthView => ({
      url,
      healthy,
      consecutiveFailures: healthy ? 0 : 2,
      checkedAt: '2025-03-03T16:10:00.000Z',
      status: healthy ? 200 : null,
      title: healthy ? '南京公积金网上服务大厅' : null,
      error: healthy ? null : 'TLS 证书已过期',
    });
    answerWith<PortalOverview>('overview', (o) => ({
      ...o,
      links: o.links.map((l) => (l.link?.kind === 'web' ? { ...l, healthy: l.item !== 3, health: finding(l.link.url, l.item !== 3) } : l)),
      endpoint: { ...o.endpoint, mode: 'api', url: 'https://gjj.example.cn/api', health: finding('https://gjj.example.cn/api', false) },
    }));
    const container = await openLinks();

    expect(textOf(container, '#links-item-1-health-tag')).toBe('健康');
    expect(textOf(container, '#links-item-1-health')).toContain('最近检查：2025-03-04 00:10');
    expect(textOf(container, '#links-item-1-health')).toContain('页面标题：南京公积金网上服务大厅');
    expect(textOf(container, '#links-item-3-health-tag')).toBe('异常');
    expect(textOf(container, '#links-item-3-health')).toContain('错误：TLS 证书已过期');
    expect(textOf(container, '#links-item-3-health')).toContain('已连续 2 次检查失败');
    // 南京 takes item 6 in the app: no link, nothing to check
    expect(textOf(container, '#links-item-6-value')).toBe('小程序内在线申请');
    expect(container.querySelector('#links-item-6-health')).toBeNull();
    expect(textOf(container, '#links-endpoint-url')).toBe('https://gjj.example.cn/api');
    expect(textOf(container, '#links-endpoint-health-tag')).toBe('异常');
  });

  it('calls a link the daily check has not looked at yet 未检查, not 健康', async () => {
    await newStaff(NANJING, 'unchecked');
    answerWith<PortalOverview>('overview', (o) => ({ ...o, links: o.links.map((l) => (l.link?.kind === 'web' ? { ...l, healthy: true, health: null } : l)) }));
    const container = await openLinks();
    expect(textOf(container, '#links-item-1-health-tag')).toBe('未检查');
    expect(textOf(container, '#links-item-1-health')).toContain('尚无检查记录');
  });

  it('marks the earliest effective date 预计 with what that means when the function says it is an estimate', async () => {
    await newStaff(NANJING, 'provisional');
    answerWith<PortalOverview>('overview', (o) => ({ ...o, earliestEffectiveDate: '2031-01-15', earliestProvisional: true }));
    const container = await openLinks();

    expect(textOf(container, '#links-propose')).toContain('最早可于 2031-01-15（预计） 生效（提交后第 10 个工作日）');
    expect(textOf(container, '#links-date-provisional')).toContain('国务院节假日安排尚未载入');
    expect((await findElement<HTMLInputElement>(container, '#links-date input')).value).toBe('2031-01-15');
  });

  it('shows no 预计 beside an earliest effective date counted on a known arrangement', async () => {
    await newStaff(NANJING, 'known');
    answerWith<PortalOverview>('overview', (o) => ({ ...o, earliestProvisional: false }));
    const container = await openLinks();

    expect(textOf(container, '#links-propose')).toMatch(/最早可于 \d{4}-\d{2}-\d{2} 生效/);
    expect(textOf(container, '#links-propose')).not.toContain('预计');
    expect(container.querySelector('#links-date-provisional')).toBeNull();
  });

  it('proposes a mini-program page after saying what is missing, and a switch to manual delivery', async () => {
    const staff = await newStaff(NANJING, 'mp');
    const container = await openLinks();
    // each item by its name, not by its number alone
    expect(textOf(container, '#links-target-3')).toBe('退休提取');
    await click(container, '#links-target-3');
    await click(container, '#links-kind-miniprogram');
    expect(container.querySelector('#links-url')).toBeNull();

    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await fill(container, '#links-appid input', 'wx123');
    await press(container, '#links-submit');
    expect(textOf(container, '#links-appid-error')).toBe('小程序 AppID 应为 wx 加 16 位数字或小写字母 a-f（共 18 位），可在该小程序后台“开发管理-开发设置”中查看');
    await fill(container, '#links-appid input', 'wx0123456789abcdef');
    await press(container, '#links-submit');
    expect(textOf(container, '#links-path-error')).toBe('请填写小程序页面路径');
    expect(fetchSpy).not.toHaveBeenCalled();

    await fill(container, '#links-path input', 'pages/retire/index');
    await press(container, '#links-submit');
    await waitForText(container, '#links-history', '→ 小程序 wx0123456789abcdef pages/retire/index');

    await click(container, '#links-target-endpoint');
    await click(container, '#links-kind-manual');
    await press(container, '#links-submit');
    await waitForText(container, '#links-history', '→ 在工作台人工办理');

    const { earliestEffectiveDate } = await overviewNow();
    const proposals = sentBodies(fetchSpy).filter((b) => b.action !== 'overview');
    expect(proposals).toEqual([
      { action: 'proposeLink', item: 3, appId: 'wx0123456789abcdef', path: 'pages/retire/index', effectiveDate: earliestEffectiveDate },
      { action: 'proposeEndpoint', manual: true, effectiveDate: earliestEffectiveDate },
    ]);
    // both were made within the same moment, so their order in the list is not what tells them apart
    const pending = await proposedBy(staff, 'pending');
    const endpoint = pending.find((c) => c.target.kind === 'endpoint')!;
    const miniprogram = pending.find((c) => c.target.kind === 'link')!;
    expect(textOf(container, `#links-change-${endpoint.id}`)).toContain('接收推送的接口');
    expect(textOf(container, `#links-change-${endpoint.id}-status`)).toBe('待审核');
    expect(textOf(container, `#links-change-${miniprogram.id}-value`)).toContain('→ 小程序 wx0123456789abcdef pages/retire/index');
  });

  it('shows the first signing secret the function makes with an API endpoint proposal, once', async () => {
    const { simOrigin } = host();
    await newStaff(NANJING, 'first-secret');
    const first = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    answerWith<{ change: ChangeView; secret?: string }>('proposeEndpoint', (answer) => ({ ...answer, secret: first }));
    const container = await openLinks();
    await click(container, '#links-target-endpoint');
    await fill(container, '#links-url input', `${simOrigin}/centers/${NANJING}/applications`);
    await press(container, '#links-submit');

    await waitForText(container, '#links-new-secret-value', first);
    expect(textOf(container, '#links-propose-secret')).toContain('已同时为本中心生成第一个签名密钥');
    await waitForText(container, '#links-history', `→ ${simOrigin}/centers/${NANJING}/applications`);
  });

  it('shows a rotated secret once, with a way to copy it and the notice that the old one stays valid', async () => {
    await newStaff(NANJING, 'secret');
    const showModal = jest.spyOn(Taro, 'showModal').mockResolvedValueOnce({ confirm: false, cancel: true, errMsg: 'showModal:ok' });
    const setClipboardData = jest.spyOn(Taro, 'setClipboardData').mockResolvedValue({ data: '', errMsg: 'setClipboardData:ok' });
    let container = await openLinks();

    // not confirmed: nothing sent
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await press(container, '#links-rotate');
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(container.querySelector('#links-new-secret')).toBeNull();

    showModal.mockResolvedValue({ confirm: true, cancel: false, errMsg: 'showModal:ok' });
    await press(container, '#links-rotate');
    const secret = await waitForText(container, '#links-new-secret-value', /^whsec_[A-Za-z0-9+/=]{24,}$/);
    expect(showModal.mock.calls[1][0]).toMatchObject({ content: expect.stringContaining('新密钥只显示这一次') });
    expect(textOf(container, '#links-secret-notice')).toContain('旧密钥在下次更换前仍然有效');
    await waitForText(container, '#links-secret-status', '最近更换：');
    const { secrets } = await overviewNow();
    expect(textOf(container, '#links-secret-status')).toContain(`有效密钥 ${secrets.valid} 个，最近更换：`);

    await click(container, '#links-copy-secret');
    expect(setClipboardData).toHaveBeenCalledWith({ data: secret });

    // opened again: the secret is gone for good
    document.body.innerHTML = '';
    container = await openLinks();
    await findElement(container, '#links-secret');
    expect(container.querySelector('#links-new-secret')).toBeNull();
    expect(container.innerHTML).not.toContain(secret);
  });

  it('runs interface testing against the center’s endpoint and shows each check passed with its detail, then 已通过 with the date', async () => {
    // 杭州 keeps the local host's demo endpoint and secret, which its center simulator answers to
    await newStaff('330100', 'conformance');
    const container = await openLinks();
    expect(textOf(container, '#links-conformance-status')).toBe('未开始接口测试');

    await press(container, '#links-run-conformance');
    await waitForText(container, '#links-conformance-result', /^全部 \d+ 项通过$/, 90_000);
    const checks = Array.from(container.querySelectorAll('.links-check'));
    expect(checks.length).toBeGreaterThan(5);
    for (const check of checks) {
      expect(check.querySelector('.links-check-mark')?.textContent).toBe('✓');
      expect(check.querySelector('.links-check-detail')?.textContent).not.toBe('');
    }
    const { conformance } = await overviewNow();
    expect(conformance.status).toBe('passed');
    await waitForText(container, '#links-conformance-status', /^已通过（\d{4}-\d{2}-\d{2}）$/);
  }, 120_000);

  /** A run as `portal runConformance` and `portal conformanceRun` answer it: two steps, `done` of them done. */
  function runView({ state, done, report = null }: { state: ConformanceRunView['state']; done: number; report?: ConformanceReport | null }): ConformanceRunView {
    const labels = { running: '正在测试', passed: '全部通过', failed: '未全部通过', abandoned: '未完成（已中止）' } as const;
    const names = ['推送新申请：住房公积金转移接续', '推送代收抄送'];
    return {
      runId: 'run0123456789abcdef0123',
      url: 'https://api.example.cn/hooks',
      startedAt: '2026-11-20T02:00:00.000Z',
      state,
      stateLabel: labels[state],
      finished: state !== 'running',
      done,
      total: 2,
      secrets: 1,
      steps: names.map((name, i) =>
        i < done
          ? { name, state: 'passed', label: '通过', checks: [{ id: `check-${i}`, name, passed: true, detail: '中心答复 HTTP 200' }] }
          : { name, state: 'waiting', label: '等待中', checks: [] },
      ),
      report,
    };
  }

  /** Answers the interface-testing actions as given (`'network-down'`: the poll never reaches the host), counting the polls; the rest goes to the local host. */
  function answerRuns(answers: { runConformance: () => ConformanceRunView; conformanceRun?: (poll: number) => ConformanceRunView | 'network-down' }): { polls: () => number } {
    let polls = 0;
    const realFetch = globalThis.fetch;
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const body = JSON.parse(String(init?.body ?? '{}')) as { action?: string };
      if (body.action === 'runConformance') return new Response(JSON.stringify({ ok: true, data: answers.runConformance() }));
      if (body.action === 'conformanceRun' && answers.conformanceRun) {
        polls += 1;
        const answer = answers.conformanceRun(polls);
        if (answer === 'network-down') throw new TypeError('Failed to fetch');
        return new Response(JSON.stringify({ ok: true, data: answer }));
      }
      return realFetch(input, init);
    });
    return { polls: () => polls };
  }
  const pause = (ms: number) => act(() => new Promise((resolve) => setTimeout(resolve, ms)));

  it('starts a run at once, polls it every 2 seconds with 步骤 x/y and each step’s result, and stops once it has finished', async () => {
    await newStaff(NANJING, 'polling');
    const report: ConformanceReport = {
      passed: true,
      startedAt: '2026-11-20T02:00:00.000Z',
      finishedAt: '2026-11-20T02:00:40.000Z',
      checks: [
        { id: 'check-0', name: '推送新申请：住房公积金转移接续', passed: true, detail: '中心答复 HTTP 200' },
        { id: 'check-1', name: '推送代收抄送', passed: true, detail: '中心答复 HTTP 200' },
      ],
    };
    const calls = answerRuns({
      runConformance: () => runView({ state: 'running', done: 0 }),
      conformanceRun: (poll) => (poll === 1 ? runView({ state: 'running', done: 1 }) : runView({ state: 'passed', done: 2, report })),
    });
    const container = await openLinks();
    await press(container, '#links-run-conformance');

    await waitForText(container, '#links-conformance-progress', /^正在测试：步骤 0\/2/);
    expect(textOf(container, '#links-step-1')).toBe('等待中 推送代收抄送');
    expect(textOf(container, '#links-run-conformance')).toContain('测试进行中');
    // the first poll two seconds on
    await waitForText(container, '#links-conformance-progress', /^正在测试：步骤 1\/2/, 3_500);
    expect(textOf(container, '#links-step-0')).toBe('通过 推送新申请：住房公积金转移接续✓ 中心答复 HTTP 200');
    await waitForText(container, '#links-conformance-result', '全部 2 项通过', 3_500);
    expect(textOf(container, '#links-conformance-progress')).toContain('全部通过：步骤 2/2');
    expect(container.querySelector('#links-step-0')).toBeNull();
    // finished: no more polls
    const polled = calls.polls();
    expect(polled).toBe(2);
    await pause(2_500);
    expect(calls.polls()).toBe(polled);
  }, 30_000);

  it('shows a failed poll, tries again later, and shows the finished run with the run button usable again', async () => {
    await newStaff('320500', 'polling-failed');
    const report: ConformanceReport = {
      passed: true,
      startedAt: '2026-11-20T02:00:00.000Z',
      finishedAt: '2026-11-20T02:00:40.000Z',
      checks: [{ id: 'check-0', name: '推送新申请：住房公积金转移接续', passed: true, detail: '中心答复 HTTP 200' }],
    };
    const calls = answerRuns({
      runConformance: () => runView({ state: 'running', done: 0 }),
      conformanceRun: (poll) => (poll === 1 ? 'network-down' : runView({ state: 'passed', done: 2, report })),
    });
    const container = await openLinks();
    await press(container, '#links-run-conformance');
    await waitForText(container, '#links-conformance-error', '查询测试进度失败：网络不太顺畅，请检查网络后重试（4 秒后自动再查）', 3_500);
    expect(textOf(container, '#links-run-conformance')).toContain('测试进行中');
    // the next poll waits twice as long, then shows the finished run
    await waitForText(container, '#links-conformance-result', '全部 1 项通过', 5_000);
    expect(calls.polls()).toBe(2);
    expect(container.querySelector('#links-conformance-error')).toBeNull();
    expect(textOf(container, '#links-run-conformance')).toContain('运行接口测试');
    expect(container.querySelector('#links-run-conformance')?.hasAttribute('disabled')).toBe(false);
  }, 30_000);

  it('stops polling while the page is hidden and goes on when it shows again', async () => {
    await newStaff('320300', 'polling-hidden');
    const calls = answerRuns({ runConformance: () => runView({ state: 'running', done: 0 }), conformanceRun: () => runView({ state: 'running', done: 1 }) });
    const container = await openLinks();
    await press(container, '#links-run-conformance');
    await waitForText(container, '#links-conformance-progress', /步骤 0\/2/);
    hidePage();
    await pause(2_500);
    expect(calls.polls()).toBe(0);
    showPage();
    await waitForText(container, '#links-conformance-progress', /步骤 1\/2/, 3_500);
    expect(calls.polls()).toBe(1);
  }, 30_000);

  it('shows the latest run when the page is opened, from the overview’s run', async () => {
    await newStaff('320400', 'latest-run');
    // the overview names a run started earlier that never finished: the page shows it at once
    const realFetch = globalThis.fetch;
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const body = JSON.parse(String(init?.body ?? '{}')) as { action?: string };
      if (body.action === 'conformanceRun') return new Response(JSON.stringify({ ok: true, data: runView({ state: 'abandoned', done: 1 }) }));
      const answer = await realFetch(input, init);
      if (body.action !== 'overview') return answer;
      const read = (await answer.json()) as { ok: true; data: PortalOverview };
      const conformance = { status: 'started', label: '已开始接口测试', at: '2026-11-20T02:00:00.000Z', runId: 'run0123456789abcdef0123' } as const;
      return new Response(JSON.stringify({ ok: true, data: { ...read.data, conformance } }));
    });
    const container = await openLinks();
    await waitForText(container, '#links-conformance-progress', /^未完成（已中止）：步骤 1\/2/);
    expect(textOf(container, '#links-run-conformance')).toContain('运行接口测试');
  });

  it('marks each failed check ✗ with why', async () => {
    await newStaff(NANJING, 'failed-check');
    const report: ConformanceReport = {
      passed: false,
      startedAt: '2025-03-04T02:00:00.000Z',
      finishedAt: '2025-03-04T02:00:40.000Z',
      checks: [
        { id: 'delivery.copy', name: '推送代收抄送', passed: true, detail: '中心答复 HTTP 200' },
        { id: 'refuse.bad-signature', name: '拒绝签名错误的推送', passed: false, detail: '未校验签名：不符时答复 401' },
      ],
    };
    answerRuns({ runConformance: () => runView({ state: 'failed', done: 2, report }) });
    const container = await openLinks();
    await press(container, '#links-run-conformance');

    await waitForText(container, '#links-conformance-result', '1 项未通过（共 2 项）');
    expect(textOf(container, '#links-conformance-progress')).toContain('未全部通过：步骤 2/2');
    expect(textOf(container, '#links-check-0')).toBe('✓ 推送代收抄送中心答复 HTTP 200');
    expect(textOf(container, '#links-check-1 .links-check-mark')).toBe('✗');
    expect(textOf(container, '#links-check-1')).toContain('未校验签名：不符时答复 401');
  });

  it('says what is missing when the center has no API endpoint to test', async () => {
    const staff = await newStaff('330200', 'no-endpoint');
    // a supervisor sets 宁波 to work in the workbench only
    const manual = await fetch('/api/admin', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': SUPERVISOR },
      body: JSON.stringify({ action: 'setManual', centerCode: '330200' }),
    });
    expect(((await manual.json()) as { ok: boolean }).ok).toBe(true);
    setDevOpenid(staff);
    const container = await openLinks();
    expect(textOf(container, '#links-endpoint')).toContain('在工作台人工办理');
    await press(container, '#links-run-conformance');

    await waitForText(container, '#links-conformance-error', '请先登记接收推送的接口地址，再进行接口测试');
    expect(container.querySelector('#links-conformance-report')).toBeNull();
  });
});

describe('review page', () => {
  it('shows the FORBIDDEN message to a person who is not a supervisor', async () => {
    setDevOpenid('dev-staff-321000');
    const container = await openReview();

    expect(textOf(container, '.state-error .state-message')).toBe('仅监管人员可以进行此操作');
    expect(container.querySelector('#review-invite')).toBeNull();
  });

  it('asks for a reason before rejecting, rejects after confirmation, and the center sees why', async () => {
    const { simOrigin } = host();
    const staff = await newStaff(NANJING, 'reject');
    const { earliestEffectiveDate } = await overviewNow();
    const proposed = await portalCalls.proposeLink({ item: 4, url: `${simOrigin}/hall/${NANJING}/4?v=${Date.now()}`, effectiveDate: earliestEffectiveDate });
    if (!proposed.ok) throw new Error(proposed.message);
    const id = proposed.data.id;

    setDevOpenid(SUPERVISOR);
    const showModal = confirmModals();
    const container = await openReview();
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await press(container, `#review-reject-${id}`);
    expect(textOf(container, `#review-error-${id}`)).toBe('不通过时请写明理由');
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(showModal).not.toHaveBeenCalled();

    await fill(container, `#review-reason-${id} textarea`, '链接指向测试环境，请改为正式地址');
    await press(container, `#review-reject-${id}`);
    await waitForText(container, `#review-decided-${id}-status`, '未通过');
    expect(container.querySelector(`#review-change-${id}`)).toBeNull();
    expect(showModal.mock.calls[0][0]).toMatchObject({ title: '不通过变更' });
    expect(sentBodies(fetchSpy)).toEqual([{ action: 'reviewChange', id, approve: false, reason: '链接指向测试环境，请改为正式地址' }]);

    setDevOpenid(staff);
    const links = await openLinks();
    await waitForText(links, `#links-change-${id}-status`, '未通过');
    expect(textOf(links, `#links-change-${id}-reason`)).toBe('未通过理由：链接指向测试环境，请改为正式地址');
  });

  it('shows a pending web link’s business domain with its state, beside what is live now', async () => {
    const { simOrigin } = host();
    await newStaff(NANJING, 'domain');
    const { earliestEffectiveDate } = await overviewNow();
    const proposed = await portalCalls.proposeLink({ item: 3, url: `${simOrigin}/hall/${NANJING}/3?d=${Date.now()}`, effectiveDate: earliestEffectiveDate });
    if (!proposed.ok) throw new Error(proposed.message);
    const { id } = proposed.data;
    setDevOpenid(SUPERVISOR);
    answerWith<ChangeView[]>('pendingChanges', (all) => all.map((c) => (c.id === id ? { ...c, domain: { name: 'wsbs.njgjj.example.cn', state: 'file-placed' } } : c)));
    const container = await openReview();
    await findElement(container, `#review-change-${id}`);
    expect(textOf(container, `#review-change-${id}-domain`)).toBe('业务域名：wsbs.njgjj.example.cn（校验文件已放置，待配置）');
    expect(textOf(container, `#review-change-${id}-old`)).toBe(`${simOrigin}/hall/${NANJING}/3`);
  });

  it('shows a center’s one history: a supervisor’s immediate change beside the center’s proposals, old and new, by name and role', async () => {
    const center = '320500';
    const staff = await newStaff(center, 'history');
    setDevOpenid(SUPERVISOR);
    const set = await callFunction('admin', { action: 'setCounter', centerCode: center, address: '苏州市某区某路 3 号 公积金服务大厅', hours: `工作日 9:00-17:00（${Date.now() % 1000}）` });
    expect(set).toMatchObject({ ok: true });
    const container = await openReview();
    // bad input is refused under the field, asking nothing
    await fill(container, '#review-history-center input', '3205');
    await press(container, '#review-history-submit');
    expect(textOf(container, '#review-history-center-error')).toBe('中心代码应为 6 位数字');
    await fill(container, '#review-history-center input', center);
    await press(container, '#review-history-submit');
    const card = await findElement(container, '#review-history [id^="review-history-chg"]');
    const id = card.id.replace('review-history-', '');
    expect(textOf(container, `#review-history-${id}-status`)).toBe('已生效');
    expect(card.textContent).toContain('服务大厅地址和办公时间');
    expect(textOf(container, `#review-history-${id}-new`)).toContain('苏州市某区某路 3 号 公积金服务大厅');
    expect(textOf(container, `#review-history-${id}-immediate`)).toBe('监管人员直接修改，即时生效');
    expect(textOf(container, `#review-history-${id}-proposed`)).toMatch(/^修改：本人 · /);

    // the center sees the same change in its history, the supervisor by role
    setDevOpenid(staff);
    const links = await openLinks();
    await waitForText(links, `#links-change-${id}-immediate`, '监管人员直接修改，即时生效');
    expect(textOf(links, `#links-change-${id}-proposed`)).toMatch(/^修改：监管人员 · /);
    expect(textOf(links, `#links-change-${id}`)).not.toContain(SUPERVISOR);
  });

  it('lists unhealthy links and endpoints and the approved changes the daily run could not switch', async () => {
    const unhealthy: UnhealthyView = {
      url: 'https://gjj.example.cn/query',
      health: { url: 'https://gjj.example.cn/query', healthy: false, consecutiveFailures: 3, checkedAt: '2025-03-03T16:10:00.000Z', status: 500, title: null, error: 'HTTP 500' },
      centerCode: '320300',
      centerName: '徐州市住房公积金管理中心',
      channelLabel: '事项 1 缴存贷款信息查询',
    };
    // marked unhealthy with no finding yet (the demo's 39 centers): listed all the same, saying so
    const seeded: UnhealthyView = { url: 'https://gjj.example.cn/seeded', health: null, centerCode: '320800', centerName: '淮安市住房公积金管理中心', channelLabel: '事项 3 退休提取' };
    const held: ChangeView = {
      id: 'chg0123456789abcdefghij',
      centerCode: NANJING,
      centerName: '南京市住房公积金管理中心',
      target: { kind: 'endpoint', endpoint: { kind: 'api', url: 'https://api.gjj.example.cn/push' } },
      targetLabel: '接收推送的接口',
      effectiveDate: '2025-03-03',
      status: 'approved',
      statusLabel: '已通过，待生效',
      proposedBy: 'someone',
      proposedAt: '2025-02-14T02:00:00.000Z',
      reviewedBy: SUPERVISOR,
      reviewedAt: '2025-02-15T02:00:00.000Z',
      reason: null,
      appliedAt: null,
      previous: null,
      immediate: false,
      held: { reason: '接收推送的接口地址不可用：域名 api.gjj.example.cn 无法解析', at: '2025-03-03T16:10:00.000Z' },
    };
    setDevOpenid(SUPERVISOR);
    const more = Array.from({ length: 20 }, (_, i) => ({ ...seeded, channelLabel: `事项 ${(i % 8) + 1}`, centerCode: `3209${String(i).padStart(2, '0')}` }));
    answerWith<{ unhealthy: UnhealthyView[]; held: ChangeView[] }>('linkHealth', () => ({ unhealthy: [unhealthy, seeded, ...more], held: [held] }));
    const container = await openReview();

    const finding = await findElement(container, '#review-unhealthy-0');
    expect(finding.textContent).toContain('徐州市住房公积金管理中心');
    expect(finding.textContent).toContain('事项 1 缴存贷款信息查询');
    expect(finding.textContent).toContain('https://gjj.example.cn/query');
    expect(finding.textContent).toContain('最近检查：2025-03-04 00:10 · 已连续 3 次失败');
    expect(finding.textContent).toContain('错误：HTTP 500');
    expect(textOf(container, '#review-unhealthy-1')).toContain('https://gjj.example.cn/seeded');
    expect(textOf(container, '#review-unhealthy-1')).toContain('已标记为无法访问，尚无每日检查的记录');
    // many at once: the first 20, then all on request
    expect(textOf(container, '#review-unhealthy-count')).toBe('共 22 项，先显示前 20 项');
    expect(container.querySelector('#review-unhealthy-20')).toBeNull();
    await press(container, '#review-unhealthy-all');
    await findElement(container, '#review-unhealthy-21');
    expect(textOf(container, '#review-unhealthy-count')).toBe('共 22 项');
    const heldCard = await findElement(container, `#review-held-${held.id}`);
    expect(heldCard.textContent).toContain('变更为：https://api.gjj.example.cn/push');
    expect(heldCard.textContent).toContain('未能切换：接收推送的接口地址不可用：域名 api.gjj.example.cn 无法解析');
  });

  it('refuses an invite for a center code that does not exist, under the field', async () => {
    setDevOpenid(SUPERVISOR);
    const container = await openReview();
    await fill(container, '#review-invite-center input', '12345');
    await press(container, '#review-invite-submit');
    expect(textOf(container, '#review-invite-center-error')).toBe('中心代码应为 6 位数字');

    await fill(container, '#review-invite-center input', '999999');
    await press(container, '#review-invite-submit');
    await waitForText(container, '#review-invite-center-error', '没有找到这个中心');
    expect(container.querySelector('#review-invite-code')).toBeNull();
  });
});

describe('roles page', () => {
  async function openRoles(): Promise<HTMLElement> {
    const { container } = render(<RolesPage />);
    await findElement(container, '#roles-active, .state-error');
    return container;
  }

  it('shows the FORBIDDEN message to a person who is not a supervisor', async () => {
    setDevOpenid('dev-staff-321000');
    const container = await openRoles();
    expect(textOf(container, '.state-error .state-message')).toBe('仅监管人员可以进行此操作');
    expect(container.querySelector('#roles-grant')).toBeNull();
  });

  it('revokes a staff member’s role after confirmation, who loses the portal at once, and grants it again', async () => {
    confirmModals();
    const staff = await newStaff('320400', 'revoked');
    const key = `${staff}-center-staff-320400`;
    setDevOpenid(SUPERVISOR);
    let container = await openRoles();
    const card = await findElement(container, `#roles-active #roles-${key}`);
    expect(card.textContent).toContain('中心工作人员 · 常州市住房公积金管理中心（320400）');
    expect(card.textContent).toContain(`微信账号标识：${staff}`);
    expect(card.querySelector(`#roles-${key}-revoke`)?.className).toContain('danger-button');
    expect(card.textContent).toContain(`授予：邀请码（${SUPERVISOR} 邀请）`);

    await press(container, `#roles-${key}-revoke`);
    await waitForText(container, `#roles-${key}-state`, '已撤销');
    expect(textOf(container, `#roles-${key}-revoked`)).toMatch(new RegExp(`^撤销：${SUPERVISOR} · \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}$`));
    expect(textOf(container, `#roles-${key}-secret-hint`)).toContain('签名密钥将在撤销后 72 小时停用');
    // the very next call of the person is refused
    setDevOpenid(staff);
    expect(await portalCalls.overview()).toMatchObject({ ok: false, code: 'FORBIDDEN' });

    setDevOpenid(SUPERVISOR);
    container.remove();
    container = await openRoles();
    await findElement(container, `#roles-revoked #roles-${key}`);
    await press(container, `#roles-${key}-grant`);
    await waitForText(container, `#roles-${key}-state`, '在任');
    setDevOpenid(staff);
    expect(await portalCalls.overview()).toMatchObject({ ok: true, data: { center: { code: '320400' } } });
  });

  it('refuses to revoke the supervisor’s own role, saying why on the card', async () => {
    confirmModals();
    setDevOpenid(SUPERVISOR);
    const container = await openRoles();
    const key = `${SUPERVISOR}-supervisor-all`;
    await press(container, `#roles-${key}-revoke`);
    await waitForText(container, `#roles-${key}-error`, '不能撤销自己的监管人员角色：请由另一位监管人员操作，以免无人能够管理角色');
    expect(textOf(container, `#roles-${key}-state`)).toBe('在任');
  });

  it('grants a role by openid with a display name, naming the field of a bad openid or a missing center', async () => {
    setDevOpenid(SUPERVISOR);
    const container = await openRoles();
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await fill(container, '#roles-openid input', 'not an openid!');
    await press(container, '#roles-grant-submit');
    expect(textOf(container, '#roles-openid-error')).toBe('openid 应为 1 到 64 位字母、数字、下划线或连字符');
    await fill(container, '#roles-openid input', freshOpenid('tester'));
    await press(container, '#roles-grant-submit');
    expect(textOf(container, '#roles-center-error')).toBe('中心工作人员须指明中心代码');
    expect(sentBodies(fetchSpy)).toEqual([]);

    const tester = freshOpenid('tester');
    await fill(container, '#roles-openid input', tester);
    await click(container, '#roles-role-tester');
    expect(container.querySelector('#roles-center')).toBeNull();
    await fill(container, '#roles-name input', '李测试');
    await press(container, '#roles-grant-submit');
    expect(textOf(container, '#roles-province-error')).toBe('内部测试人员须指明省份代码（如 320000 江苏）');
    await fill(container, '#roles-province input', '320000');
    await press(container, '#roles-grant-submit');
    const card = await findElement(container, `#roles-active #roles-${tester}-tester-320000`);
    expect(card.textContent).toContain('李测试');
    expect(card.textContent).toContain('内部测试人员 · 江苏省');
    expect(sentBodies(fetchSpy)).toEqual([{ action: 'grantRole', openid: tester, role: 'tester', province: '320000', displayName: '李测试' }]);
  });
});
