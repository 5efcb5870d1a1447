import { cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { CalendarStatusView } from '../../src/core/calendar';
import MinePage from '../../src/pages/mine';
import { setDevOpenid } from '../../src/services/dev-identity';
import { adminCalls, portalCalls } from '../../src/services/portal';
import { personPerTest, residentIds, uniqueOpenid, verifyIdentity } from './support/calls';
import { fill } from './support/interact';
import { findElement, showPage } from './support/page';

const residents = residentIds('mine');

/** Renders 我的 and waits for the status answer (a verified card, the 未核验 card or an error). */
async function openMine(): Promise<HTMLElement> {
  const { container } = render(<MinePage />);
  await findElement(container, '#mine-status, .state-error');
  return container;
}

/** The admin function's calendarStatus answered as given (what it says depends on today's date), every other call by the local host. */
function answerCalendarStatus(status: CalendarStatusView): jest.SpyInstance {
  const realFetch = globalThis.fetch;
  return jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const body = JSON.parse(String(init?.body ?? '{}')) as { action?: string };
    if (String(input).includes('/api/admin') && body.action === 'calendarStatus') return new Response(JSON.stringify({ ok: true, data: status }));
    return realFetch(input, init);
  });
}

/** How many times the page asked the admin function for the calendar's status. */
const calendarStatusCalls = (spy: jest.SpyInstance) =>
  spy.mock.calls.filter(([input, init]) => String(input).includes('/api/admin') && String((init as RequestInit | undefined)?.body).includes('"calendarStatus"')).length;

/** Each test is a person of its own on the shared local host. */
personPerTest('page-mine');

describe('mine page', () => {
  it('shows 未核验 with a way to verify for a person who never verified', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openMine();
    expect(container.querySelector('#mine-status')?.textContent).toBe('未核验');
    expect(container.querySelector('#mine-doc')).toBeNull();

    fireEvent.click(await findElement(container, '#mine-go-verify'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/verify/index' });
  });

  it('shows the masked name and number, the method and the expiry after verification, never the full number', async () => {
    const id = residents.next();
    await verifyIdentity('张三', id);
    const container = await openMine();

    expect(container.querySelector('#mine-status')?.textContent).toBe('已核验');
    expect(container.querySelector('#mine-name')?.textContent).toBe('*三');
    expect(container.querySelector('#mine-doc')?.textContent).toBe(`1${'*'.repeat(16)}${id[17]}`);
    expect(container.querySelector('#mine-method')?.textContent).toBe('人脸核身');
    expect(container.querySelector('#mine-expiry')?.textContent).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(container.querySelector('#mine-reverify')).toBeNull();
    expect(container.innerHTML).not.toContain(id);
    expect(container.querySelector('#mine-bind-phone')).not.toBeNull();
  });

  it('tells a person whose document was bound to another WeChat account when and how, above 未核验', async () => {
    const id = residents.next();
    const holder = uniqueOpenid('page-mine-holder');
    setDevOpenid(holder);
    await verifyIdentity('张三', id);
    setDevOpenid(uniqueOpenid('page-mine-newcomer'));
    await verifyIdentity('张三', id);
    setDevOpenid(holder);
    const container = await openMine();

    expect(container.querySelector('#mine-status')?.textContent).toBe('未核验');
    const notices = await findElement(container, '#mine-notices');
    expect(notices.textContent).toContain('账号提醒');
    expect(notices.textContent).toMatch(/您的证件已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 经人脸核身绑定到另一个微信账号/);
    expect(container.innerHTML).not.toContain(id);
  });

  it('shows no notice to a person whose binding nobody took', async () => {
    await verifyIdentity('赵六', residents.next());
    const container = await openMine();
    expect(container.querySelector('#mine-status')?.textContent).toBe('已核验');
    expect(container.querySelector('#mine-notices')).toBeNull();
  });

  it('binds a phone through the local dev input and shows it masked', async () => {
    await verifyIdentity('李四', residents.next());
    const container = await openMine();

    await fill(container, '#mine-phone-input input', '13812345678');
    fireEvent.click(await findElement(container, '#mine-bind-phone'));

    const phone = await findElement(container, '#mine-phone');
    expect(phone.textContent).toBe('138****5678');
    expect(container.innerHTML).not.toContain('13812345678');
  });

  it('refuses a dev phone that is not 11 digits without calling the function', async () => {
    await verifyIdentity('王五', residents.next());
    const container = await openMine();
    const fetchSpy = jest.spyOn(globalThis, 'fetch');

    await fill(container, '#mine-phone-input input', '1381234');
    fireEvent.click(await findElement(container, '#mine-bind-phone'));

    expect((await findElement(container, '#mine-phone-error')).textContent).toContain('11 位手机号');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('shows center staff the 柜台核验 entry, which opens the staff page', async () => {
    setDevOpenid('dev-staff-321000');
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openMine();

    const entry = await findElement(container, '#mine-counter');
    expect(entry.textContent).toContain('柜台核验（中心工作人员）');
    fireEvent.click(entry);
    expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/portal/counter/index' });
  });

  it('shows no 柜台核验 entry to an employee', async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    const container = await openMine();
    // the whoami answer has come when its fetch has settled
    await Promise.all(fetchSpy.mock.results.map((r) => r.value as Promise<unknown>));
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(fetchSpy.mock.calls.some(([input]) => String(input).includes('/api/session'))).toBe(true);
    expect(container.querySelector('#mine-counter')).toBeNull();
  });

  it('shows center staff the 链接与接口登记 entry beside 申请工作台, which opens the links page, and nothing to join', async () => {
    setDevOpenid('dev-staff-321000');
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openMine();

    const entry = await findElement(container, '#mine-links');
    expect(entry.textContent).toContain('链接与接口登记（中心工作人员）');
    expect(entry.previousElementSibling?.id).toBe('mine-workbench');
    fireEvent.click(entry);
    expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/portal/links/index' });
    expect(container.querySelector('#mine-join')).toBeNull();
    expect(container.querySelector('#mine-review')).toBeNull();
    expect(container.querySelector('#mine-roles')).toBeNull();
    expect(container.querySelector('#mine-calendar')).toBeNull();
  });

  it('shows supervisors the 变更审核 and 角色管理 entries, which open the review and roles pages', async () => {
    setDevOpenid('dev-supervisor');
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openMine();

    const entry = await findElement(container, '#mine-review');
    expect(entry.textContent).toContain('变更审核（监管人员）');
    fireEvent.click(entry);
    expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/portal/review/index' });
    const roles = await findElement(container, '#mine-roles');
    expect(roles.textContent).toContain('角色管理（监管人员）');
    fireEvent.click(roles);
    expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/portal/roles/index' });
    expect(container.querySelector('#mine-links')).toBeNull();
  });

  it('shows supervisors the 节假日安排 entry, which opens the calendar page', async () => {
    setDevOpenid('dev-supervisor');
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openMine();

    const entry = await findElement(container, '#mine-calendar');
    expect(entry.textContent).toContain('节假日安排（监管人员）');
    fireEvent.click(entry);
    expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/portal/calendar/index' });
  });

  it('shows supervisors the warning that a year is not loaded on the 节假日安排 card, as the function gives it', async () => {
    setDevOpenid('dev-supervisor');
    const warning = '2031 年国务院节假日安排尚未载入，2031 年的办理时限目前只按周末估算（标为“预计”）；请按国务院办公厅的通知尽快载入';
    const spy = answerCalendarStatus({ years: [{ year: 2031, source: 'provisional' }], warning });
    const container = await openMine();

    const shown = await findElement(container, '#mine-calendar #mine-calendar-warning');
    expect(shown.textContent).toBe(warning);
    expect(calendarStatusCalls(spy)).toBe(1);
  });

  it('shows no warning on the 节假日安排 card when the function gives none, and asks nothing of it for an employee', async () => {
    setDevOpenid('dev-supervisor');
    const spy = answerCalendarStatus({ years: [{ year: 2031, source: 'loaded' }], warning: null });
    const supervisorPage = await openMine();
    await findElement(supervisorPage, '#mine-calendar');
    await waitFor(() => expect(calendarStatusCalls(spy)).toBe(1));
    expect(supervisorPage.querySelector('#mine-calendar-warning')).toBeNull();
    cleanup();

    setDevOpenid(uniqueOpenid('page-mine-no-calendar'));
    const employeePage = await openMine();
    await findElement(employeePage, '#mine-join');
    expect(calendarStatusCalls(spy)).toBe(1);
    expect(employeePage.querySelector('#mine-calendar-warning')).toBeNull();
  });

  it('offers a signed-in employee only a small line at the bottom to join a center by invite code (no card), which opens the join page', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openMine();

    const entry = await findElement(container, '#mine-join');
    expect(entry.textContent).toBe('中心工作人员：输入邀请码加入中心');
    expect(entry.classList.contains('card')).toBe(false);
    expect(container.textContent).not.toContain('加入中心（邀请码）');
    // below every card of the page, 隐私与账号 included
    const privacy = await findElement(container, '#mine-privacy');
    expect(privacy.compareDocumentPosition(entry) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    fireEvent.click(entry);
    expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/portal/join/index' });
    expect(container.querySelector('#mine-links')).toBeNull();
    expect(container.querySelector('#mine-review')).toBeNull();
  });

  it('shows the staff entries in place of 加入中心 when shown again after joining a center', async () => {
    const person = `page-mine-joiner-${Date.now()}`;
    setDevOpenid(person);
    const container = await openMine();
    // the router's show after the mount, as Taro's router fires it
    showPage();
    await findElement(container, '#mine-join');

    setDevOpenid('dev-supervisor');
    const invited = await adminCalls.inviteStaff('320100');
    if (!invited.ok) throw new Error(invited.message);
    setDevOpenid(person);
    const joined = await portalCalls.joinCenter(invited.data.code);
    if (!joined.ok) throw new Error(joined.message);
    showPage();

    await findElement(container, '#mine-links');
    expect(container.querySelector('#mine-join')).toBeNull();
  });

  it('shows a plain Chinese error with 重试 when the status cannot be loaded, and loads on retry', async () => {
    const realFetch = globalThis.fetch;
    jest.spyOn(globalThis, 'fetch').mockRejectedValueOnce(new TypeError('fetch failed')).mockImplementation(realFetch);
    const container = await openMine();

    const error = await findElement(container, '.state-error');
    expect(error.textContent).toContain('网络不太顺畅');
    fireEvent.click(await findElement(container, '.state-retry'));
    expect((await findElement(container, '#mine-status')).textContent).toBe('未核验');
  });
});
