import { fireEvent, render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { UPLOAD_ID_PATTERN } from '../../src/core/applications/payloads';
import type { CenterWithDomains } from '../../src/core/business-domains';
import { fail, ok, type Result } from '../../src/core/errors';
import { isRecordedByHand, type CheckView, type ChecklistAnswer, type FindingView, type TrialCentersAnswer } from '../../src/core/trial';
import TrialCentersPage from '../../src/packages/trial/centers';
import ChecklistPage from '../../src/packages/trial/checklist';
import TrialFindingsPage from '../../src/packages/trial/findings';
import TrialJoinPage from '../../src/packages/trial/join';
import MinePage from '../../src/pages/mine';
import WebViewPage from '../../src/pages/webview';
import { setDevOpenid } from '../../src/services/dev-identity';
import { trialCalls } from '../../src/services/trial';
import { answerWith, uniqueOpenid } from './support/calls';
import { seriousViolationsIn } from './support/axe';
import { eventsOf, fakeFunctions, type FakeCall } from './support/fake-functions';
import { click, fill, press, textOf, waitForText, waitGone } from './support/interact';
import { findElement, openWith, showPage } from './support/page';
import { yangzhou } from './support/yangzhou';

/*
 * The testers' pages (packages/trial) with the `trial` function answered here: each test says what the function
 * answers and checks what the page sends and shows. The center's directory record (`centers get`) is answered here
 * too, with one link of each kind; the rest (uploads, whoami on 我的) goes to the shared local host.
 */

const YANGZHOU = '321000';
const SCREENSHOT_ID = 'uploads/abcdefghijklmnopqrstuvwx';
const FINDING_ID = 'fndbbbbbbbbbbbbbbbbbbb1';

const CENTER = yangzhou(
  [
    { item: 1, kind: 'web', url: 'https://gjj.yangzhou.example.cn/hall/1', healthy: true },
    { item: 2, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/hall/index', healthy: true },
    { item: 3, kind: 'web', url: 'https://gjj.yangzhou.example.cn/hall/3', healthy: false },
    { item: 4, kind: 'counter' },
  ],
  // the halls' domain is one of the mini-program's business domains
  ['gjj.yangzhou.example.cn'],
);

const line = (check: CheckView['check'], label: string, shown: string, more: Partial<CheckView> = {}): CheckView => ({
  check,
  label,
  shown,
  result: 'pending',
  required: true,
  checkedAt: null,
  checkedBy: null,
  note: null,
  observed: null,
  target: null,
  test: null,
  findingId: null,
  ...more,
});

const CHECKS: CheckView[] = [
  line('name', '中心名称', CENTER.name),
  line('phone', '服务电话', CENTER.phone),
  // the poster's and the tests' words ('' here): the real service's, set in beforeAll below
  line('poster', '中心小程序码', ''),
  line('link:1', '事项 1 缴存贷款信息查询', 'https://gjj.yangzhou.example.cn/hall/1', { target: 'web' }),
  line('link:2', '事项 2 开具缴存使用证明', '中心小程序 wx0123456789abcdef', { target: 'miniprogram' }),
  line('link:3', '事项 3 正常退休提取', 'https://gjj.yangzhou.example.cn/hall/3', { target: 'unavailable' }),
  line('link:4', '事项 4 单位登记开户', '到服务大厅办理', { target: 'counter' }),
  line('transfer', '转移接续测试申请受理', ''),
  line('test:certificate-loan-cleared', '贷款结清证明测试申请', '', { required: false }),
  line('test:purchase-withdrawal', '购房提取测试申请', '', { required: false, test: { applicationId: 'app-test-1', state: 'waiting', acceptBy: '2026-12-10', acceptedAt: null } }),
];

const PROGRESS = { done: 2, total: 8, failed: 1, openFindings: 1, oldestOpenDays: 4, transfer: 'not-sent' as const, hasEndpoint: true, ready: false };
const CHECKLIST: ChecklistAnswer = { centerCode: YANGZHOU, centerName: CENTER.name, phone: CENTER.phone, checks: CHECKS, progress: PROGRESS };

const CENTERS: TrialCentersAnswer = {
  province: '320000',
  provinceName: '江苏省',
  centers: [
    { centerCode: YANGZHOU, centerName: CENTER.name, ...PROGRESS },
    { centerCode: '320100', centerName: '南京市住房公积金管理中心', done: 9, total: 9, failed: 0, openFindings: 0, oldestOpenDays: 0, transfer: 'accepted', hasEndpoint: true, ready: true },
  ],
  readiness: { centers: 13, checked: 1, openFindings: 1, withEndpoint: 13, transferAccepted: 1, ready: false, missing: ['12 个中心未检查完', '1 个问题未关闭', '12 个中心未受理测试申请'] },
};

const finding = (id: string, status: FindingView['status'], more: Partial<FindingView> = {}): FindingView => ({
  id,
  province: '320000',
  centerCode: YANGZHOU,
  centerName: CENTER.name,
  check: 'link:3',
  checkLabel: '事项 3 正常退休提取',
  owner: 'center',
  status,
  statusLabel: { open: '待处理', fixed: '已整改待复核', closed: '已关闭' }[status],
  expected: null,
  seen: '页面打不开',
  observed: 'load-failed',
  screenshot: null,
  openedAt: '2026-12-01T02:00:00.000Z',
  ageDays: 5,
  history: [{ at: '2026-12-01T02:00:00.000Z', by: '张测试', kind: 'opened', note: '页面打不开' }],
  ...more,
});
const FIXED = finding('fndaaaaaaaaaaaaaaaaaaa1', 'fixed', {
  history: [
    { at: '2026-12-01T02:00:00.000Z', by: '张测试', kind: 'opened', note: '页面打不开' },
    { at: '2026-12-03T03:00:00.000Z', by: '中心工作人员', kind: 'fixed', note: '已更换链接' },
  ],
});

type Body = Record<string, unknown>;

/** Answers the `trial` function with `answer`, and `centers get` with CENTER; the rest (uploads too) goes to the local host. */
const answerTrial = (answer: (event: Body) => Result<unknown>, center: CenterWithDomains = CENTER): FakeCall[] =>
  fakeFunctions((fn, event) => (fn === 'trial' ? answer(event) : fn === 'centers' && event.action === 'get' ? ok({ center }) : undefined));

/**
 * The checklist answered as the function keeps it: a record stored (its line marked as the result, with a finding
 * when failed) and a test transfer sent show in the checklist asked again.
 */
function answerChecklist(): FakeCall[] {
  let lines = CHECKS;
  const replace = (next: CheckView) => {
    lines = lines.map((c) => (c.check === next.check ? next : c));
  };
  return answerTrial((body) => {
    if (body.action === 'checklist') return ok({ ...CHECKLIST, checks: lines });
    const before = lines.find((c) => c.check === (body.action === 'testTransfer' ? 'transfer' : body.check));
    if (body.action === 'record' && before) {
      const passed = body.ok === true;
      const findingId = passed ? null : FINDING_ID;
      // 通过 on a check whose finding is not closed leaves the finding open, and says so
      const notice = passed && before.findingId ? '该检查项的问题尚未关闭，请在“试用问题”中复核后关闭' : null;
      const check: CheckView = { ...before, result: passed ? 'passed' : 'failed', checkedAt: '2026-12-06T02:00:00.000Z', checkedBy: '本人', findingId: passed ? before.findingId : findingId };
      replace(check);
      return ok({ check, findingId, notice });
    }
    if (body.action === 'testApplication') return ok({ applicationId: 'app-test-4', acceptBy: '2026-12-11', state: 'waiting' });
    if (body.action === 'testTransfer' && before) {
      const test = { applicationId: 'app-test-2', acceptBy: '2026-12-11', state: 'waiting' as const };
      replace({ ...before, test: { ...test, acceptedAt: null } });
      return ok(test);
    }
    return fail('VALIDATION_FAILED', '不支持的操作');
  });
}

async function openChecklist(): Promise<HTMLElement> {
  openWith({ code: YANGZHOU });
  const { container } = render(<ChecklistPage />);
  await findElement(container, '#checklist-head, .state-error');
  return container;
}

/**
 * The words of the lines whose `shown` the service writes itself (the poster, the test applications), as the real
 * `trial` function on the local host answers its tester (dev-tester, 江苏) for 扬州: the page must show them as they are.
 */
beforeAll(async () => {
  setDevOpenid('dev-tester');
  const real = await trialCalls.checklist(YANGZHOU);
  if (!real.ok) throw new Error(real.message);
  for (const line of CHECKS) {
    if (line.check !== 'poster' && isRecordedByHand(line.check)) continue;
    const theirs = real.data.checks.find((c) => c.check === line.check);
    if (!theirs) throw new Error(`the local host’s checklist has no ${line.check} line`);
    line.shown = theirs.shown;
  }
});

beforeEach(() => {
  setDevOpenid(uniqueOpenid('page-trial'));
  openWith({});
  jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
});
afterEach(() => jest.restoreAllMocks());

describe('joining the trial', () => {
  it('fills in the code the invite’s scene carries, joins with it, says which province and goes on to the centers', async () => {
    const calls = answerTrial((body) => (body.action === 'join' ? ok({ province: '320000', provinceName: '江苏省' }) : fail('FORBIDDEN', '仅内部测试人员可以进行试用检查')));
    const redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' });
    openWith({ scene: encodeURIComponent('t=ABCD2345') });
    const { container } = render(<TrialJoinPage />);
    expect((await findElement<HTMLInputElement>(container, '#join-code input')).value).toBe('ABCD2345');
    expect(await seriousViolationsIn(container)).toEqual([]);

    await press(container, '#join-submit');
    await waitForText(container, '#join-province', '您现在是江苏省的内部测试人员。');
    expect(calls.filter((c) => c.fn === 'trial').map((c) => c.event)).toEqual([{ action: 'join', code: 'ABCD2345' }]);
    expect(await seriousViolationsIn(container)).toEqual([]);
    await press(container, '#join-go-centers');
    expect(redirectTo).toHaveBeenCalledWith({ url: '/packages/trial/centers/index' });
  });

  it('refuses a malformed typed code with the contract’s message and sends nothing, and shows the function’s refusal', async () => {
    const calls = answerTrial(() => fail('INVITE_NOT_FOUND', '邀请码不存在、已过期或已用完'));
    openWith({ scene: 'c=321000' });
    const { container } = render(<TrialJoinPage />);
    // a center's poster scene is not an invite: nothing filled in
    expect((await findElement<HTMLInputElement>(container, '#join-code input')).value).toBe('');

    await fill(container, '#join-code input', 'abc');
    await press(container, '#join-submit');
    await waitForText(container, '#join-code-error', '邀请码应为 8 位字母或数字');
    expect(calls.filter((c) => c.fn === 'trial').map((c) => c.event)).toEqual([]);

    await fill(container, '#join-code input', 'wxyz2345');
    await press(container, '#join-submit');
    await waitForText(container, '#join-code-error', '邀请码不存在、已过期或已用完');
    expect(calls.filter((c) => c.fn === 'trial').map((c) => c.event)).toEqual([{ action: 'join', code: 'WXYZ2345' }]);
    expect(container.querySelector('#join-done')).toBeNull();
  });
});

describe('the province’s centers', () => {
  it('shows readiness with what is missing, each center’s progress, findings by age and test transfer, and opens a checklist', async () => {
    answerTrial((body) => (body.action === 'centers' ? ok(CENTERS) : fail('VALIDATION_FAILED', '不支持的操作')));
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const { container } = render(<TrialCentersPage />);
    await findElement(container, '#centers-readiness');

    expect(textOf(container, '#centers-ready')).toBe('尚未具备上线条件');
    expect(textOf(container, '#centers-checked')).toBe('检查完成的中心 1 / 13 个');
    expect(textOf(container, '#centers-open-findings')).toBe('未关闭的问题 1 个');
    expect(textOf(container, '#centers-transfers')).toBe('已受理测试申请的接口中心 1 / 13 个');
    expect(Array.from(container.querySelectorAll('#centers-missing .trial-missing'), (e) => e.textContent)).toEqual(CENTERS.readiness.missing);

    expect(textOf(container, `#center-${YANGZHOU}-done`)).toBe('已检查 2 / 8 项，其中未通过 1 项');
    expect(textOf(container, '#center-320100-done')).toBe('已检查 9 / 9 项');
    expect(textOf(container, `#center-${YANGZHOU}-findings`)).toBe('未关闭问题 1 个，最早的已 4 天');
    expect(textOf(container, `#center-${YANGZHOU}-transfer`)).toBe('转移接续测试申请：未发送');
    expect(textOf(container, '#center-320100-transfer')).toBe('转移接续测试申请：已受理');
    expect(container.querySelector('#center-320100-findings')).toBeNull();
    expect(await seriousViolationsIn(container)).toEqual([]);

    await click(container, `#center-${YANGZHOU}`);
    expect(navigateTo).toHaveBeenCalledWith({ url: `/packages/trial/checklist/index?code=${YANGZHOU}` });
  });

  it('says of a finding opened today 今天提出, not 已 0 天', async () => {
    const today = { ...CENTERS, centers: [{ ...CENTERS.centers[0], oldestOpenDays: 0 }] };
    answerTrial((body) => (body.action === 'centers' ? ok(today) : fail('VALIDATION_FAILED', '不支持的操作')));
    const { container } = render(<TrialCentersPage />);
    await waitForText(container, `#center-${YANGZHOU}-findings`, '未关闭问题 1 个，最早的今天提出');
  });

  it('says why when the function refuses (not a tester)', async () => {
    answerTrial(() => fail('FORBIDDEN', '仅内部测试人员可以进行试用检查'));
    const { container } = render(<TrialCentersPage />);
    await waitForText(container, '.state-error', '仅内部测试人员可以进行试用检查');
  });
});

describe('a center’s checklist', () => {
  it('lists the center’s checks by section with their results in words, and passes axe', async () => {
    answerChecklist();
    const container = await openChecklist();
    expect(textOf(container, '#checklist-center')).toBe(CENTER.name);
    expect(textOf(container, '#checklist-progress')).toBe('已检查 2 / 8 项，其中未通过 1 项；未关闭问题 1 个');
    expect(textOf(container, '#checklist-transfer')).toBe('转移接续测试申请：未发送');
    expect(textOf(container, '#check-name-shown')).toBe(CENTER.name);
    expect(textOf(container, '#check-phone-shown')).toBe('0514-12329');
    expect(textOf(container, '#check-name-result')).toBe('待检查');
    expect(textOf(container, '#check-poster-shown')).toContain('扫描');
    expect(Array.from(container.querySelectorAll('#checklist-links .trial-check'), (e) => e.id)).toEqual(['check-link-1', 'check-link-2', 'check-link-3', 'check-link-4']);
    expect(textOf(container, '#check-link-2-target')).toBe('打开方式：中心的微信小程序');
    expect(await seriousViolationsIn(container)).toEqual([]);
  });

  it('says once what to do on the poster and test lines: in the service’s words', async () => {
    answerChecklist();
    const container = await openChecklist();
    const times = (text: string, part: string) => text.split(part).length - 1;
    const poster = CHECKS.find((c) => c.check === 'poster')!;
    expect(textOf(container, '#check-poster-shown')).toBe(poster.shown);
    expect(times(textOf(container, '#check-poster'), '本中心页面')).toBe(1);
    for (const slug of ['transfer', 'test-certificate-loan-cleared']) {
      expect(textOf(container, `#check-${slug}-shown`)).toBe(CHECKS.find((c) => c.check.replace(':', '-') === slug)!.shown);
      expect(times(textOf(container, `#check-${slug}`), '个工作日内受理')).toBe(1);
    }
  });

  it('asks the right name when it is wrong, sends it, and shows the line failed with its finding', async () => {
    const calls = answerChecklist();
    const container = await openChecklist();
    await press(container, '#check-name-wrong');
    await press(container, '#check-name-submit');
    await waitForText(container, '#check-name-error', '请填写正确的中心名称');
    expect(eventsOf(calls, 'trial', 'record')).toEqual([]);

    await fill(container, '#check-name-expected input', '扬州市住房公积金中心');
    await press(container, '#check-name-submit');
    await waitForText(container, '#check-name-result', '未通过');
    expect(eventsOf(calls, 'trial', 'record')).toEqual([{ action: 'record', centerCode: YANGZHOU, check: 'name', ok: false, expected: '扬州市住房公积金中心' }]);
    expect(textOf(container, '#check-name-finding')).toContain('问题已提交监管部门（目录信息）整改');
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    await press(container, '#check-name-go-finding');
    expect(navigateTo).toHaveBeenCalledWith({ url: `/packages/trial/findings/index?finding=${FINDING_ID}` });
    expect(textOf(container, '#check-name-last')).toContain('本人于');
    expect(container.querySelector('#check-name-notice')).toBeNull();

    // 正确 now, while the finding is not closed: the function's notice is shown, the finding stays
    await press(container, '#check-name-ok');
    await waitForText(container, '#check-name-notice', '该检查项的问题尚未关闭，请在“试用问题”中复核后关闭');
    expect(textOf(container, '#check-name-result')).toBe('通过');
    expect(textOf(container, '#check-name-finding')).toContain('问题已提交');
  });

  it('dials the service phone first and records it as correct', async () => {
    const calls = answerChecklist();
    const makePhoneCall = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'makePhoneCall:ok' });
    const container = await openChecklist();
    await press(container, '#check-phone-dial');
    expect(makePhoneCall).toHaveBeenCalledWith({ phoneNumber: '051412329' });
    await press(container, '#check-phone-ok');
    await waitForText(container, '#check-phone-result', '通过');
    expect(eventsOf(calls, 'trial', 'record')).toEqual([{ action: 'record', centerCode: YANGZHOU, check: 'phone', ok: true }]);
  });

  it('opens a web link in the web-view page, hears that it loaded, and sends what was seen with a screenshot', async () => {
    const calls = answerChecklist();
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openChecklist();
    await press(container, '#check-link-1-open');
    expect(navigateTo).toHaveBeenCalledTimes(1);
    const opened = new URL(navigateTo.mock.calls[0][0].url, 'https://app.example');
    expect(opened.pathname).toBe('/pages/webview/index');
    expect(opened.searchParams.get('url')).toBe('https://gjj.yangzhou.example.cn/hall/1');
    const report = opened.searchParams.get('report') ?? '';
    expect(report).toMatch(new RegExp(`^trial-link-${YANGZHOU}-1-\\d+$`));
    expect(textOf(container, '#check-link-1-observed')).toBe('小程序未记录到打开结果，请按实际看到的情况选择');

    // the web-view page opened with that URL reports its load back to the checklist
    openWith({ url: encodeURIComponent('https://gjj.yangzhou.example.cn/hall/1'), report });
    const webview = render(<WebViewPage />);
    fireEvent.load(await findElement(webview.container, 'taro-web-view-core iframe'));
    await waitForText(container, '#check-link-1-observed', '小程序记录：网页已打开，内容以所见为准');

    await press(container, '#check-link-1-no');
    await press(container, '#check-link-1-submit');
    await waitForText(container, '#check-link-1-error', '请说明看到的问题');
    expect(eventsOf(calls, 'trial', 'record')).toEqual([]);

    await fill(container, '#check-link-1-note textarea', '打开的是南京中心的页面');
    const file = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], '截图.png', { type: 'image/png' });
    // the chooser in Chinese, the browser's own control (Choose File) inside it out of sight
    expect(textOf(container, 'label#check-link-1-screenshot-pick')).toBe('选择截图');
    const input = await findElement<HTMLInputElement>(container, 'label#check-link-1-screenshot-pick input#check-link-1-screenshot-file');
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    fireEvent.change(input);
    await waitForText(container, '#check-link-1-screenshot-name', '截图.png');
    await press(container, '#check-link-1-submit');
    await waitForText(container, '#check-link-1-result', '未通过');
    expect(eventsOf(calls, 'trial', 'record')).toEqual([
      { action: 'record', centerCode: YANGZHOU, check: 'link:1', ok: false, observed: 'loaded', note: '打开的是南京中心的页面', screenshot: { fileId: expect.stringMatching(UPLOAD_ID_PATTERN), name: '截图.png' } },
    ]);
    await waitGone(container, '#check-link-1-opened');
    expect(textOf(container, '#check-link-1-finding')).toContain('问题已提交中心整改');
  });

  it('opens a link of a center not live yet as employees will meet it once the center joins', async () => {
    answerTrial((body) => (body.action === 'checklist' ? ok(CHECKLIST) : fail('VALIDATION_FAILED', '不支持的操作')), { ...CENTER, live: false });
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openChecklist();
    await press(container, '#check-link-1-open');
    expect(navigateTo).toHaveBeenCalledWith({ url: expect.stringContaining(`/pages/webview/index?url=${encodeURIComponent('https://gjj.yangzhou.example.cn/hall/1')}&report=`) });
    expect(container.querySelector('#check-link-1-opened .fallback-reason')).toBeNull();
  });

  it('shows the fallback an employee meets for a link that does not jump, and records it as seen', async () => {
    const calls = answerChecklist();
    const navigateTo = jest.spyOn(Taro, 'navigateTo');
    const container = await openChecklist();
    await press(container, '#check-link-3-open');
    expect(textOf(container, '#check-link-3-opened .fallback-reason')).toBe('该中心的线上办理渠道暂时无法访问，已暂停跳转。');
    expect(textOf(container, '#check-link-3-observed')).toBe('小程序记录：显示了替代办理方式');
    expect(navigateTo).not.toHaveBeenCalled();
    await press(container, '#check-link-3-yes');
    await waitForText(container, '#check-link-3-result', '通过');
    expect(eventsOf(calls, 'trial', 'record')).toEqual([{ action: 'record', centerCode: YANGZHOU, check: 'link:3', ok: true, observed: 'fallback' }]);
  });

  it('offers a link whose domain is not a business domain to copy, as employees meet it, never in the web-view', async () => {
    const calls = answerTrial((body) => (body.action === 'checklist' ? ok({ ...CHECKLIST, checks: CHECKS.map((c) => (c.check === 'link:1' ? { ...c, target: 'copy' as const } : c)) }) : ok(null)), {
      ...CENTER,
      links: CENTER.links.filter((l) => l.kind !== 'miniprogram'),
      businessDomains: [],
    });
    const navigateTo = jest.spyOn(Taro, 'navigateTo');
    const clipboard = jest.spyOn(Taro, 'setClipboardData').mockResolvedValue({ data: '', errMsg: 'setClipboardData:ok' });
    const container = await openChecklist();
    expect(textOf(container, '#check-link-1-target')).toBe('打开方式：复制链接到浏览器打开（域名未配置为业务域名）');
    await press(container, '#check-link-1-open');
    expect(textOf(container, '#check-link-1-opened #copy-link-message')).toContain('暂不能在本小程序内打开');
    expect(textOf(container, '#check-link-1-opened #copy-link-url')).toBe('https://gjj.yangzhou.example.cn/hall/1');
    expect(textOf(container, '#check-link-1-observed')).toBe('小程序记录：显示了替代办理方式');
    await press(container, '#check-link-1-opened #copy-link-copy');
    expect(clipboard).toHaveBeenCalledWith({ data: 'https://gjj.yangzhou.example.cn/hall/1' });
    expect(navigateTo).not.toHaveBeenCalled();
    expect(eventsOf(calls, 'trial', 'record')).toEqual([]);
  });

  it('says so when the web-view page cannot be opened, and asks nothing of a page that never opened', async () => {
    answerChecklist();
    jest.spyOn(Taro, 'navigateTo').mockRejectedValue({ errMsg: 'navigateTo:fail webview count limit exceed' });
    const container = await openChecklist();
    await press(container, '#check-link-1-open');
    await waitForText(container, '#check-link-1-error', '未能打开网页页面，请返回上一页后再试');
    expect(container.querySelector('#check-link-1-opened')).toBeNull();
  });

  it('outside WeChat says a mini-program link opens in WeChat only, and records no observation', async () => {
    const calls = answerChecklist();
    const showModal = jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: true, cancel: false, errMsg: 'showModal:ok' });
    const container = await openChecklist();
    await press(container, '#check-link-2-open');
    expect(showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '请在微信中打开' }));
    await waitForText(container, '#check-link-2-observed', '小程序未记录到打开结果');
    await press(container, '#check-link-2-yes');
    await waitForText(container, '#check-link-2-result', '通过');
    expect(eventsOf(calls, 'trial', 'record')).toEqual([{ action: 'record', centerCode: YANGZHOU, check: 'link:2', ok: true }]);
  });

  it('sends the test transfer and shows its state and the date by which the center must accept it', async () => {
    const calls = answerChecklist();
    const container = await openChecklist();
    expect(textOf(container, '#check-transfer-state')).toBe('未发送');
    // the optional test already sent: waiting, with its date, and not sent again
    expect(textOf(container, '#check-test-purchase-withdrawal-state')).toBe('等待中心受理');
    expect(textOf(container, '#check-test-purchase-withdrawal-accept-by')).toBe('中心最迟于2026-12-10受理');
    expect(container.querySelector('#check-test-purchase-withdrawal-send')).toBeNull();

    await press(container, '#check-transfer-send');
    await waitForText(container, '#check-transfer-state', '等待中心受理');
    expect(textOf(container, '#check-transfer-accept-by')).toBe('中心最迟于2026-12-11受理');
    expect(container.querySelector('#check-transfer-send')).toBeNull();
    expect(eventsOf(calls, 'trial', 'testTransfer')).toEqual([{ action: 'testTransfer', centerCode: YANGZHOU }]);
    // the checklist is asked again, its progress moving with the test
    expect(eventsOf(calls, 'trial', 'checklist')).toHaveLength(2);

    // an optional test application, of its type
    await press(container, '#check-test-certificate-loan-cleared-send');
    await waitForText(container, '#check-test-certificate-loan-cleared-state', '等待中心受理');
    expect(eventsOf(calls, 'trial', 'testApplication')).toEqual([{ action: 'testApplication', centerCode: YANGZHOU, type: 'certificate-loan-cleared' }]);
  });

  it('asks the checklist again when shown again (back from a recheck on the findings page)', async () => {
    const calls = answerChecklist();
    const container = await openChecklist();
    // the first show is the mount's, already loaded
    showPage();
    expect(eventsOf(calls, 'trial', 'checklist')).toHaveLength(1);
    showPage();
    await waitFor(() => expect(eventsOf(calls, 'trial', 'checklist')).toHaveLength(2));
    expect(textOf(container, '#checklist-center')).toBe(CENTER.name);
  });

  it('shows the checklist’s state of a test once asked again after sending it, not the answer of the send', async () => {
    let transfer: CheckView['test'] = null;
    const calls = answerTrial((body) => {
      if (body.action === 'checklist') return ok({ ...CHECKLIST, checks: CHECKS.map((c) => (c.check === 'transfer' ? { ...c, test: transfer } : c)) });
      if (body.action === 'testTransfer') {
        transfer = { applicationId: 'app-test-5', state: 'waiting', acceptBy: '2026-12-11', acceptedAt: null };
        return ok({ applicationId: 'app-test-5', acceptBy: '2026-12-11', state: 'waiting' });
      }
      return fail('VALIDATION_FAILED', '不支持的操作');
    });
    const container = await openChecklist();
    // the router's show after the mount, as Taro's router fires it
    showPage();
    await press(container, '#check-transfer-send');
    await waitFor(() => expect(eventsOf(calls, 'trial', 'checklist')).toHaveLength(2));
    await waitForText(container, '#check-transfer-state', '等待中心受理');

    // days later the center has not accepted it: the checklist says so, and offers to send it again
    transfer = { applicationId: 'app-test-5', state: 'late', acceptBy: '2026-12-11', acceptedAt: null };
    showPage();
    await waitForText(container, '#check-transfer-state', '逾期未受理');
    expect(textOf(container, '#check-transfer-send')).toBe('重新发送测试申请');
  });

  it('offers to send again a test the center did not accept in time', async () => {
    answerTrial((body) =>
      body.action === 'checklist'
        ? ok({ ...CHECKLIST, checks: CHECKS.map((c) => (c.check === 'transfer' ? { ...c, result: 'failed' as const, test: { applicationId: 'app-test-3', state: 'late' as const, acceptBy: '2026-12-02', acceptedAt: null } } : c)) })
        : fail('VALIDATION_FAILED', '不支持的操作'),
    );
    const container = await openChecklist();
    expect(textOf(container, '#check-transfer-state')).toBe('逾期未受理');
    expect(textOf(container, '#check-transfer-result')).toBe('未通过');
    expect(textOf(container, '#check-transfer-send')).toBe('重新发送测试申请');
  });
});

describe('findings', () => {
  it('opens on 已整改待复核 (the tester’s work) with the count of each status, lists each status’s findings with their history, and closes a fixed one checked again', async () => {
    const OPEN = finding('fndaaaaaaaaaaaaaaaaaaa2', 'open', { screenshot: { fileId: SCREENSHOT_ID, name: '截图.png', url: '/downloads/screenshot-token' } });
    let closed = false;
    const calls = answerTrial((body) => {
      if (body.action === 'findings') return ok({ items: [OPEN, closed ? { ...FIXED, status: 'closed', statusLabel: '已关闭' } : FIXED] });
      if (body.action === 'recheck') {
        closed = true;
        return ok({ ...FIXED, status: 'closed', statusLabel: '已关闭' });
      }
      return fail('VALIDATION_FAILED', '不支持的操作');
    });
    const { container } = render(<TrialFindingsPage />);
    await waitForText(container, `#finding-${FIXED.id}-status`, '已整改待复核');
    expect(Array.from(container.querySelectorAll('#findings-statuses .chip'), (e) => e.textContent)).toEqual(['待处理（1）', '已选：已整改待复核（1）', '已关闭（0）']);
    expect(container.querySelector(`#finding-${OPEN.id}`)).toBeNull();
    // people by name or role, never by openid
    expect(textOf(container, `#finding-${FIXED.id}-history-0`)).toBe('2026-12-01 10:00 张测试 提出问题页面打不开');
    expect(textOf(container, `#finding-${FIXED.id}-history-1`)).toBe('2026-12-03 11:00 中心工作人员 标记已整改已更换链接');
    expect(await seriousViolationsIn(container)).toEqual([]);

    await click(container, '#findings-status-open');
    await waitForText(container, `#finding-${OPEN.id}-status`, '待处理');
    expect(textOf(container, `#finding-${OPEN.id}`)).toContain('中心整改');
    expect(textOf(container, `#finding-${OPEN.id}-seen`)).toBe('实际：页面打不开');
    expect(textOf(container, `#finding-${OPEN.id}-screenshot`)).toBe('查看截图（截图.png）');
    expect(textOf(container, '#findings-status-open')).toBe('已选：待处理（1）');
    expect(container.querySelector(`#finding-${OPEN.id}-recheck`)).toBeNull();
    expect(await seriousViolationsIn(container)).toEqual([]);

    await click(container, '#findings-status-fixed');
    await press(container, `#finding-${FIXED.id}-solved`);
    await waitForText(container, '.state-empty', '暂无已整改待复核的问题');
    expect(textOf(container, '#findings-status-closed')).toBe('已关闭（1）');
    expect(calls.filter((c) => c.fn === 'trial' && c.event.action !== 'findings').map((c) => c.event)).toEqual([{ action: 'recheck', findingId: FIXED.id, ok: true }]);
  });

  it('opens on the tab of the finding a checklist’s 查看问题 names', async () => {
    const OPEN = finding('fndaaaaaaaaaaaaaaaaaaa3', 'open');
    answerTrial((body) => (body.action === 'findings' ? ok({ items: [OPEN, FIXED] }) : fail('VALIDATION_FAILED', '不支持的操作')));
    openWith({ finding: OPEN.id });
    const { container } = render(<TrialFindingsPage />);
    await waitForText(container, `#finding-${OPEN.id}-status`, '待处理');
    expect(textOf(container, '#findings-status-open')).toBe('已选：待处理（1）');
    expect(container.querySelector(`#finding-${FIXED.id}`)).toBeNull();
  });

  it('asks what is still wrong before reopening a fixed finding', async () => {
    const calls = answerTrial((body) => {
      if (body.action === 'findings') return ok({ items: [FIXED] });
      if (body.action === 'recheck') return ok({ ...FIXED, status: 'open', statusLabel: '待处理' });
      return fail('VALIDATION_FAILED', '不支持的操作');
    });
    const { container } = render(<TrialFindingsPage />);
    await press(container, `#finding-${FIXED.id}-still`);
    await press(container, `#finding-${FIXED.id}-reopen`);
    await waitForText(container, `#finding-${FIXED.id}-error`, '仍有问题时请写明看到的情况');
    expect(eventsOf(calls, 'trial', 'recheck')).toEqual([]);

    await fill(container, `#finding-${FIXED.id}-note textarea`, '链接仍然打不开');
    await press(container, `#finding-${FIXED.id}-reopen`);
    await waitForText(container, '#findings-statuses', '已选：已整改待复核');
    await findElement(container, `#finding-${FIXED.id}`);
    expect(eventsOf(calls, 'trial', 'recheck')).toEqual([{ action: 'recheck', findingId: FIXED.id, ok: false, note: '链接仍然打不开' }]);
  });
});

describe('the way in and the web-view', () => {
  it('shows testers the 内部试用 entry on 我的, and nobody else', async () => {
    answerWith<{ roles: unknown[] }>('whoami', () => ({ roles: [{ role: 'tester', province: '320000' }] }));
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const tester = render(<MinePage />);
    await click(tester.container, '#mine-trial');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/trial/centers/index' });
    expect(tester.container.querySelector('#mine-trial-join')).toBeNull();
    tester.unmount();
    jest.restoreAllMocks();

    const employee = render(<MinePage />);
    await findElement(employee.container, '#mine-applications');
    await findElement(employee.container, '#mine-join');
    expect(employee.container.querySelector('#mine-trial')).toBeNull();
  });

  it('offers a signed-in person who is not a tester a discreet 输入内部试用邀请码, which opens 加入内部试用', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const { container } = render(<MinePage />);
    const entry = await findElement(container, '#mine-trial-join');
    expect(entry.textContent).toBe('输入内部试用邀请码');
    expect(entry.classList.contains('card')).toBe(false);
    fireEvent.click(entry);
    expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/trial/join/index' });
  });

  it('reports nothing from an employee’s web-view, which has no key', async () => {
    const trigger = jest.spyOn(Taro.eventCenter, 'trigger');
    openWith({ url: encodeURIComponent('https://gjj.yangzhou.example.cn/hall/1') });
    const { container } = render(<WebViewPage />);
    fireEvent.load(await findElement(container, 'taro-web-view-core iframe'));
    fireEvent.error(await findElement(container, 'taro-web-view-core iframe'));
    expect(trigger).not.toHaveBeenCalled();
  });
});
