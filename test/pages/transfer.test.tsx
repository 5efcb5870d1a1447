import { render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import TransferPage from '../../src/pages/transfer';
import { callFunction } from '../../src/services/cloud';
import { bodiesOf, personPerTest, residentIds, verifyIdentity } from './support/calls';
import { click, doubleTapSubmit, fill, pickCenter, waitGone } from './support/interact';
import { findElement, SERVER_ANSWER_MS } from './support/page';

const residents = residentIds('transfer');
const verify = () => verifyIdentity('张三', residents.next());

const PHONE = '13912345678';
const FORM = {
  formerEmployer: '北京某某科技有限公司',
  formerAccount: '110012345678',
  newEmployer: '扬州某某制造有限公司',
  newAccount: '321098765432',
  phone: PHONE,
};

/** Renders the page and waits for the identity answer (the notice, or nothing for a verified person). */
async function openTransfer(): Promise<HTMLElement> {
  const { container } = render(<TransferPage />);
  expect(container.querySelector('.state-loading')?.textContent).toBe('正在查询实名核验状态…');
  await waitGone(container, '.state-loading');
  return container;
}

/** Fills the whole form: 北京 -> 扬州 unless told otherwise. */
async function fillForm(container: Element, from = { query: '北京', code: '110000' }): Promise<void> {
  await pickCenter(container, '#transfer-out-center', from.query, from.code);
  await pickCenter(container, '#transfer-in-center', '扬州', '321000');
  await fill(container, '#transfer-former-employer input', FORM.formerEmployer);
  await fill(container, '#transfer-former-account input', FORM.formerAccount);
  await fill(container, '#transfer-new-employer input', FORM.newEmployer);
  await fill(container, '#transfer-new-account input', FORM.newAccount);
  await fill(container, '#transfer-phone input', FORM.phone);
}

/** Lets every call through and keeps what the functions answered. */
function recordAnswers(): { code: string; message: string }[] {
  const realFetch = globalThis.fetch;
  const answers: { code: string; message: string }[] = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const answer = await realFetch(input, init);
    answers.push((await answer.clone().json()) as { code: string; message: string });
    return answer;
  });
  return answers;
}

/** Each test is a person of its own on the shared local host; 扬州 and 南京 work in the workbench. */
personPerTest('page-transfer', { workbench: ['321000', '320100'] });

describe('transfer page', () => {
  it('shows each field’s Chinese message under it and sends nothing for an empty form', async () => {
    await verify();
    const container = await openTransfer();
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await click(container, '#transfer-next');

    expect((await findElement(container, '#transfer-out-center-error')).textContent).toBe('请选择转出地中心');
    expect(container.querySelector('#transfer-in-center-error')?.textContent).toBe('请选择转入地中心');
    expect(container.querySelector('#transfer-former-employer-error')?.textContent).toBe('请填写原单位名称全称');
    expect(container.querySelector('#transfer-new-account-error')?.textContent).toBe('现个人账号应为 4 至 32 位数字或字母');
    expect(container.querySelector('#transfer-phone-error')?.textContent).toBe('手机号码应为 11 位中国大陆手机号');
    // 原个人账号 is optional
    expect(container.querySelector('#transfer-former-account-error')).toBeNull();
    expect(container.querySelector('#transfer-review')).toBeNull();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('refuses the same center on both sides and a bad phone, and clears a message once its field is edited', async () => {
    await verify();
    const container = await openTransfer();
    await fillForm(container, { query: '扬州', code: '321000' });
    await fill(container, '#transfer-phone input', '1391234');
    await click(container, '#transfer-next');

    expect((await findElement(container, '#transfer-in-center-error')).textContent).toBe('转入地中心与转出地中心不能相同');
    expect(container.querySelector('#transfer-phone-error')?.textContent).toBe('手机号码应为 11 位中国大陆手机号');
    await fill(container, '#transfer-phone input', PHONE);
    expect(container.querySelector('#transfer-phone-error')).toBeNull();
    expect(container.querySelector('#transfer-review')).toBeNull();
  });

  it('tells a person who never verified up front, with a button to 实名核验', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openTransfer();

    const notice = await findElement(container, '#transfer-identity');
    expect(notice.textContent).toContain('尚未完成实名核验');
    await click(container, '#transfer-go-verify');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/verify/index?back=1' });
  });

  it('shows no identity notice to a verified person', async () => {
    await verify();
    const container = await openTransfer();
    expect(container.querySelector('#transfer-form')).not.toBeNull();
    expect(container.querySelector('#transfer-identity')).toBeNull();
  });

  it('reviews the form with the phone and account numbers masked and says the transfer-in center accepts within 3 working days', async () => {
    await verify();
    const container = await openTransfer();
    await fillForm(container);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await click(container, '#transfer-next');

    const review = await findElement(container, '#transfer-review');
    expect(container.querySelector('#transfer-review-out-center')?.textContent).toBe('北京住房公积金管理中心');
    expect(container.querySelector('#transfer-review-in-center')?.textContent).toBe('扬州市住房公积金管理中心');
    expect(container.querySelector('#transfer-review-new-employer')?.textContent).toBe(FORM.newEmployer);
    expect(container.querySelector('#transfer-review-phone')?.textContent).toBe('139****5678');
    expect(container.querySelector('#transfer-review-new-account')?.textContent).toBe(`3${'*'.repeat(10)}2`);
    expect(container.querySelector('#transfer-review-former-account')?.textContent).toBe(`1${'*'.repeat(10)}8`);
    expect(review.textContent).not.toContain(PHONE);
    expect(container.innerHTML).not.toContain(FORM.newAccount);
    expect(container.innerHTML).not.toContain(FORM.formerAccount);
    expect(container.querySelector('#transfer-next-steps')?.textContent).toContain('3 个工作日内受理');
    expect(fetchSpy).not.toHaveBeenCalled();

    // back to the form keeps what was typed
    await click(container, '#transfer-edit');
    expect((await findElement<HTMLInputElement>(container, '#transfer-phone input')).value).toBe(PHONE);
  });

  it('makes one application on a double tap and opens its detail in place of the form', async () => {
    await verify();
    const redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' });
    const container = await openTransfer();
    await fillForm(container);
    await click(container, '#transfer-next');

    const submits = await doubleTapSubmit(container, '#transfer-submit', redirectTo);
    expect(submits).toHaveLength(1);
    expect(submits[0].body).toMatchObject({
      type: 'transfer',
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
      payload: { transferOutCenter: '110000', transferInCenter: '321000', ...FORM },
    });

    const listed = await callFunction<{ id: string }[]>('applications', { action: 'list' });
    if (!listed.ok) throw new Error(listed.message);
    expect(listed.data).toHaveLength(1);
    expect(redirectTo).toHaveBeenCalledWith({ url: `/pages/application/index?id=${listed.data[0].id}` });
  });

  it('sends the same request id again when a lost answer is retried, making one application', async () => {
    await verify();
    const realFetch = globalThis.fetch;
    let lost = false;
    const fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const body = JSON.parse(String(init?.body ?? '{}')) as { action?: string };
      const answer = await realFetch(input, init);
      // the first submission reaches the function, its answer is lost on the way back
      if (body.action === 'submit' && !lost) {
        lost = true;
        throw new TypeError('fetch failed');
      }
      return answer;
    });
    const redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' });
    const container = await openTransfer();
    await fillForm(container);
    await click(container, '#transfer-next');
    await click(container, '#transfer-submit');

    expect((await findElement(container, '#transfer-error')).textContent).toContain('网络不太顺畅');
    await click(container, '#transfer-submit');
    await waitFor(() => expect(redirectTo).toHaveBeenCalledTimes(1), { timeout: SERVER_ANSWER_MS });
    const submits = bodiesOf(fetchSpy).filter((c) => c.body.action === 'submit');
    expect(submits).toHaveLength(2);
    expect(submits[1].body.requestId).toBe(submits[0].body.requestId);

    const listed = await callFunction<{ id: string }[]>('applications', { action: 'list' });
    if (!listed.ok) throw new Error(listed.message);
    expect(listed.data).toHaveLength(1);
  });

  it('shows IDENTITY_REQUIRED with a button to 实名核验 when a person who never verified submits', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const redirectTo = jest.spyOn(Taro, 'redirectTo');
    const container = await openTransfer();
    await fillForm(container);
    await click(container, '#transfer-next');
    const answers = recordAnswers();
    await click(container, '#transfer-submit');

    const error = await findElement(container, '#transfer-error');
    const [answer] = answers;
    expect(answer.code).toBe('IDENTITY_REQUIRED');
    expect(error.textContent).toBe(answer.message);
    await click(container, '#transfer-error-verify');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/verify/index?back=1' });
    expect(redirectTo).not.toHaveBeenCalled();
  });

  it('says a transfer from the same center is already in flight, with a way to 我的申请', async () => {
    await verify();
    const first = await callFunction('applications', {
      action: 'submit',
      type: 'transfer',
      requestId: `first-${Date.now()}`,
      payload: { transferOutCenter: '110000', transferInCenter: '320100', ...FORM },
    });
    expect(first.ok).toBe(true);
    const switchTab = jest.spyOn(Taro, 'switchTab').mockResolvedValue({ errMsg: 'switchTab:ok' });
    const container = await openTransfer();
    await fillForm(container);
    await click(container, '#transfer-next');
    const answers = recordAnswers();
    await click(container, '#transfer-submit');

    const error = await findElement(container, '#transfer-error');
    const [answer] = answers;
    expect(answer.code).toBe('APPLICATION_IN_FLIGHT');
    expect(error.textContent).toBe(answer.message);
    await click(container, '#transfer-error-applications');
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/applications/index' });
  });

  it('puts the function’s field messages under the fields and goes back to the form', async () => {
    await verify();
    const container = await openTransfer();
    await fillForm(container);
    await click(container, '#transfer-next');
    const fields = { 'payload.newAccount': '现个人账号与转入地中心记录不符' };
    jest
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(new Response(JSON.stringify({ ok: false, code: 'VALIDATION_FAILED', message: '填写有误：payload.newAccount：现个人账号与转入地中心记录不符', fields })));
    await click(container, '#transfer-submit');

    expect((await findElement(container, '#transfer-new-account-error')).textContent).toBe('现个人账号与转入地中心记录不符');
    expect(container.querySelector('#transfer-review')).toBeNull();
    expect((await findElement<HTMLInputElement>(container, '#transfer-new-account input')).value).toBe(FORM.newAccount);
  });
});
