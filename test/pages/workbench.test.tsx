import { act, fireEvent, render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { ApplicationView, WorkbenchEntry } from '../../src/core/applications';
import { idCheckChar } from '../../src/core/identity';
import WorkbenchPage from '../../src/packages/portal/workbench';
import WorkbenchDetailPage from '../../src/packages/portal/workbench-detail';
import { callFunction } from '../../src/services/cloud';
import { setDevOpenid } from '../../src/services/dev-identity';
import { findElement, openWith, SERVER_ANSWER_MS } from './support/page';

const STAFF = 'dev-staff-321000';

/** Resident IDs of this file only (born 1987-05-30, a sequence per person): never bound to another person. */
let sequence = 0;
function freshId(): string {
  sequence += 1;
  const first17 = `11010519870530${String(sequence).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

const PHONE = '13612345678';
const NEW_ACCOUNT = '321077778888';

interface Submitted {
  id: string;
  employee: string;
  docNumber: string;
}

/** An employee of their own verifies and submits a transfer; the page then runs as the staff of 扬州 (321000). */
async function submitTransfer(route = { from: '110000', to: '321000' }): Promise<Submitted> {
  const employee = `page-workbench-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const docNumber = freshId();
  setDevOpenid(employee);
  const started = await callFunction<{ verifyId: string }>('identity', { action: 'start', name: '王小明', docType: '01', docNumber });
  if (!started.ok) throw new Error(`start: ${started.message}`);
  const confirmed = await callFunction('identity', { action: 'confirm', verifyId: started.data.verifyId });
  if (!confirmed.ok) throw new Error(`confirm: ${confirmed.message}`);
  const submitted = await callFunction<{ id: string }>('applications', {
    action: 'submit',
    type: 'transfer',
    requestId: `page-wb-${Date.now()}-${sequence}`,
    payload: {
      transferOutCenter: route.from,
      transferInCenter: route.to,
      formerEmployer: '北京某某科技有限公司',
      newEmployer: '扬州某某制造有限公司',
      newAccount: NEW_ACCOUNT,
      phone: PHONE,
    },
  });
  if (!submitted.ok) throw new Error(`submit: ${submitted.message}`);
  setDevOpenid(STAFF);
  return { id: submitted.data.id, employee, docNumber };
}

/** What the employee's own `applications.get` says now. */
async function employeeView(submitted: Submitted): Promise<ApplicationView> {
  setDevOpenid(submitted.employee);
  const got = await callFunction<ApplicationView>('applications', { action: 'get', id: submitted.id });
  setDevOpenid(STAFF);
  if (!got.ok) throw new Error(got.message);
  return got.data;
}

/** Answers one action of the `workbench` function with changed data (after asking the real one). */
function answerWith<T>(action: string, change: (data: T) => T): void {
  const realFetch = globalThis.fetch;
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const body = JSON.parse(String(init?.body ?? '{}')) as { action?: string };
    const answer = await realFetch(input, init);
    if (body.action !== action) return answer;
    const result = (await answer.json()) as { ok: true; data: T };
    return new Response(JSON.stringify({ ...result, data: change(result.data) }));
  });
}

async function openList(): Promise<HTMLElement> {
  const { container } = render(<WorkbenchPage />);
  await findElement(container, '#workbench-list, .state-empty, .state-error');
  return container;
}

async function openDetail(id: string): Promise<HTMLElement> {
  openWith({ id });
  const { container } = render(<WorkbenchDetailPage />);
  await findElement(container, '#workbench-status, .state-error');
  return container;
}

async function typeInto(container: Element, selector: string, text: string): Promise<void> {
  const field = await findElement<HTMLInputElement | HTMLTextAreaElement>(container, selector);
  field.value = text;
  fireEvent.input(field);
}

const textOf = (container: Element, selector: string) => container.querySelector(selector)?.textContent ?? '';
const click = async (container: Element, selector: string) => fireEvent.click(await findElement(container, selector));

/** Taps a button whose handler awaits a modal first: lets that settle inside act, as the page's updates follow it. */
async function press(container: Element, selector: string): Promise<void> {
  const button = await findElement(container, selector);
  await act(async () => {
    fireEvent.click(button);
  });
}

/** Waits until `selector`'s text is `text`; throws a plain Error meanwhile (see findElement on why not expect). */
function waitForText(container: Element, selector: string, text: string): Promise<void> {
  return waitFor(
    () => {
      const now = textOf(container, selector);
      if (now !== text) throw new Error(`${selector} says “${now}”, not “${text}”`);
    },
    { timeout: SERVER_ANSWER_MS },
  );
}

/**
 * The centers these tests submit to work in the workbench only: the local host points every center at
 * the center simulator, whose callbacks would move an application on by themselves while a test looks at it.
 */
async function workInWorkbench(...codes: string[]): Promise<void> {
  for (const centerCode of codes) {
    const res = await fetch('/api/admin', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': 'dev-supervisor' },
      body: JSON.stringify({ action: 'setManual', centerCode }),
    });
    const answer = (await res.json()) as { ok: boolean; message?: string };
    if (!answer.ok) throw new Error(`setManual ${centerCode}: ${answer.message}`);
  }
}

beforeAll(() => workInWorkbench('321000', '320100'));

const confirmModals = () => jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: true, cancel: false, errMsg: 'showModal:ok' });

beforeEach(() => jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' }));
afterEach(() => jest.restoreAllMocks());

describe('workbench list page', () => {
  it('shows the FORBIDDEN message and no application to a caller who is not center staff', async () => {
    await submitTransfer();
    setDevOpenid(`page-workbench-outsider-${Date.now()}`);
    const container = await openList();

    expect(textOf(container, '.state-error .state-message')).toBe('仅中心工作人员可以使用申请工作台');
    expect(container.querySelector('[id^="workbench-item-"]')).toBeNull();
  });

  it('lists an application forwarded to the center with the applicant masked, and opens its detail', async () => {
    const { id } = await submitTransfer();
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openList();

    const item = await findElement(container, `#workbench-item-${id}`);
    expect(item.textContent).toContain('**明');
    expect(item.textContent).toContain('本中心为转入地中心');
    expect(item.textContent).toMatch(/受理时限：\d{4}-\d{2}-\d{2}/);
    expect(item.querySelector('.workbench-overdue')).toBeNull();
    expect(container.innerHTML).not.toContain('王小明');

    fireEvent.click(item);
    expect(navigateTo).toHaveBeenCalledWith({ url: `/packages/portal/workbench-detail/index?id=${id}` });
  });

  it('flags the applications past their acceptance deadline and counts them', async () => {
    const { id } = await submitTransfer();
    answerWith<WorkbenchEntry[]>('list', (entries) => entries.map((e) => ({ ...e, acceptOverdue: e.id === id })));
    const container = await openList();

    const item = await findElement(container, `#workbench-item-${id}`);
    expect(item.querySelector('.workbench-overdue')?.textContent).toContain('已超过受理时限');
    expect(textOf(container, '#workbench-summary')).toContain('其中 1 件已超过受理时限');
  });

  it('says so when the center has no application', async () => {
    jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ ok: true, data: [] })));
    setDevOpenid(STAFF);
    const container = await openList();

    expect(textOf(container, '.state-empty')).toBe('本中心暂无待办申请');
  });
});

describe('workbench detail page', () => {
  it('shows the full applicant and form with the notice that the view was recorded, the timeline and the moves allowed now', async () => {
    const { id, docNumber } = await submitTransfer();
    const container = await openDetail(id);

    expect(textOf(container, '#workbench-view-notice')).toContain('本次查看已记录在案');
    const applicant = textOf(container, '#workbench-applicant');
    expect(applicant).toContain('王小明');
    expect(applicant).toContain('居民身份证');
    expect(applicant).toContain(docNumber);
    const form = textOf(container, '#workbench-form');
    expect(form).toContain(PHONE);
    expect(form).toContain(NEW_ACCOUNT);
    expect(form).toContain('北京住房公积金管理中心');
    expect(textOf(container, '#workbench-timeline')).toContain('提交');

    const buttons = Array.from(container.querySelectorAll('[id^="workbench-advance-"]:not(#workbench-advance-message)'), (b) => b.textContent);
    expect(buttons).toEqual(['01 联系函复核通过', '05 转入撤销办结', '40 失败办结']);
    expect(container.querySelector('#workbench-reject-form')).not.toBeNull();
    expect(container.querySelector('#workbench-material-form')).not.toBeNull();
  });

  it('advances to 01 after confirmation with the staff’s note, which the employee then sees', async () => {
    const submitted = await submitTransfer();
    const showModal = confirmModals();
    const container = await openDetail(submitted.id);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await typeInto(container, '#workbench-advance-message input', '联系函已复核，待转出地确认');
    await press(container, '#workbench-advance-01');

    await waitForText(container, '#workbench-status-label', '已受理');
    expect(showModal.mock.calls[0][0]).toMatchObject({ content: expect.stringContaining('01 联系函复核通过') });
    const sent = fetchSpy.mock.calls.map(([, init]) => JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>);
    expect(sent).toEqual([{ action: 'advance', id: submitted.id, code: '01', message: '联系函已复核，待转出地确认' }]);
    expect(container.querySelector('#workbench-advance-01')).toBeNull();
    expect(container.querySelector('#workbench-advance-02')?.textContent).toBe('02 联系函确认接收');
    expect(textOf(container, '#workbench-timeline')).toContain('联系函已复核，待转出地确认');

    const seen = await employeeView(submitted);
    expect(seen.status).toBe('accepted');
    expect(seen.events.map((e) => e.message)).toContain('联系函已复核，待转出地确认');
  });

  it('sends nothing when the move is not confirmed', async () => {
    const { id } = await submitTransfer();
    jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: false, cancel: true, errMsg: 'showModal:ok' });
    const container = await openDetail(id);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await press(container, '#workbench-advance-01');
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(fetchSpy).not.toHaveBeenCalled();
    expect(textOf(container, '#workbench-status-label')).toBe('已送达中心');
  });

  it('asks for a reason before rejecting, then rejects and offers no further move', async () => {
    const submitted = await submitTransfer();
    confirmModals();
    const container = await openDetail(submitted.id);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await press(container, '#workbench-reject');

    expect(textOf(container, '#workbench-reject-error')).toBe('请填写不予受理的理由');
    expect(fetchSpy).not.toHaveBeenCalled();

    await typeInto(container, '#workbench-reject-reason textarea', '现单位尚未在本中心开户缴存');
    await press(container, '#workbench-reject');
    await waitForText(container, '#workbench-status-label', '不予受理');
    expect(container.querySelector('#workbench-reject-form')).toBeNull();
    expect(container.querySelector('#workbench-advance')).toBeNull();
    expect(container.querySelector('#workbench-material-form')).toBeNull();

    const seen = await employeeView(submitted);
    expect(seen.status).toBe('rejected');
    expect(seen.events.map((e) => e.message).join('')).toContain('现单位尚未在本中心开户缴存');
  });

  it('asks the applicant for material: a line in the timeline, the status unchanged', async () => {
    const submitted = await submitTransfer();
    const container = await openDetail(submitted.id);
    expect(textOf(container, '#workbench-status-label')).toBe('已送达中心');
    await typeInto(container, '#workbench-material-message textarea', '原单位开具的离职证明');
    await click(container, '#workbench-request-material');

    await waitFor(
      () => {
        if (!textOf(container, '#workbench-timeline').includes('原单位开具的离职证明')) throw new Error('no material line yet');
      },
      { timeout: SERVER_ANSWER_MS },
    );
    expect(textOf(container, '#workbench-status-label')).toBe('已送达中心');
    const seen = await employeeView(submitted);
    expect(seen.events.map((e) => e.message).join('')).toContain('请补充材料：原单位开具的离职证明');
  });

  it('shows the transfer-out center’s staff the application without any move', async () => {
    const { id } = await submitTransfer({ from: '321000', to: '320100' });
    const container = await openDetail(id);

    expect(textOf(container, '#workbench-status')).toContain('本中心为转出地中心');
    expect(container.querySelector('#workbench-advance')).toBeNull();
    expect(container.querySelector('#workbench-reject-form')).toBeNull();
    expect(container.querySelector('#workbench-material-form')).toBeNull();
    expect(textOf(container, '#workbench-waiting')).toContain('本中心暂无需更新状态');
  });

  it('shows the FORBIDDEN message and no personal data to a caller who is not center staff', async () => {
    const { id, docNumber } = await submitTransfer();
    setDevOpenid(`page-workbench-outsider-${Date.now()}`);
    const container = await openDetail(id);

    expect(textOf(container, '.state-error .state-message')).toBe('仅中心工作人员可以使用申请工作台');
    expect(container.innerHTML).not.toContain('王小明');
    expect(container.innerHTML).not.toContain(docNumber);
  });
});
