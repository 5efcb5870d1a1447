import { act, fireEvent, render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { ApplicationView, FollowUpView, WorkbenchEntry, WorkbenchView } from '../../src/core/applications/views';
import type { FileLink } from '../../src/core/files';
import WorkbenchPage from '../../src/packages/portal/workbench';
import WorkbenchDetailPage from '../../src/packages/portal/workbench-detail';
import { callFunction } from '../../src/services/cloud';
import { devOpenid, setDevOpenid } from '../../src/services/dev-identity';
import { answerWith, bodiesOf, residentIds, sentBodies, uniqueOpenid, verifyIdentity, workInWorkbench } from './support/calls';
import { catchDownloads, releaseDownloads } from './support/downloads';
import { click, confirmModals, exactly, fill, press, textOf, waitForText } from './support/interact';
import { findElement, openWith, SERVER_ANSWER_MS } from './support/page';
import { seriousViolationsIn } from './support/axe';

const STAFF = 'dev-staff-321000';

const residents = residentIds('workbench');

const PHONE = '13612345678';
const NEW_ACCOUNT = '321077778888';

interface Submitted {
  id: string;
  employee: string;
  docNumber: string;
}

/** An employee of their own verifies and submits a transfer; the page then runs as the staff of 扬州 (321000). */
async function submitTransfer(route = { from: '110000', to: '321000' }): Promise<Submitted> {
  const employee = uniqueOpenid('page-workbench');
  const docNumber = residents.next();
  setDevOpenid(employee);
  await verifyIdentity('王小明', docNumber);
  const submitted = await callFunction<{ id: string }>('applications', {
    action: 'submit',
    type: 'transfer',
    requestId: `page-wb-${Date.now()}-${residents.issued}`,
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

beforeAll(() => workInWorkbench('321000', '320100'));

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
    expect(item.textContent).toMatch(/联系函编号：321000\d{10}/);
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

  it('marks a test application 测试 in words on the list, and no other, passing axe', async () => {
    const { id } = await submitTransfer();
    const other = await submitTransfer();
    answerWith<WorkbenchEntry[]>('list', (entries) => entries.map((e) => ({ ...e, test: e.id === id })));
    const list = await openList();
    expect(textOf(list, `#workbench-item-${id}-test`)).toBe('测试');
    expect(list.querySelector(`#workbench-item-${other.id}-test`)).toBeNull();
    expect(await seriousViolationsIn(list)).toEqual([]);
  });

  it('marks a test application 测试 on its detail with what a test case is, passing axe; a real one has neither', async () => {
    const { id } = await submitTransfer();
    const real = await openDetail(id);
    expect(real.querySelector('#workbench-test, #workbench-test-note')).toBeNull();
    real.remove();
    answerWith<WorkbenchView>('get', (view) => ({ ...view, test: true }));
    const detail = await openDetail(id);
    expect(textOf(detail, '#workbench-test')).toBe('测试');
    expect(textOf(detail, '#workbench-test-note')).toContain('中心应按正常流程在受理时限内受理');
    expect(await seriousViolationsIn(detail)).toEqual([]);
  });

  it('marks 预计 on the acceptance date of the application whose date is an estimate, and on no other', async () => {
    const { id } = await submitTransfer();
    const other = await submitTransfer();
    answerWith<WorkbenchEntry[]>('list', (entries) => entries.map((e) => ({ ...e, acceptByProvisional: e.id === id })));
    const container = await openList();

    const item = await findElement(container, `#workbench-item-${id}`);
    expect(item.textContent).toMatch(/受理时限：\d{4}-\d{2}-\d{2}（预计）/);
    expect(textOf(container, `#workbench-item-${id}-provisional`)).toContain('该年度国务院节假日安排尚未载入，暂按周末推算');
    expect(textOf(container, `#workbench-item-${other.id}`)).not.toContain('预计');
    expect(container.querySelector(`#workbench-item-${other.id}-provisional`)).toBeNull();
  });

  it('says so when the center has no application and no rating to follow up', async () => {
    // a Response's body is read once: each call (list, followUps) gets its own
    jest.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response(JSON.stringify({ ok: true, data: [] })));
    setDevOpenid(STAFF);
    const container = await openList();

    expect(textOf(container, '#workbench-list .state-empty')).toBe('本中心暂无待办申请');
    await findElement(container, '#workbench-follow-ups .state-empty');
    expect(textOf(container, '#workbench-follow-ups .state-empty')).toBe('暂无需要回访的差评');
  });

  it('lists a low rating to follow up and closes it with the staff’s note, which the function keeps', async () => {
    const submitted = await submitTransfer();
    for (const code of ['01', '02', '08', '00']) {
      const moved = await callFunction('workbench', { action: 'advance', id: submitted.id, code });
      if (!moved.ok) throw new Error(`advance ${code}: ${moved.message}`);
    }
    setDevOpenid(submitted.employee);
    const rated = await callFunction('applications', { action: 'rate', id: submitted.id, score: 2, comment: '窗口人员态度差，多跑了两次' });
    setDevOpenid(STAFF);
    if (!rated.ok) throw new Error(`rate: ${rated.message}`);
    const container = await openList();

    const item = await findElement(container, `#follow-up-${submitted.id}`);
    expect(item.textContent).toContain('不满意');
    expect(item.textContent).toContain('窗口人员态度差，多跑了两次');
    expect(item.querySelector('.workbench-status')?.textContent).toBe('待回访');
    expect(container.innerHTML).not.toContain('王小明');

    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await press(container, `#follow-up-close-${submitted.id}`);
    expect(textOf(container, `#follow-up-error-${submitted.id}`)).toBe('请填写回访处理情况');
    expect(fetchSpy).not.toHaveBeenCalled();

    await fill(container, `#follow-up-note-${submitted.id} textarea`, '已电话联系申请人，说明情况并致歉');
    await press(container, `#follow-up-close-${submitted.id}`);
    await waitForText(container, `#follow-up-${submitted.id} .workbench-status`, exactly('已回访'));
    expect(sentBodies(fetchSpy)).toEqual([{ action: 'closeFollowUp', id: submitted.id, note: '已电话联系申请人，说明情况并致歉' }]);
    expect(textOf(container, `#follow-up-${submitted.id}`)).toContain('回访情况：已电话联系申请人，说明情况并致歉');
    expect(container.querySelector(`#follow-up-note-${submitted.id}`)).toBeNull();
    expect(container.querySelector(`#follow-up-close-${submitted.id}`)).toBeNull();

    const stored = await callFunction<FollowUpView[]>('workbench', { action: 'followUps' });
    expect(stored.ok && stored.data.find((f) => f.applicationId === submitted.id)).toMatchObject({ status: 'closed', note: '已电话联系申请人，说明情况并致歉' });

    // the phone masked until 拨打, which asks the function for the full number (audited) and dials it
    expect(textOf(container, `#follow-up-phone-${submitted.id}`)).toBe('联系电话：136****5678');
    expect(container.innerHTML).not.toContain(PHONE);
    const dialled = jest.spyOn(Taro, 'makePhoneCall').mockImplementation(async () => ({ errMsg: 'makePhoneCall:ok' }));
    await press(container, `#follow-up-dial-${submitted.id}`);
    await waitForText(container, `#follow-up-phone-${submitted.id}`, exactly(`联系电话：${PHONE}`));
    expect(dialled).toHaveBeenCalledWith({ phoneNumber: PHONE });

    // then 整改完成 with what was put right
    await fill(container, `#follow-up-fix-input-${submitted.id} textarea`, '已对窗口人员开展服务规范培训');
    await press(container, `#follow-up-fix-${submitted.id}`);
    await waitForText(container, `#follow-up-${submitted.id} .workbench-status`, exactly('已整改'));
    expect(textOf(container, `#follow-up-fixed-${submitted.id}`)).toBe('整改情况：已对窗口人员开展服务规范培训');
    expect(textOf(container, `#follow-up-fix-rating-${submitted.id}`)).toBe('整改评价：申请人尚未评价');
    expect(container.querySelector(`#follow-up-fix-${submitted.id}`)).toBeNull();
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
    await fill(container, '#workbench-advance-message input', '联系函已复核，待转出地确认');
    await press(container, '#workbench-advance-01');

    await waitForText(container, '#workbench-status-label', exactly('已受理'));
    expect(showModal.mock.calls[0][0]).toMatchObject({ content: expect.stringContaining('01 联系函复核通过') });
    expect(sentBodies(fetchSpy)).toEqual([{ action: 'advance', id: submitted.id, code: '01', message: '联系函已复核，待转出地确认' }]);
    expect(container.querySelector('#workbench-advance-01')).toBeNull();
    expect(container.querySelector('#workbench-advance-02')?.textContent).toBe('02 联系函确认接收');
    expect(textOf(container, '#workbench-timeline')).toContain('联系函已复核，待转出地确认');

    const seen = await employeeView(submitted);
    expect(seen.status).toBe('accepted');
    expect(seen.events.map((e) => e.message)).toContain('联系函已复核，待转出地确认');
  });

  it('sends the reason and whom to call with a refusal, which the employee then sees beside the step', async () => {
    const submitted = await submitTransfer();
    confirmModals();
    const container = await openDetail(submitted.id);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await fill(container, '#workbench-why-advance-reason textarea', '原单位尚未为您办理封存');
    await fill(container, '#workbench-why-advance-contact-name input', '转出地归集科');
    await fill(container, '#workbench-why-advance-contact-phone input', '025-83588888');
    await press(container, '#workbench-advance-40');

    await waitForText(container, '#workbench-status-label', exactly('办理失败'));
    expect(sentBodies(fetchSpy)).toEqual([{ action: 'advance', id: submitted.id, code: '40', reason: '原单位尚未为您办理封存', contact: { name: '转出地归集科', phone: '025-83588888' } }]);
    const seen = await employeeView(submitted);
    expect(seen.events.at(-1)).toMatchObject({ reason: '原单位尚未为您办理封存', contact: { name: '转出地归集科', phone: '025-83588888' } });
  });

  it('refuses a contact without its phone before sending anything', async () => {
    const submitted = await submitTransfer();
    confirmModals();
    const container = await openDetail(submitted.id);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await fill(container, '#workbench-why-advance-contact-name input', '转出地归集科');
    await press(container, '#workbench-advance-40');
    await waitForText(container, '#workbench-advance', /联系电话应为/);
    expect(fetchSpy).not.toHaveBeenCalled();
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

    await fill(container, '#workbench-reject-reason textarea', '现单位尚未在本中心开户缴存');
    await press(container, '#workbench-reject');
    await waitForText(container, '#workbench-status-label', exactly('不予受理'));
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
    await fill(container, '#workbench-material-message textarea', '原单位开具的离职证明');
    await click(container, '#workbench-request-material');

    await waitForText(container, '#workbench-timeline', '原单位开具的离职证明');
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

  it('offers no material card and says another center handles it when the view says this center does not answer for it', async () => {
    const { id } = await submitTransfer();
    answerWith<WorkbenchView>('get', (view) => ({ ...view, responsible: false }));
    const container = await openDetail(id);

    expect(container.querySelector('#workbench-material-form')).toBeNull();
    expect(textOf(container, '#workbench-waiting')).toBe('当前由另一方中心办理，本中心暂无需更新状态。');
  });

  it('shows a co-buyer’s hold with a 核实 card that asks for the note, sends it after confirmation, and shows the check once recorded', async () => {
    const submitted = await submitTransfer();
    const earlier = { id: 'app0000000001', status: 'completed' as const, submittedAt: '2026-11-02T02:00:00.000Z' };
    answerWith<WorkbenchView>('get', (view) => ({ ...view, sharedContract: [earlier], contractHold: { checked: null } }));
    const showModal = confirmModals();
    const container = await openDetail(submitted.id);
    expect(textOf(container, '#workbench-shared-contract')).toContain('申请编号 app0000000001');
    expect(textOf(container, '#workbench-check')).toBe('核实');

    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    fetchSpy.mockClear();
    await press(container, '#workbench-check');
    expect(textOf(container, '#workbench-check-error')).toBe('请填写核实情况');
    expect(fetchSpy).not.toHaveBeenCalled();

    const note = '已联系两位购房人，系共同购房分别提取';
    await fill(container, '#workbench-check-note textarea', note);
    await press(container, '#workbench-check');
    // a transfer is never held: the function's own refusal is shown beside the card
    await waitForText(container, '#workbench-check-error', exactly('这笔申请的购房合同没有其他人申请过，无需核实'));
    expect(showModal.mock.calls[0][0]).toMatchObject({ title: '核实' });
    expect(sentBodies(fetchSpy)).toEqual([{ action: 'checkContract', id: submitted.id, note }]);

    jest.restoreAllMocks();
    answerWith<WorkbenchView>('get', (view) => ({ ...view, sharedContract: [earlier], contractHold: { checked: { at: '2026-11-20T02:00:00.000Z', note, centerCode: '321000' } } }));
    const checked = await openDetail(submitted.id);
    expect(textOf(checked, '#workbench-contract-checked')).toBe(`已核实（2026-11-20）：${note}`);
    expect(checked.querySelector('#workbench-check-form')).toBeNull();
  });

  it('marks the acceptance date and the completion target 预计 with what that means, only when they are estimates', async () => {
    const { id } = await submitTransfer();
    answerWith<ApplicationView>('get', (view) => ({ ...view, acceptByProvisional: true, target: { by: '2031-01-14', overdue: false }, targetProvisional: true }));
    const container = await openDetail(id);

    expect(textOf(container, '#workbench-accept-by')).toMatch(/^受理时限：\d{4}-\d{2}-\d{2}（预计）$/);
    expect(textOf(container, '#workbench-target')).toContain('办结时限：2031-01-14（预计）');
    expect(textOf(container, '#workbench-provisional')).toContain('暂只按周六、周日休息推算');
  });

  it('shows no 预计 when the dates are not estimates', async () => {
    const { id } = await submitTransfer();
    answerWith<ApplicationView>('get', (view) => ({ ...view, acceptByProvisional: false, targetProvisional: false }));
    const container = await openDetail(id);

    expect(textOf(container, '#workbench-accept-by')).toMatch(/^受理时限：\d{4}-\d{2}-\d{2}$/);
    expect(container.querySelector('#workbench-provisional')).toBeNull();
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

describe('workbench detail page: certificates (代收代办)', () => {
  // required here so that this block is the file's one addition
  const { default: ApplicationPage } = jest.requireActual<typeof import('../../src/pages/application')>('../../src/pages/application');
  const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');

  const { textPdf } = jest.requireActual<typeof import('../support/files')>('../support/files');
  // a real PDF (the workbench function parses it), as text the page's File and the download compare with
  const PDF = textPdf('Certificate of loan cleared');
  const PDF_NAME = '贷款全部还清证明.pdf';
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  /** Uploads the PDF as the current person, as the page does when it is picked; answers its fileId. */
  async function uploadedPdf(): Promise<string> {
    const response = await fetch('/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-wx-openid': devOpenid() }, body: Buffer.from(PDF) });
    const answer = (await response.json()) as { ok: true; data: { fileId: string } };
    return answer.data.fileId;
  }

  /** An employee verifies and asks 扬州 (321000, the business center) for the certificate through 南京 (320100); then the page runs as 扬州's staff. */
  async function submitCertificate(): Promise<Submitted> {
    const employee = uniqueOpenid('page-workbench-cert');
    const docNumber = residents.next();
    setDevOpenid(employee);
    await verifyIdentity('王小明', docNumber);
    const submitted = await callFunction<{ id: string }>('applications', {
      action: 'submit',
      type: 'certificate-loan-cleared',
      requestId: `page-wb-cert-${Date.now()}-${residents.issued}`,
      payload: { businessCenter: '321000', acceptingCenter: '320100', phone: PHONE },
    });
    if (!submitted.ok) throw new Error(`submit: ${submitted.message}`);
    setDevOpenid(STAFF);
    return { id: submitted.data.id, employee, docNumber };
  }

  afterEach(releaseDownloads);

  const readText = (blob: Blob) =>
    new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(blob);
    });

  async function pickFile(container: Element, file: File): Promise<void> {
    const input = await findElement<HTMLInputElement>(container, 'input#workbench-document');
    await act(async () => {
      fireEvent.change(input, { target: { files: [file] } });
    });
  }

  it('offers the business center’s staff the statuses allowed now, not the transfer codes', async () => {
    const { id } = await submitCertificate();
    // on the list, a certificate has no contact letter to speak of
    const list = await openList();
    expect((await findElement(list, `#workbench-item-${id}`)).textContent).not.toContain('联系函');
    const container = await openDetail(id);

    expect(textOf(container, '#workbench-status')).toContain('本中心为业务属地中心（出具证明）');
    const buttons = Array.from(container.querySelectorAll('#workbench-set-status .workbench-codes [id^="workbench-status-"]'), (b) => [b.id, b.textContent]);
    expect(buttons).toEqual([
      ['workbench-status-accepted', '已受理'],
      ['workbench-status-failed', '办理失败'],
    ]);
    expect(container.querySelector('#workbench-advance')).toBeNull();
    // the certificate is asked for only once 已办结 is offered
    expect(container.querySelector('#workbench-document')).toBeNull();
    expect(container.querySelector('#workbench-reject-form')).not.toBeNull();
  });

  it('accepts, sets 办理中, completes with the PDF, and the employee’s detail then downloads it checked by its sha256', async () => {
    const submitted = await submitCertificate();
    confirmModals();
    const container = await openDetail(submitted.id);

    await press(container, '#workbench-status-accepted');
    await waitForText(container, '#workbench-status-label', exactly('已受理'));
    await fill(container, '#workbench-status-message input', '已核实贷款结清，正在出具证明');
    await press(container, '#workbench-status-processing');
    await waitForText(container, '#workbench-status-label', exactly('办理中'));
    expect(textOf(container, '#workbench-timeline')).toContain('已核实贷款结清，正在出具证明');

    // 已办结 without the certificate: said on the page, nothing sent
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await press(container, '#workbench-status-completed');
    expect(textOf(container, '#workbench-status-error')).toBe('办结前请先选择出具的证明文件（PDF）');
    expect(fetchSpy).not.toHaveBeenCalled();

    // a file that is not a PDF is refused before sending
    await pickFile(container, new File(['这不是 PDF'], '证明.pdf', { type: 'application/pdf' }));
    await waitForText(container, '#workbench-status-error', exactly('请选择 PDF 格式的证明文件'));
    expect(container.querySelector('#workbench-document-name')).toBeNull();

    // a PDF goes up to storage when picked; the call then names the upload, never carries the file
    await pickFile(container, new File([PDF], PDF_NAME, { type: 'application/pdf' }));
    await waitForText(container, '#workbench-document-name', exactly(`已选择：${PDF_NAME}`));
    expect(fetchSpy.mock.calls.map((call: unknown[]) => String(call[0]))).toEqual(['/upload']);
    fetchSpy.mockClear();
    await press(container, '#workbench-status-completed');
    await waitForText(container, '#workbench-status-label', exactly('已办结'));
    const sent = sentBodies(fetchSpy);
    expect(sent).toEqual([{ action: 'setStatus', id: submitted.id, status: 'completed', document: { name: PDF_NAME, fileId: expect.stringMatching(/^uploads\/[a-z0-9]{24}$/) } }]);
    expect(JSON.stringify(sent[0]).length).toBeLessThan(8 * 1024);
    expect(textOf(container, '#workbench-documents')).toContain(PDF_NAME);
    expect(container.querySelector('#workbench-set-status')).toBeNull();

    const seen = await employeeView(submitted);
    expect(seen.status).toBe('completed');
    expect(seen.documents).toEqual([{ id: expect.any(String), name: PDF_NAME, contentType: 'application/pdf', sha256: sha256(PDF), size: PDF.length }]);

    // the employee opens it: fetched, checked, and downloaded through an <a download> in the page
    setDevOpenid(submitted.employee);
    const downloads = catchDownloads();
    openWith({ id: submitted.id });
    const detail = render(<ApplicationPage />).container;
    const documentId = seen.documents[0].id;
    await findElement(detail, `#document-open-${documentId}`);
    expect(textOf(detail, `#document-${documentId}`)).toContain(PDF_NAME);
    await press(detail, `#document-open-${documentId}`);
    await waitFor(
      () => {
        if (downloads.anchors.length === 0) throw new Error('no download yet');
      },
      { timeout: SERVER_ANSWER_MS },
    );
    expect(downloads.anchors).toEqual([{ download: PDF_NAME, href: 'blob:test/1', inPage: true }]);
    expect(await readText(downloads.blobs[0])).toBe(PDF);
    expect(downloads.blobs[0].type).toBe('application/pdf');
    expect(detail.querySelector('#document-error')).toBeNull();
    expect(Array.from(document.querySelectorAll('a[download]'))).toEqual([]);
  });

  /** A certificate completed in 扬州's workbench; answers its application and the employee's view, the page then running as the employee. */
  async function completedCertificate(): Promise<{ submitted: Submitted; documentId: string }> {
    const submitted = await submitCertificate();
    for (const status of ['accepted', 'processing']) {
      const moved = await callFunction('workbench', { action: 'setStatus', id: submitted.id, status });
      if (!moved.ok) throw new Error(`setStatus ${status}: ${moved.message}`);
    }
    const fileId = await uploadedPdf();
    const completed = await callFunction('workbench', { action: 'setStatus', id: submitted.id, status: 'completed', document: { name: PDF_NAME, fileId } });
    if (!completed.ok) throw new Error(`complete: ${completed.message}`);
    const seen = await employeeView(submitted);
    setDevOpenid(submitted.employee);
    return { submitted, documentId: seen.documents[0].id };
  }

  /** Downloads by link answered by `answer` instead of the host; the function calls still reach it, `applications document`'s link changed by `change`. */
  function downloadsAnswered(answer: () => Response, change: (link: FileLink) => FileLink = (link) => link): jest.SpyInstance {
    const realFetch = globalThis.fetch;
    return jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (String(input).startsWith('/downloads/')) return answer();
      const answered = await realFetch(input, init);
      if ((JSON.parse(String(init?.body ?? '{}')) as { action?: string }).action !== 'document') return answered;
      const result = (await answered.json()) as { ok: true; data: FileLink };
      return new Response(JSON.stringify({ ...result, data: change(result.data) }));
    });
  }

  it('asks for a link, downloads by it, and refuses what arrives when it does not match the sha256 the application lists, saving nothing', async () => {
    const { submitted, documentId } = await completedCertificate();
    const downloads = catchDownloads();
    // the content changed on the way
    const fetchSpy = downloadsAnswered(() => new Response(PDF.replace('Catalog', 'Catalof'), { status: 200, headers: { 'content-type': 'application/pdf' } }));
    openWith({ id: submitted.id });
    const detail = render(<ApplicationPage />).container;
    await press(detail, `#document-open-${documentId}`);

    expect((await findElement(detail, '#document-error')).textContent).toBe('文件校验失败：下载到的文件与记录的不一致，可能在传输中损坏，请重试');
    expect(bodiesOf(fetchSpy).filter((c) => !c.url.startsWith('/api/'))).toEqual([{ url: expect.stringMatching(/^\/downloads\/[A-Za-z0-9_-]{32}$/), body: {} }]);
    expect(downloads.blobs).toEqual([]);
    expect(downloads.anchors).toEqual([]);

    // 重新下载: a new link, and this time the file arrives whole
    fetchSpy.mockRestore();
    await press(detail, '#document-retry');
    await waitFor(
      () => {
        if (downloads.anchors.length === 0) throw new Error('no download yet');
      },
      { timeout: SERVER_ANSWER_MS },
    );
    expect(await readText(downloads.blobs[0])).toBe(PDF);
    expect(detail.querySelector('#document-error')).toBeNull();
  });

  it('says the link has expired when the host refuses a link past its time, and offers to download again', async () => {
    const { submitted, documentId } = await completedCertificate();
    const downloads = catchDownloads();
    const ended = (link: FileLink) => ({ ...link, expiresAt: new Date(Date.now() - 1000).toISOString() });
    downloadsAnswered(() => new Response(JSON.stringify({ ok: false, code: 'VALIDATION_FAILED', message: '下载链接已过期' }), { status: 410 }), ended);
    openWith({ id: submitted.id });
    const detail = render(<ApplicationPage />).container;
    await press(detail, `#document-open-${documentId}`);

    expect((await findElement(detail, '#document-error')).textContent).toBe('下载链接已过期（10 分钟内有效），请重试以获取新的链接');
    expect(textOf(detail, '#document-retry')).toBe('重新下载');
    expect(downloads.anchors).toEqual([]);
  });

  /** A certificate accepted by 扬州's staff, whose workbench view the test then changes. */
  async function acceptedCertificate(change: (view: WorkbenchView) => WorkbenchView): Promise<string> {
    const submitted = await submitCertificate();
    const accepted = await callFunction('workbench', { action: 'setStatus', id: submitted.id, status: 'accepted' });
    if (!accepted.ok) throw new Error(accepted.message);
    answerWith<WorkbenchView>('get', change);
    return submitted.id;
  }

  it('asks for what was paid, and no certificate, when the view says completing needs the payment, and sends what was entered', async () => {
    const id = await acceptedCertificate((view) => ({ ...view, completionNeeds: 'payment' }));
    const showModal = confirmModals();
    const container = await openDetail(id);

    expect(container.querySelector('#workbench-certificate-form')).toBeNull();
    await fill(container, '#workbench-payment-amount input', '1234.5');
    await fill(container, '#workbench-payment-date input', '2026-11-20');
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    fetchSpy.mockClear();
    await press(container, '#workbench-status-completed');

    // the function keeps its own rule: this type completes with the certificate
    await waitForText(container, '#workbench-status-error', exactly('办结证明类申请请上传证明文件（PDF）'));
    expect(showModal.mock.calls[0][0]).toMatchObject({ content: expect.stringContaining('将告知申请人已支付 1,234.50 元') });
    expect(sentBodies(fetchSpy)).toEqual([{ action: 'setStatus', id, status: 'completed', payment: { amount: 1234.5, paidOn: '2026-11-20' } }]);
  });

  it('asks for nothing more when the view says completing needs nothing, and sends the status alone', async () => {
    const id = await acceptedCertificate((view) => ({ ...view, completionNeeds: null }));
    confirmModals();
    const container = await openDetail(id);

    expect(container.querySelector('#workbench-status-completed')).not.toBeNull();
    expect(container.querySelector('#workbench-certificate-form')).toBeNull();
    expect(container.querySelector('#workbench-payment-form')).toBeNull();
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    fetchSpy.mockClear();
    await press(container, '#workbench-status-completed');

    await waitForText(container, '#workbench-status-error', exactly('办结证明类申请请上传证明文件（PDF）'));
    expect(sentBodies(fetchSpy)).toEqual([{ action: 'setStatus', id, status: 'completed' }]);
  });

  it('shows the function’s refusal when completing without the certificate', async () => {
    const submitted = await submitCertificate();
    const accepted = await callFunction('workbench', { action: 'setStatus', id: submitted.id, status: 'accepted' });
    if (!accepted.ok) throw new Error(accepted.message);
    confirmModals();
    // the page has picked one; the function gets none
    const realFetch = globalThis.fetch;
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (typeof init?.body !== 'string') return realFetch(input, init);
      const body = JSON.parse(init.body) as Record<string, unknown>;
      return body.action === 'setStatus' ? realFetch(input, { ...init, body: JSON.stringify({ ...body, document: undefined }) }) : realFetch(input, init);
    });
    const container = await openDetail(submitted.id);
    await pickFile(container, new File([PDF], PDF_NAME, { type: 'application/pdf' }));
    await waitForText(container, '#workbench-document-name', exactly(`已选择：${PDF_NAME}`));
    await press(container, '#workbench-status-completed');

    await waitForText(container, '#workbench-status-error', exactly('办结证明类申请请上传证明文件（PDF）'));
    expect(textOf(container, '#workbench-status-label')).toBe('已受理');
  });
});
