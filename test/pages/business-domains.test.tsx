import { render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { BusinessDomainsAnswer, BusinessDomainView, CenterDomainView } from '../../src/core/business-domains';
import type { Result } from '../../src/core/errors';
import type { JumpTarget } from '../../src/core/jump';
import type { RoleGrant } from '../../src/core/roles';
import LinksPage from '../../src/packages/portal/links';
import DomainsPage from '../../src/packages/supervise/domains';
import CenterPage from '../../src/pages/center';
import ItemPage from '../../src/pages/item';
import { setDevOpenid } from '../../src/services/dev-identity';
import { seriousViolationsIn } from './support/axe';
import { eventsOf, fakeFunctions, type FakeCall } from './support/fake-functions';
import { click, confirmModals, fill, press, textOf, waitForText, waitGone } from './support/interact';
import { findElement, openWith } from './support/page';

/*
 * The business-domain registry's pages (issue 16 point 1): the supervisors' 业务域名, the center's domain cards on its
 * links page, and what an employee meets for a web link whose domain is not a business domain. The functions' new
 * actions are answered here; every other call goes to the shared local host.
 */
jest.setTimeout(60_000);

const ok = <T,>(data: T): Result<T> => ({ ok: true, data });
const NANJING = { code: '320100', name: '南京住房公积金管理中心' };
const YANGZHOU = { code: '321000', name: '扬州市住房公积金管理中心' };

const UNLISTED: BusinessDomainView = { domain: 'gjj.nanjing.example.cn', state: 'unlisted', centers: [NANJING], links: 1 };
const REQUESTED: BusinessDomainView = {
  domain: 'www.gjj.example.gov.cn',
  state: 'requested',
  centers: [NANJING, YANGZHOU],
  links: 3,
  verificationFile: 'a1b2c3d4.txt',
  checkedAt: '2026-12-06T00:30:00.000Z',
  problem: '未找到校验文件（HTTP 404）',
};
const CONFIGURED: BusinessDomainView = { domain: 'hall.yz.example.cn', state: 'configured', centers: [YANGZHOU], links: 1, verificationFile: 'z9y8x7.txt', checkedAt: '2026-12-06T00:30:00.000Z' };
const LIST: BusinessDomainsAnswer = { limit: 200, configured: 1, domains: [UNLISTED, REQUESTED, CONFIGURED] };

const NATIONAL: RoleGrant[] = [{ role: 'supervisor' }];
const PROVINCIAL: RoleGrant[] = [{ role: 'provincial-supervisor', province: '320000' }];
const card = (domain: string) => `#domain-${domain.replace(/\./g, '-')}`;

/** The session and admin functions as 业务域名 uses them: the list as it stands, with the domain `setBusinessDomain` makes of the event in it. */
function serveSupervisor(roles: RoleGrant[], setBusinessDomain?: (event: Record<string, unknown>) => Result<BusinessDomainView>, start: BusinessDomainsAnswer = LIST): FakeCall[] {
  let list = start;
  return fakeFunctions((fn, event) => {
    if (fn === 'session' && event.action === 'whoami') return ok({ roles });
    if (fn !== 'admin') return undefined;
    if (event.action === 'businessDomains') return ok(list);
    if (event.action === 'setBusinessDomain' && setBusinessDomain) {
      const answer = setBusinessDomain(event);
      if (!answer.ok) return answer;
      list = { ...list, domains: list.domains.map((d) => (d.domain === answer.data.domain ? answer.data : d)) };
      return ok(list);
    }
    return undefined;
  });
}

async function openDomains(): Promise<HTMLElement> {
  const { container } = render(<DomainsPage />);
  await findElement(container, '#domains-count, .state-error');
  return container;
}

beforeEach(() => {
  openWith({});
  jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
});
afterEach(() => jest.restoreAllMocks());

describe('业务域名 (supervisors)', () => {
  it('shows the count against 200 and every domain with its state in words, the centers using it, its file and the last check', async () => {
    serveSupervisor(NATIONAL);
    const container = await openDomains();
    expect(textOf(container, '#domains-count')).toBe('已配置 1 / 200');
    expect(textOf(container, `${card(UNLISTED.domain)}-state`)).toBe('未申请');
    expect(textOf(container, `${card(REQUESTED.domain)}-state`)).toBe('待放置校验文件');
    expect(textOf(container, `${card(CONFIGURED.domain)}-state`)).toBe('已配置为业务域名');
    expect(textOf(container, `${card(REQUESTED.domain)}-centers`)).toBe('使用的中心：南京住房公积金管理中心、扬州市住房公积金管理中心（3 个链接）');
    expect(textOf(container, `${card(REQUESTED.domain)}-file`)).toBe('校验文件：a1b2c3d4.txt');
    expect(textOf(container, `${card(REQUESTED.domain)}-check`)).toBe('2026-12-06 08:30 检查：未找到校验文件（HTTP 404）');
    expect(textOf(container, `${card(CONFIGURED.domain)}-check`)).toBe('2026-12-06 08:30 检查：校验文件可以访问');
    // what a state allows: an unlisted domain is requested, a configured one only removed
    expect(textOf(container, `${card(UNLISTED.domain)}-request`)).toBe('申请');
    expect(container.querySelector(`${card(UNLISTED.domain)}-remove`)).toBeNull();
    expect(container.querySelector(`${card(CONFIGURED.domain)}-configure`)).toBeNull();
    expect(textOf(container, `${card(CONFIGURED.domain)}-remove`)).toBe('移除');
    expect(await seriousViolationsIn(container)).toEqual([]);
  });

  it('requests a domain with the file WeChat issued after a confirmation, refusing an empty file beside its fields first', async () => {
    const calls = serveSupervisor(NATIONAL, (event) => ok({ ...UNLISTED, state: 'requested', verificationFile: String((event.file as { name: string }).name) }));
    const container = await openDomains();
    const id = card(UNLISTED.domain);
    await click(container, `${id}-request`);
    // the form's own two buttons only: no 标记已配置 beside 提交申请
    expect(container.querySelector(`${id}-configure`)).toBeNull();
    expect(container.querySelector(`${id}-request-cancel`)).not.toBeNull();
    const modal = confirmModals();
    await click(container, `${id}-request-send`);
    await waitForText(container, `${id}-file-name-error`, '校验文件名');
    expect(textOf(container, `${id}-file-content-error`)).toBe('请填写校验文件内容');
    expect(modal).not.toHaveBeenCalled();

    await fill(container, `${id}-file-name input`, 'a1b2c3d4.txt');
    await fill(container, `${id}-file-content input`, '6f1e0c2b9d8a7f3e');
    await press(container, `${id}-request-send`);
    expect(modal.mock.calls.map(([o]) => o?.content)).toEqual([expect.stringContaining('将校验文件 a1b2c3d4.txt 交给使用 gjj.nanjing.example.cn 的中心')]);
    await waitForText(container, `${id}-state`, '待放置校验文件');
    expect(eventsOf(calls, 'admin', 'setBusinessDomain')).toEqual([
      { action: 'setBusinessDomain', domain: UNLISTED.domain, state: 'requested', file: { name: 'a1b2c3d4.txt', content: '6f1e0c2b9d8a7f3e' } },
    ]);
    expect(textOf(container, `${id}-said`)).toBe('已改为：待放置校验文件');
    expect(textOf(container, `${id}-file`)).toBe('校验文件：a1b2c3d4.txt');
    // asking again: what the last change came to goes, as the form opens
    await click(container, `${id}-request`);
    expect(container.querySelector(`${id}-said`)).toBeNull();
  });

  it('shows the function’s refusal beside the field it names, and a refusal naming none under the buttons', async () => {
    let refusal: Result<BusinessDomainView> = { ok: false, code: 'VALIDATION_FAILED', message: '填写有误：校验文件名应为字母或数字加 .txt', fields: { 'file.name': '校验文件名应为字母或数字加 .txt，例如 a1b2c3d4.txt' } };
    serveSupervisor(NATIONAL, () => refusal);
    confirmModals();
    const container = await openDomains();
    const id = card(UNLISTED.domain);
    await click(container, `${id}-request`);
    await fill(container, `${id}-file-name input`, 'a1b2c3d4.txt');
    await fill(container, `${id}-file-content input`, 'abc');
    await press(container, `${id}-request-send`);
    await waitForText(container, `${id}-file-name-error`, '校验文件名应为字母或数字加 .txt');
    expect(textOf(container, `${id}-state`)).toBe('未申请');

    refusal = { ok: false, code: 'VALIDATION_FAILED', message: '小程序已配置 200 个业务域名，达到微信的上限 200 个，不能再配置 www.gjj.example.gov.cn', fields: { state: '业务域名已达 200 个上限' } };
    await press(container, `${card(REQUESTED.domain)}-configure`);
    await waitForText(container, `${card(REQUESTED.domain)}-error`, '达到微信的上限 200 个');
    expect(textOf(container, `${card(REQUESTED.domain)}-state`)).toBe('待放置校验文件');
  });

  it('marks a domain configured only after a confirmation, and sends nothing when it is cancelled', async () => {
    const calls = serveSupervisor(NATIONAL, () => ok({ ...REQUESTED, state: 'configured' }));
    const container = await openDomains();
    const id = card(REQUESTED.domain);
    const cancel = jest.spyOn(Taro, 'showModal').mockResolvedValueOnce({ confirm: false, cancel: true, errMsg: 'showModal:ok' });
    await press(container, `${id}-configure`);
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(eventsOf(calls, 'admin', 'setBusinessDomain')).toEqual([]);

    confirmModals();
    await press(container, `${id}-configure`);
    await waitForText(container, `${id}-state`, '已配置为业务域名');
    expect(eventsOf(calls, 'admin', 'setBusinessDomain')).toEqual([{ action: 'setBusinessDomain', domain: REQUESTED.domain, state: 'configured' }]);
    expect(container.querySelector(`${id}-configure`)).toBeNull();
  });

  it('names the first five centers of a domain many centers share, and how many there are', async () => {
    const centers = Array.from({ length: 7 }, (_, i) => ({ code: `32${i}000`, name: `第${i + 1}中心` }));
    serveSupervisor(NATIONAL, undefined, { ...LIST, domains: [{ ...CONFIGURED, centers, links: 9 }] });
    const container = await openDomains();
    expect(textOf(container, `${card(CONFIGURED.domain)}-centers`)).toBe('使用的中心：第1中心、第2中心、第3中心、第4中心、第5中心等 7 个中心（9 个链接）');
  });

  it('shows a provincial supervisor the domains without any button', async () => {
    serveSupervisor(PROVINCIAL);
    const container = await openDomains();
    expect(textOf(container, `${card(REQUESTED.domain)}-state`)).toBe('待放置校验文件');
    expect(container.querySelector('button')).toBeNull();
    expect(container.textContent).toContain('业务域名由全国监管人员申请和配置');
  });
});

describe('a subdomain a configured parent covers (supervisors)', () => {
  it('says which business domain covers it and offers no change, while its parent keeps its own', async () => {
    const parent: BusinessDomainView = { domain: 'gjj.nanjing.example.cn', state: 'configured', centers: [NANJING], links: 1 };
    const covered: BusinessDomainView = { domain: 'wx.gjj.nanjing.example.cn', state: 'configured', coveredBy: parent.domain, centers: [NANJING], links: 1 };
    serveSupervisor(NATIONAL, undefined, { limit: 200, configured: 1, domains: [parent, covered] });
    const container = await openDomains();
    expect(textOf(container, `${card(covered.domain)}-covered`)).toBe('由业务域名 gjj.nanjing.example.cn 覆盖：微信允许业务域名的子域名在小程序内打开，无需单独设置。');
    expect(container.querySelector(card(covered.domain))?.querySelector('button')).toBeNull();
    expect(container.querySelector(`${card(covered.domain)}-remove`)).toBeNull();
    expect(container.querySelector(`${card(parent.domain)}-remove`)).not.toBeNull();
    expect(container.querySelector(`${card(parent.domain)}-covered`)).toBeNull();
  });

  it('offers to clear the state a covered subdomain kept of its own (it still counts against the 200), after a confirmation', async () => {
    const parent: BusinessDomainView = { domain: 'gjj.nanjing.example.cn', state: 'configured', centers: [NANJING], links: 1 };
    const covered: BusinessDomainView = { domain: 'wx.gjj.nanjing.example.cn', state: 'configured', coveredBy: parent.domain, ownState: 'configured', centers: [NANJING], links: 1 };
    const calls = serveSupervisor(NATIONAL, () => ok({ domain: covered.domain, state: 'configured', coveredBy: parent.domain, centers: [NANJING], links: 1 }), { limit: 200, configured: 2, domains: [parent, covered] });
    const container = await openDomains();
    const id = card(covered.domain);
    expect(textOf(container, `${id}-own-state`)).toBe('此前单独设置的状态“已配置为业务域名”仍保留，并占用一个业务域名名额；请在微信公众平台移除后在此清除。');
    confirmModals();
    await press(container, `${id}-remove`);
    await waitGone(container, `${id}-own-state`);
    expect(eventsOf(calls, 'admin', 'setBusinessDomain')).toEqual([{ action: 'setBusinessDomain', domain: covered.domain, state: 'unlisted' }]);
  });
});

describe('the center’s domain cards on its links page', () => {
  const FILE_DOMAIN: CenterDomainView = {
    domain: 'www.gjj.example.gov.cn',
    state: 'requested',
    items: [1, 3],
    verificationFile: { name: 'a1b2c3d4.txt', content: '6f1e0c2b9d8a7f3e', url: 'https://www.gjj.example.gov.cn/a1b2c3d4.txt' },
    checkedAt: '2026-12-06T00:30:00.000Z',
    problem: '未找到校验文件（HTTP 404）',
  };
  const DONE: CenterDomainView = { domain: 'hall.yz.example.cn', state: 'configured', items: [5] };

  it('shows the file to place, its content and the address where it must answer, with why, selectable and copyable', async () => {
    setDevOpenid('dev-staff-321000');
    const calls = fakeFunctions((fn, event) => (fn === 'portal' && event.action === 'businessDomains' ? ok([FILE_DOMAIN, DONE]) : undefined));
    const clipboard = jest.spyOn(Taro, 'setClipboardData').mockResolvedValue({ data: '', errMsg: 'setClipboardData:ok' });
    const { container } = render(<LinksPage />);
    const id = '#links-domain-www-gjj-example-gov-cn';
    await findElement(container, `${id}-file`);
    expect(eventsOf(calls, 'portal', 'businessDomains')).toHaveLength(1);
    expect(textOf(container, `${id}-state`)).toBe('待放置校验文件');
    expect(textOf(container, `${id}-items`)).toBe('使用该域名的事项：缴存贷款信息查询、退休提取');
    expect(textOf(container, id)).toContain('在微信小程序内打开网页需要该域名配置为本小程序的业务域名');
    expect(textOf(container, `${id}-file-name`)).toBe('a1b2c3d4.txt');
    expect(textOf(container, `${id}-file-content`)).toBe('6f1e0c2b9d8a7f3e');
    expect(textOf(container, `${id}-file-url`)).toBe('https://www.gjj.example.gov.cn/a1b2c3d4.txt');
    expect(container.querySelector(`${id}-file-content`)?.getAttribute('selectable') ?? container.querySelector(`${id}-file-content`)?.getAttribute('user-select')).not.toBeNull();
    expect(textOf(container, `${id}-check`)).toBe('2026-12-06 08:30 检查：未找到校验文件（HTTP 404）');
    await press(container, `${id}-file-content-copy`);
    expect(clipboard).toHaveBeenCalledWith({ data: '6f1e0c2b9d8a7f3e' });

    const done = '#links-domain-hall-yz-example-cn';
    expect(textOf(container, `${done}-state`)).toBe('已配置为业务域名');
    expect(container.querySelector(`${done}-file`)).toBeNull();
    expect(await seriousViolationsIn(await findElement(container, '#links-domains'))).toEqual([]);
  });

  it('says how to copy by hand beside the file content when WeChat refuses the clipboard, and raises no unhandled rejection', async () => {
    setDevOpenid('dev-staff-321000');
    fakeFunctions((fn, event) => (fn === 'portal' && event.action === 'businessDomains' ? ok([FILE_DOMAIN]) : undefined));
    jest.spyOn(Taro, 'setClipboardData').mockRejectedValue({ errMsg: 'setClipboardData:fail api scope is not declared in the privacy agreement' });
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const { container } = render(<LinksPage />);
      const id = '#links-domain-www-gjj-example-gov-cn';
      await findElement(container, `${id}-file`);
      expect(textOf(container, id)).toContain('会被引导到中心自己的小程序（如已登记），或复制链接到浏览器中打开');
      await press(container, `${id}-file-content-copy`);
      await waitForText(container, `${id}-file-content-copy-failed`, '未能复制，请长按上面的文件内容手动复制。');
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(unhandled).not.toHaveBeenCalled();
      expect(Taro.showToast).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('a web link whose domain is not a business domain, as the employee meets it', () => {
  const HALL = 'https://gjj.yangzhou.example.cn/hall/1';
  const MESSAGE = '该中心的网上办事大厅暂不能在本小程序内打开。请复制下面的链接，粘贴到手机浏览器中打开办理；也可以拨打中心服务电话 0514-12329 咨询。';

  /** `centers jump` answers `target`; the center itself comes from the local host. */
  function jumpAnswers(target: JumpTarget): FakeCall[] {
    return fakeFunctions((fn, event) =>
      fn === 'centers' && event.action === 'jump'
        ? ok({ target, center: { ...YANGZHOU, province: '江苏省', city: '扬州市', phone: '0514-12329', live: true }, counter: '请到服务大厅办理。' })
        : undefined,
    );
  }

  it('offers the link to copy on the center page, naming the item and the center, with the phone, and never opens the web-view', async () => {
    jumpAnswers({ kind: 'copy', url: HALL, message: MESSAGE });
    const navigateTo = jest.spyOn(Taro, 'navigateTo');
    const clipboard = jest.spyOn(Taro, 'setClipboardData').mockResolvedValue({ data: '', errMsg: 'setClipboardData:ok' });
    const call = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'makePhoneCall:ok' });
    openWith({ code: YANGZHOU.code });
    const { container } = render(<CenterPage />);
    await click(container, '#center-item-1');
    await findElement(container, '#copy-link');
    expect(textOf(container, '#copy-link-item')).toBe('个人住房公积金缴存贷款等信息查询');
    expect(textOf(container, '#copy-link-center')).toBe('办理中心：扬州市住房公积金管理中心');
    expect(textOf(container, '#copy-link-message')).toBe(MESSAGE);
    expect(textOf(container, '#copy-link-url')).toBe(HALL);

    await press(container, '#copy-link-copy');
    await waitForText(container, '#copy-link-done', '链接已复制');
    expect(clipboard).toHaveBeenCalledWith({ data: HALL });
    await click(container, '#copy-link-call');
    expect(call).toHaveBeenCalledWith({ phoneNumber: '051412329' });
    expect(navigateTo).not.toHaveBeenCalled();
    expect(await seriousViolationsIn(container)).toEqual([]);
  });

  it('offers the link to copy on the item page instead of going to the web-view', async () => {
    jumpAnswers({ kind: 'copy', url: HALL, message: MESSAGE });
    const navigateTo = jest.spyOn(Taro, 'navigateTo');
    const clipboard = jest.spyOn(Taro, 'setClipboardData').mockResolvedValue({ data: '', errMsg: 'setClipboardData:ok' });
    openWith({ item: '1', code: YANGZHOU.code });
    const { container } = render(<ItemPage />);
    await click(container, '#item-go');
    await findElement(container, '#copy-link');
    expect(textOf(container, '#copy-link-center')).toBe('办理中心：扬州市住房公积金管理中心');
    await press(container, '#copy-link-copy');
    await waitForText(container, '#copy-link-done', '链接已复制');
    expect(clipboard).toHaveBeenCalledWith({ data: HALL });
    expect(navigateTo).not.toHaveBeenCalled();
  });

  it('tells why the center’s own mini-program is offered before anything opens (outside WeChat: in the same words)', async () => {
    const why = '该中心的网上办事大厅暂不能在本小程序内打开，将为您打开该中心自己的微信小程序办理。';
    jumpAnswers({ kind: 'miniprogram', appId: 'wx0123456789abcdef', path: '', message: why });
    const navigateTo = jest.spyOn(Taro, 'navigateTo');
    const modal = jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: true, cancel: false, errMsg: 'showModal:ok' });
    openWith({ code: YANGZHOU.code });
    const { container } = render(<CenterPage />);
    await press(container, '#center-item-1');
    await findElement(container, '#center-name');
    await waitForText(container, '#center-name', '扬州');
    expect(modal.mock.calls.map(([o]) => o?.content)).toEqual([expect.stringContaining(why)]);
    expect(navigateTo).not.toHaveBeenCalled();
    expect(container.querySelector('#copy-link')).toBeNull();
  });
});
