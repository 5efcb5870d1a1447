import { fireEvent, render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { ApplicationListEntry, ApplicationView } from '../../src/core/applications/views';
import ApplicationPage from '../../src/pages/application';
import ApplicationsPage from '../../src/pages/applications';
import { callFunction } from '../../src/services/cloud';
import { devOpenid, setDevOpenid } from '../../src/services/dev-identity';
import { answerWith, personPerTest, residentIds, sentBodies, verifyIdentity } from './support/calls';
import { fill, textOf, waitGone } from './support/interact';
import { findElement, openWith } from './support/page';
import { seriousViolationsIn } from './support/axe';
import { pdfOf } from '../support/files';

const residents = residentIds('applications');

const PHONE = '13712345678';
const NEW_ACCOUNT = '321055556666';
const FORM = { formerEmployer: '北京某某科技有限公司', newEmployer: '扬州某某制造有限公司', newAccount: NEW_ACCOUNT, phone: PHONE };

/** Verifies the current dev openid (the identity simulator passes by default) and submits a transfer 北京 -> 扬州. */
async function submitTransfer(): Promise<{ id: string; docNumber: string }> {
  const docNumber = residents.next();
  await verifyIdentity('张三', docNumber);
  const submitted = await callFunction<{ id: string }>('applications', {
    action: 'submit',
    type: 'transfer',
    requestId: `page-apps-${Date.now()}-${residents.issued}`,
    payload: { transferOutCenter: '110000', transferInCenter: '321000', ...FORM },
  });
  if (!submitted.ok) throw new Error(`submit: ${submitted.message}`);
  return { id: submitted.data.id, docNumber };
}

async function openList(): Promise<HTMLElement> {
  const { container } = render(<ApplicationsPage />);
  await findElement(container, '#applications-list, #applications-empty, .state-error');
  return container;
}

async function openDetail(id: string): Promise<HTMLElement> {
  openWith({ id });
  const { container } = render(<ApplicationPage />);
  await findElement(container, '#application-status, .state-error');
  return container;
}

/** The staff of 扬州 (the transfer-in center these tests submit to) take an application through to 00 正常办结. */
async function completeInWorkbench(id: string): Promise<void> {
  const employee = devOpenid();
  setDevOpenid('dev-staff-321000');
  try {
    for (const code of ['01', '02', '08', '00']) {
      const moved = await callFunction('workbench', { action: 'advance', id, code });
      if (!moved.ok) throw new Error(`advance ${code}: ${moved.message}`);
    }
  } finally {
    setDevOpenid(employee);
  }
}

/** Each test is a person of its own on the shared local host; 扬州 and 南京 work in the workbench. */
personPerTest('page-apps', { workbench: ['321000', '320100'] });

describe('applications list page', () => {
  it('says there is no application yet and offers to start a transfer', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openList();

    expect(textOf(container, '#applications-empty')).toContain('您还没有在线提交过申请');
    fireEvent.click(await findElement(container, '#applications-start'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/transfer/index' });
  });

  it('lists a submitted transfer with its type, step, status, responsible center and date, and opens its detail', async () => {
    const { id } = await submitTransfer();
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openList();

    const item = await findElement(container, `#application-item-${id}`);
    expect(item.textContent).toContain('异地转移接续');
    expect(item.querySelector('.status-tag')?.textContent).toBe('已送达中心');
    expect(item.querySelector('.applications-step')?.textContent).toBe('送达中心');
    expect(item.querySelector('.applications-center')?.textContent).toBe('扬州市住房公积金管理中心');
    expect(item.querySelector('.applications-date')?.textContent).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(item.querySelector('.applications-overdue')).toBeNull();
    expect(container.innerHTML).not.toContain(PHONE);

    fireEvent.click(item);
    expect(navigateTo).toHaveBeenCalledWith({ url: `/pages/application/index?id=${id}` });
  });

  it('flags an application the center has not accepted in time', async () => {
    const { id } = await submitTransfer();
    answerWith<ApplicationListEntry[]>('list', (entries) => entries.map((e) => ({ ...e, acceptOverdue: true, letterNumber: '3210002611230001' })));
    const container = await openList();

    const item = await findElement(container, `#application-item-${id}`);
    expect(item.querySelector('.applications-overdue')?.textContent).toContain('超过受理时限');
    expect(item.querySelector('.applications-letter')?.textContent).toBe('3210002611230001');
  });

  it('marks a tester’s test application 测试 in words, and a real one not, passing axe', async () => {
    const { id } = await submitTransfer();
    const real = await openList();
    expect(real.querySelector(`#application-item-${id}-test`)).toBeNull();
    real.remove();
    answerWith<ApplicationListEntry[]>('list', (entries) => entries.map((e) => ({ ...e, test: true })));
    const container = await openList();

    expect(textOf(container, `#application-item-${id}-test`)).toBe('测试');
    expect(textOf(container, `#application-item-${id}`)).toContain('测试异地转移接续');
    expect(await seriousViolationsIn(container)).toEqual([]);
  });

  it('shows a plain Chinese error with 重试 when the list cannot be loaded, and loads on retry', async () => {
    const realFetch = globalThis.fetch;
    jest.spyOn(globalThis, 'fetch').mockRejectedValueOnce(new TypeError('fetch failed')).mockImplementation(realFetch);
    const container = await openList();

    expect(textOf(container, '.state-error')).toContain('网络不太顺畅');
    fireEvent.click(await findElement(container, '.state-retry'));
    await findElement(container, '#applications-empty');
  });
});

describe('application detail page', () => {
  it('shows the status, the step on the progress, the acceptance deadline, the centers and the masked summary', async () => {
    const { id, docNumber } = await submitTransfer();
    const container = await openDetail(id);

    expect(textOf(container, '#application-status-label')).toBe('已送达中心');
    expect(textOf(container, '#application-step')).toBe('当前环节：送达中心');
    const steps = Array.from(container.querySelectorAll('#application-steps .application-step-label'), (s) => s.textContent);
    expect(steps).toEqual(['提交', '送达中心', '受理', '转出地确认', '协商中', '办结']);
    expect(container.querySelector('#application-steps .application-step-current .application-step-label')?.textContent).toBe('送达中心');
    expect(container.querySelectorAll('#application-steps .application-step-done')).toHaveLength(1);
    expect(textOf(container, '#application-accept-by')).toMatch(/扬州市住房公积金管理中心应在 \d{4}-\d{2}-\d{2} 前受理（3 个工作日）/);
    expect(container.querySelector('#application-overdue')).toBeNull();

    expect(textOf(container, '#application-center-321000')).toContain('转入地中心');
    expect(textOf(container, '#application-center-321000')).toContain('扬州市住房公积金管理中心');
    expect(textOf(container, '#application-center-110000')).toContain('转出地中心');
    expect(textOf(container, '#application-center-110000')).toContain('010-12329');

    const summary = textOf(container, '#application-summary');
    expect(summary).toContain('137****5678');
    expect(summary).toContain(FORM.newEmployer);
    expect(container.innerHTML).not.toContain(PHONE);
    expect(container.innerHTML).not.toContain(NEW_ACCOUNT);
    expect(container.innerHTML).not.toContain(docNumber);
    expect(container.innerHTML).not.toContain('张三');
  });

  it('shows the timeline with China time, step and who took it (提交 by the applicant)', async () => {
    const { id } = await submitTransfer();
    const container = await openDetail(id);

    const entries = Array.from(container.querySelectorAll('#application-timeline .timeline-entry'));
    expect(entries.length).toBeGreaterThanOrEqual(1);
    const first = entries[entries.length - 1];
    expect(first.querySelector('.timeline-step')?.textContent).toBe('提交');
    expect(first.querySelector('.timeline-time')?.textContent).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(first.querySelector('.timeline-center')?.textContent).toBe('申请人');
    expect(first.querySelector('.timeline-message')?.textContent).toContain('扬州市住房公积金管理中心');
  });

  it('calls the center’s service phone on tap', async () => {
    const { id } = await submitTransfer();
    const makePhoneCall = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'makePhoneCall:ok' });
    const container = await openDetail(id);

    fireEvent.click(await findElement(container, '#application-center-321000 .application-center-phone'));
    expect(makePhoneCall).toHaveBeenCalledWith({ phoneNumber: '051412329' });
  });

  it('warns when the acceptance deadline has passed', async () => {
    const { id } = await submitTransfer();
    answerWith<ApplicationView>('get', (view) => ({ ...view, acceptOverdue: true }));
    const container = await openDetail(id);

    expect(textOf(container, '#application-overdue')).toContain('已超过受理时限');
  });

  it('marks a test application 测试 on its detail and says what a test case is; a real one has neither', async () => {
    const { id } = await submitTransfer();
    const real = await openDetail(id);
    expect(real.querySelector('#application-test')).toBeNull();
    expect(real.querySelector('#application-test-note')).toBeNull();
    real.remove();

    answerWith<ApplicationView>('get', (view) => ({ ...view, test: true }));
    const container = await openDetail(id);
    expect(textOf(container, '#application-test')).toBe('测试');
    expect(textOf(container, '#application-test-note')).toContain('申请人为虚构的测试人员，不计入统计，不参与评价');
    expect(await seriousViolationsIn(container)).toEqual([]);
  });

  it('marks the acceptance date and the completion target 预计 with what that means, only when the function says they are estimates', async () => {
    const { id } = await submitTransfer();
    answerWith<ApplicationView>('get', (view) => ({ ...view, acceptByProvisional: true, target: { by: '2031-01-14', overdue: false }, targetProvisional: true }));
    const container = await openDetail(id);

    expect(textOf(container, '#application-accept-by')).toMatch(/应在 \d{4}-\d{2}-\d{2}（预计） 前受理（3 个工作日）/);
    expect(textOf(container, '#application-target')).toContain('两地中心应在 2031-01-14（预计） 前办结');
    expect(textOf(container, '#application-provisional')).toContain('国务院节假日安排尚未载入，暂只按周六、周日休息推算');
    // the date itself is one unbreakable piece
    expect(container.querySelector('#application-accept-by .date-text-date')?.textContent).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('shows no 预计 when the dates are counted on a loaded or known arrangement', async () => {
    const { id } = await submitTransfer();
    answerWith<ApplicationView>('get', (view) => ({ ...view, acceptByProvisional: false, target: { by: '2026-12-30', overdue: false }, targetProvisional: false }));
    const container = await openDetail(id);

    expect(textOf(container, '#application-target')).toContain('两地中心应在 2026-12-30 前办结');
    expect(textOf(container, '#application-accept')).not.toContain('预计');
    expect(container.querySelector('#application-provisional')).toBeNull();
  });

  it('withdraws after the confirm modal and shows the withdrawn state, which the function keeps', async () => {
    const { id } = await submitTransfer();
    const showModal = jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: true, cancel: false, errMsg: 'showModal:ok' });
    jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
    const container = await openDetail(id);
    fireEvent.click(await findElement(container, '#application-withdraw'));

    await waitGone(container, '#application-withdraw');
    expect(showModal).toHaveBeenCalledTimes(1);
    expect(textOf(container, '#application-status-label')).toBe('已撤销');
    expect(textOf(container, '#application-step')).toBe('当前环节：已撤销');
    expect(container.querySelector('#application-steps .application-step-ended .application-step-label')?.textContent).toBe('已撤销');
    expect(textOf(container, '#application-timeline')).toContain('职工撤销申请');

    const stored = await callFunction<ApplicationView>('applications', { action: 'get', id });
    expect(stored.ok && stored.data.status).toBe('withdrawn');
  });

  it('sends nothing when the withdrawal is not confirmed', async () => {
    const { id } = await submitTransfer();
    jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: false, cancel: true, errMsg: 'showModal:ok' });
    const container = await openDetail(id);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    fireEvent.click(await findElement(container, '#application-withdraw'));
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(fetchSpy).not.toHaveBeenCalled();
    expect(container.querySelector('#application-withdraw')).not.toBeNull();
  });

  it('offers no 撤销申请 once the application can no longer be withdrawn', async () => {
    const { id } = await submitTransfer();
    answerWith<ApplicationView>('get', (view) => ({ ...view, canWithdraw: false }));
    const container = await openDetail(id);

    expect(container.querySelector('#application-status')).not.toBeNull();
    expect(container.querySelector('#application-withdraw')).toBeNull();
  });

  it('says the application was not found for someone else’s id', async () => {
    const { id } = await submitTransfer();
    setDevOpenid(`page-apps-other-${Date.now()}`);
    const container = await openDetail(id);

    expect(textOf(container, '.state-error')).toContain('没有找到这笔申请');
    expect(container.querySelector('#application-summary')).toBeNull();
  });
});

describe('application detail page: 好差评', () => {
  it('offers the five grades once the application is completed, and shows the rating given instead, which the function keeps', async () => {
    const { id } = await submitTransfer();
    await completeInWorkbench(id);
    jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
    const container = await openDetail(id);

    expect(textOf(container, '#application-status-label')).toBe('已办结');
    const choices = Array.from(container.querySelectorAll('#application-rate [id^="application-rate-"]:not(#application-rate-comment):not(#application-rate-submit)'), (c) => [c.id, c.textContent]);
    expect(choices).toEqual([
      ['application-rate-5', '非常满意'],
      ['application-rate-4', '满意'],
      ['application-rate-3', '基本满意'],
      ['application-rate-2', '不满意'],
      ['application-rate-1', '非常不满意'],
    ]);
    const placeholder = (await findElement(container, '#application-rate-comment textarea')).getAttribute('placeholder') ?? '';
    expect(placeholder).toContain('“不满意”或“非常不满意”时请写明原因');
    expect(placeholder).toContain('中心将回访');
    expect(container.querySelector('#application-rating')).toBeNull();

    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    fireEvent.click(await findElement(container, '#application-rate-4'));
    fireEvent.click(await findElement(container, '#application-rate-submit'));
    await waitGone(container, '#application-rate');

    expect(sentBodies(fetchSpy)).toEqual([{ action: 'rate', id, score: 4 }]);
    expect(textOf(container, '#application-rating-label')).toBe('满意');
    expect(container.querySelector('#application-rating-follow-up')).toBeNull();
    const stored = await callFunction<ApplicationView>('applications', { action: 'get', id });
    expect(stored.ok && { score: stored.data.rating?.score, canRate: stored.data.canRate }).toEqual({ score: 4, canRate: false });
  });

  it('refuses 不满意 without a reason on the page and sends nothing', async () => {
    const { id } = await submitTransfer();
    await completeInWorkbench(id);
    const container = await openDetail(id);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    fireEvent.click(await findElement(container, '#application-rate-2'));
    fireEvent.click(await findElement(container, '#application-rate-submit'));

    expect(textOf(container, '#application-rate-error')).toBe('评价为不满意时，请写明原因，中心将回访处理');
    await fill(container, '#application-rate-comment textarea', ' 差 ');
    fireEvent.click(await findElement(container, '#application-rate-submit'));
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(textOf(container, '#application-rate-error')).toBe('评价为不满意时，请写明原因，中心将回访处理');
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(container.querySelector('#application-rating')).toBeNull();
  });

  it('rates 非常不满意 with the reason and says the center will follow up', async () => {
    const { id } = await submitTransfer();
    await completeInWorkbench(id);
    jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
    const container = await openDetail(id);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    fireEvent.click(await findElement(container, '#application-rate-1'));
    await fill(container, '#application-rate-comment textarea', '办理时间太长，电话一直打不通');
    fireEvent.click(await findElement(container, '#application-rate-submit'));
    await waitGone(container, '#application-rate');

    expect(sentBodies(fetchSpy)).toEqual([{ action: 'rate', id, score: 1, comment: '办理时间太长，电话一直打不通' }]);
    expect(textOf(container, '#application-rating-label')).toBe('非常不满意');
    expect(textOf(container, '#application-rating-comment')).toBe('办理时间太长，电话一直打不通');
    expect(textOf(container, '#application-rating-follow-up')).toContain('中心将就您反映的问题进行回访');
  });

  it('follows the 差评 through 待回访, 整改中 (called back) and 已整改 with the center’s notes, and rates the fix once', async () => {
    const { id } = await submitTransfer();
    await completeInWorkbench(id);
    const rated = await callFunction('applications', { action: 'rate', id, score: 1, comment: '办理时间太长，电话一直打不通' });
    expect(rated.ok).toBe(true);
    const asStaff = async (event: Record<string, unknown>) => {
      const employee = devOpenid();
      setDevOpenid('dev-staff-321000');
      const answer = await callFunction('workbench', event);
      setDevOpenid(employee);
      if (!answer.ok) throw new Error(answer.message);
    };

    let container = await openDetail(id);
    expect(textOf(container, '#follow-up-state')).toBe('待回访');
    expect(textOf(container, '#follow-up-due')).toMatch(/办理中心将在 \d{4}-\d{2}-\d{2} 前与您电话联系/);
    expect(container.querySelector('#follow-up-rate')).toBeNull();

    await asStaff({ action: 'closeFollowUp', id, note: '已电话联系，说明办理进度并致歉' });
    container = await openDetail(id);
    expect(textOf(container, '#follow-up-state')).toBe('整改中');
    expect(textOf(container, '#follow-up-note')).toBe('已回访：已电话联系，说明办理进度并致歉');
    expect(textOf(container, '#follow-up-fix-due')).toMatch(/^中心正在整改，将在 \d{4}-\d{2}-\d{2} 前完成。$/);
    expect(container.querySelector('#follow-up-rate')).toBeNull();

    await asStaff({ action: 'fixFollowUp', id, note: '已开通转移进度短信提醒' });
    container = await openDetail(id);
    expect(textOf(container, '#follow-up-state')).toBe('已整改');
    expect(textOf(container, '#follow-up-fix-note')).toBe('整改情况：已开通转移进度短信提醒');
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    fireEvent.click(await findElement(container, '#follow-up-rate-submit'));
    expect(textOf(container, '#follow-up-rate-error')).toBe('请选择对整改结果的评价：满意、基本满意或不满意');
    expect(fetchSpy).not.toHaveBeenCalled();
    fireEvent.click(await findElement(container, '#follow-up-rate-fair'));
    fireEvent.click(await findElement(container, '#follow-up-rate-submit'));
    await waitGone(container, '#follow-up-rate');

    expect(sentBodies(fetchSpy)).toEqual([{ action: 'rateFix', id, score: 'fair' }]);
    expect(textOf(container, '#follow-up-fix-rating')).toBe('您对整改结果的评价：基本满意');
    const again = await callFunction('applications', { action: 'rateFix', id, score: 'satisfied' });
    expect(again).toMatchObject({ ok: false, message: '整改结果已经评价过了' });
  });

  it('shows the function’s refusal when the case was rated meanwhile', async () => {
    const { id } = await submitTransfer();
    await completeInWorkbench(id);
    const container = await openDetail(id);
    const first = await callFunction('applications', { action: 'rate', id, score: 5 });
    expect(first.ok).toBe(true);
    fireEvent.click(await findElement(container, '#application-rate-3'));
    fireEvent.click(await findElement(container, '#application-rate-submit'));

    const error = await findElement(container, '#application-rate-error');
    expect(error.textContent).toContain('已经评价过');
    expect(container.querySelector('#application-rating')).toBeNull();
  });

  it('shows the reason the function gives for the comment field', async () => {
    const { id } = await submitTransfer();
    await completeInWorkbench(id);
    const container = await openDetail(id);
    jest.spyOn(globalThis, 'fetch').mockImplementation(async () =>
      new Response(JSON.stringify({ ok: false, code: 'VALIDATION_FAILED', message: '提交的内容有误', fields: { comment: '评价内容包含不当用语' } })),
    );
    fireEvent.click(await findElement(container, '#application-rate-5'));
    await fill(container, '#application-rate-comment textarea', '很好');
    fireEvent.click(await findElement(container, '#application-rate-submit'));

    expect((await findElement(container, '#application-rate-error')).textContent).toBe('评价内容包含不当用语');
  });

  it('offers no rating while the application is still being handled', async () => {
    const { id } = await submitTransfer();
    const container = await openDetail(id);

    expect(textOf(container, '#application-status-label')).toBe('已送达中心');
    expect(container.querySelector('#application-rate')).toBeNull();
    expect(container.querySelector('#application-rating')).toBeNull();
  });
});

/** Verifies a new person (张三) and submits an application of `type` for them; answers its id. */
async function submitAs(type: string, payload: Record<string, unknown>): Promise<string> {
  await verifyIdentity('张三', residents.next());
  const submitted = await callFunction<{ id: string }>('applications', { action: 'submit', type, requestId: `page-apps-${Date.now()}-${residents.issued}`, payload });
  if (!submitted.ok) throw new Error(`submit ${type}: ${submitted.message}`);
  return submitted.data.id;
}

/** Uploads a file as the H5 page does (the local host's /upload), answering its fileId. */
async function upload(bytes: Buffer): Promise<string> {
  const response = await fetch('/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-wx-openid': devOpenid() }, body: new Uint8Array(bytes) });
  const answer = (await response.json()) as { ok: true; data: { fileId: string } };
  return answer.data.fileId;
}

const labelsOf = (container: HTMLElement, selector: string) => Array.from(container.querySelectorAll(selector), (s) => s.textContent);
/** The timeline entry whose message is `words`. */
const entryWith = (container: HTMLElement, words: string) =>
  Array.from(container.querySelectorAll('#application-timeline .timeline-entry')).find((e) => e.querySelector('.timeline-message')?.textContent === words);

describe('application detail page: timelines that do not mislead', () => {
  it('draws only the steps a completed transfer went through (no 协商中), in words, each credited to whoever took it, with no deadline left', async () => {
    const { id } = await submitTransfer();
    await completeInWorkbench(id);
    const container = await openDetail(id);

    expect(labelsOf(container, '#application-steps .application-step-label')).toEqual(['提交', '送达中心', '受理', '转出地确认', '办结']);
    expect(labelsOf(container, '#application-steps .application-step-done .application-step-label')).not.toContain('协商中');

    const timeline = textOf(container, '#application-timeline');
    for (const code of ['01 联系函复核通过', '02 联系函确认接收', '08 账户信息复核通过', '00 正常办结']) expect(timeline).not.toContain(code);
    const submitted = Array.from(container.querySelectorAll('#application-timeline .timeline-entry')).find((e) => e.querySelector('.timeline-step')?.textContent === '提交');
    expect(submitted?.querySelector('.timeline-center')?.textContent).toBe('申请人');
    expect(entryWith(container, '转入地中心已受理，联系函已发往转出地中心')?.querySelector('.timeline-center')?.textContent).toBe('转入地中心 扬州市住房公积金管理中心');
    const confirmed = entryWith(container, '转出地中心已确认接收联系函')?.querySelector('.timeline-center')?.textContent;
    expect(confirmed).toMatch(/^转出地中心 /);
    expect(confirmed).not.toContain('扬州');
    expect(entryWith(container, '已办结，住房公积金已转入转入地个人账户')).toBeDefined();

    expect(container.querySelector('#application-accept-by')).toBeNull();
    expect(container.textContent).not.toContain('前受理');
  });

  it('takes the acceptance deadline away once the transfer is withdrawn', async () => {
    const { id } = await submitTransfer();
    const open = await openDetail(id);
    expect(textOf(open, '#application-accept-by')).toContain('前受理');
    open.remove();
    const withdrawn = await callFunction('applications', { action: 'withdraw', id });
    if (!withdrawn.ok) throw new Error(withdrawn.message);
    const container = await openDetail(id);

    expect(textOf(container, '#application-status-label')).toBe('已撤销');
    expect(container.querySelector('#application-accept-by')).toBeNull();
    expect(container.textContent).not.toContain('受理时限');
    expect(labelsOf(container, '#application-steps .application-step-label')).toEqual(['提交', '送达中心', '已撤销']);
  });

  it('shows the reason a center gave beside its step, and its contact with a call link that keeps the number whole', async () => {
    const { id } = await submitTransfer();
    answerWith<ApplicationView>('get', (view) => ({
      ...view,
      events: view.events.map((e, i) => (i === view.events.length - 1 ? { ...e, reason: '原单位尚未为您办理封存，请先办理封存', contact: { name: '李老师', phone: '010-83588888' } } : e)),
    }));
    const container = await openDetail(id);

    const newest = await findElement(container, '#application-timeline .timeline-entry');
    expect(newest.querySelector('.timeline-reason')?.textContent).toBe('原因：原单位尚未为您办理封存，请先办理封存');
    expect(newest.querySelector('.timeline-contact-name')?.textContent).toBe('联系人：李老师');
    const call = newest.querySelector('.timeline-contact a.call-button');
    expect(call?.getAttribute('href')).toBe('tel:01083588888');
    expect(call?.querySelector('.call-button-phone')?.textContent).toBe('010-83588888');
    expect(await seriousViolationsIn(container)).toEqual([]);
  });
});

describe('labels per type of case', () => {
  it('titles an item-5 request by its item, names its one center 办理中心 with no 出具证明, and gives it no contact letter', async () => {
    const id = await submitAs('service-request', { center: '321000', item: 5, phone: PHONE, description: '单位名称已变更，需要同步变更缴存信息' });
    const container = await openDetail(id);

    expect(textOf(container, '#application-status .application-type')).toBe('住房公积金单位及个人缴存信息变更');
    expect(container.textContent).not.toContain('跨省通办事项在线申请');
    expect(textOf(container, '#application-center-321000 .application-center-role')).toBe('办理中心');
    expect(container.textContent).not.toContain('出具证明');
    expect(container.querySelector('#application-letter')).toBeNull();

    const list = await openList();
    const item = await findElement(list, `#application-item-${id}`);
    expect(item.querySelector('.applications-type')?.textContent).toBe('住房公积金单位及个人缴存信息变更');
    expect(item.textContent).not.toContain('联系函编号');
  });

  it('shows a certificate case its two centers’ roles and no contact letter, on the detail and in the list', async () => {
    const id = await submitAs('certificate-loan-cleared', { businessCenter: '321000', acceptingCenter: '320100', phone: PHONE });
    const container = await openDetail(id);

    expect(textOf(container, '#application-status .application-type')).toBe('个人住房贷款全部还清证明');
    expect(textOf(container, '#application-center-321000 .application-center-role')).toBe('业务属地中心（出具证明）');
    expect(textOf(container, '#application-center-320100 .application-center-role')).toBe('受理地中心');
    expect(textOf(container, '#application-documents')).toContain('证明出具后可在此下载');

    const list = await openList();
    const item = await findElement(list, `#application-item-${id}`);
    expect(item.textContent).not.toContain('联系函编号');
    expect(item.textContent).not.toContain('受理后生成');
  });

  it('lists a purchase withdrawal’s uploads under 材料, never 暂无材料, with the two centers’ roles and no contact letter', async () => {
    const id = await submitAs('purchase-withdrawal', {
      purchaseCenter: '321000',
      depositCenter: '110000',
      house: { address: '江苏省扬州市邗江区文昌西路 1 号 2 幢 301 室', contractNumber: `YZ${Date.now()}`, purchaseDate: '2026-10-08', price: 1_280_000, area: 98.5, seller: '扬州某房地产开发有限公司' },
      bank: { accountName: '张三', bankName: '中国建设银行扬州分行', accountNumber: '6217001234567890123' },
      amount: 150_000,
      phone: PHONE,
      attachments: [
        { kind: 'contract', fileId: await upload(pdfOf('Purchase contract')), name: '购房合同.pdf' },
        { kind: 'invoice', fileId: await upload(pdfOf('Purchase invoice')), name: '购房发票.pdf' },
      ],
    });
    const container = await openDetail(id);

    expect(textOf(container, '#application-status .application-type')).toBe('购房提取住房公积金');
    const uploads = Array.from(container.querySelectorAll('#application-documents .application-upload'), (row) => [
      row.querySelector('.application-row-label')?.textContent,
      row.querySelector('.application-row-value')?.textContent,
    ]);
    expect(uploads).toEqual([
      ['购房合同', expect.stringMatching(/^购房合同\.pdf（[\d.]+ (字节|KB)）$/)],
      ['购房发票', expect.stringMatching(/^购房发票\.pdf（[\d.]+ (字节|KB)）$/)],
    ]);
    expect(textOf(container, '#application-documents')).not.toContain('暂无材料');
    expect(textOf(container, '#application-summary')).not.toContain('购房合同.pdf');
    expect(textOf(container, '#application-center-321000 .application-center-role')).toBe('购房地中心（核验购房）');
    expect(textOf(container, '#application-center-110000 .application-center-role')).toBe('缴存地中心（办理提取）');
    expect(container.querySelector('#application-letter')).toBeNull();
    expect(await seriousViolationsIn(container)).toEqual([]);
  });
});
