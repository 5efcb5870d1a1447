import { render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import ServiceRequestPage from '../../src/pages/service-request';
import { applicationCalls } from '../../src/services/applications';
import { callFunction } from '../../src/services/cloud';
import { personPerTest, residentIds, verifyIdentity } from './support/calls';
import { click, doubleTapSubmit, fill, pickCenter, textOf, waitGone } from './support/interact';
import { findElement, openWith, SERVER_ANSWER_MS } from './support/page';

const residents = residentIds('service-request');
const verify = () => verifyIdentity('王五', residents.next());

const PHONE = '13612345678';
const DESCRIPTION = '单位名称已变更，需要同步变更缴存信息';

/** Renders the page for an item (and center) and waits for the identity answer and the center from the query. */
async function openRequest(params: Record<string, string>): Promise<HTMLElement> {
  openWith(params);
  const { container } = render(<ServiceRequestPage />);
  await waitGone(container, '.state-loading');
  if (params.code) await waitFor(() => expect(textOf(container, '#service-request-center')).toContain('住房公积金管理中心'), { timeout: SERVER_ANSWER_MS });
  return container;
}

/** Each test is a person of their own on the shared local host; 扬州 and 南京 answer in their workbench. */
personPerTest('page-service-request', { clearStorage: true, workbench: ['321000', '320100'] });

describe('service request page', () => {
  it('says so for an item that cannot be requested in the app, with no form', () => {
    openWith({ item: '3', code: '321000' });
    const { container } = render(<ServiceRequestPage />);
    expect(textOf(container, '.state-error .state-message')).toContain('不能在小程序内在线申请');
    expect(container.querySelector('#service-request-form')).toBeNull();
  });

  it('names the item, takes the center from the item page, and shows each field’s Chinese message, sending nothing', async () => {
    await verify();
    const container = await openRequest({ item: '5', code: '321000' });
    expect(textOf(container, '#service-request-intro')).toContain('住房公积金单位及个人缴存信息变更');
    expect(textOf(container, '#service-request-center')).toContain('扬州市住房公积金管理中心');

    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await fill(container, '#service-request-description textarea', '变');
    await click(container, '#service-request-next');
    expect((await findElement(container, '#service-request-phone-error')).textContent).toBe('手机号码应为 11 位中国大陆手机号');
    expect(textOf(container, '#service-request-description-error')).toBe('请填写办理事项说明');
    expect(container.querySelector('#service-request-center-error')).toBeNull();
    expect(container.querySelector('#service-request-review')).toBeNull();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('asks for the center when none came with the page', async () => {
    await verify();
    const container = await openRequest({ item: '6' });
    expect(textOf(container, '#service-request-center')).toContain('请选择办理中心');
    await click(container, '#service-request-next');
    expect((await findElement(container, '#service-request-center-error')).textContent).toBe('请选择办理中心');
  });

  it('tells a person who never verified up front, with a button to 实名核验', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openRequest({ item: '5', code: '321000' });
    expect((await findElement(container, '#service-request-identity')).textContent).toContain('尚未完成实名核验');
    await click(container, '#service-request-go-verify');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/verify/index?back=1' });
  });

  it('reviews the request with the phone masked and what happens next, sending nothing, and goes back with what was typed', async () => {
    await verify();
    const container = await openRequest({ item: '5', code: '321000' });
    await fill(container, '#service-request-phone input', PHONE);
    await fill(container, '#service-request-description textarea', DESCRIPTION);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await click(container, '#service-request-next');

    const review = await findElement(container, '#service-request-review');
    expect(textOf(container, '#service-request-review-item')).toBe('住房公积金单位及个人缴存信息变更');
    expect(textOf(container, '#service-request-review-center')).toBe('扬州市住房公积金管理中心');
    expect(textOf(container, '#service-request-review-description')).toBe(DESCRIPTION);
    expect(textOf(container, '#service-request-review-phone')).toBe('136****5678');
    expect(review.textContent).not.toContain(PHONE);
    expect(container.innerHTML).not.toContain(PHONE);
    expect(textOf(container, '#service-request-next-steps')).toContain('申请送达扬州市住房公积金管理中心');
    expect(fetchSpy).not.toHaveBeenCalled();

    await click(container, '#service-request-edit');
    expect((await findElement<HTMLInputElement>(container, '#service-request-phone input')).value).toBe(PHONE);
    expect((await findElement<HTMLTextAreaElement>(container, '#service-request-description textarea')).value).toBe(DESCRIPTION);
  });

  it('sends one request to the center picked instead on a double tap, and lands on its detail', async () => {
    await verify();
    const redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' });
    const container = await openRequest({ item: '6', code: '321000' });
    await pickCenter(container, '#service-request-center', '南京', '320100');
    expect(textOf(container, '#service-request-center')).toContain('南京市住房公积金管理中心');
    await fill(container, '#service-request-phone input', PHONE);
    await fill(container, '#service-request-description textarea', '申请提前还清住房公积金贷款');
    await click(container, '#service-request-next');

    const submits = await doubleTapSubmit(container, '#service-request-submit', redirectTo);
    expect(submits).toHaveLength(1);
    expect(submits[0].body).toEqual({
      action: 'submit',
      type: 'service-request',
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
      payload: { center: '320100', item: 6, phone: PHONE, description: '申请提前还清住房公积金贷款' },
    });
    const listed = await callFunction<{ id: string; type: string }[]>('applications', { action: 'list' });
    if (!listed.ok) throw new Error(listed.message);
    expect(listed.data.map((a) => a.type)).toEqual(['service-request']);
    expect(redirectTo).toHaveBeenCalledWith({ url: `/pages/application/index?id=${listed.data[0].id}` });
  });

  it('puts the refusal of a second request in flight on the review, with the way to 我的申请', async () => {
    await verify();
    const first = await callFunction('applications', {
      action: 'submit',
      type: 'service-request',
      requestId: `page-svc-${Date.now()}`,
      payload: { center: '321000', item: 5, phone: PHONE, description: DESCRIPTION },
    });
    if (!first.ok) throw new Error(first.message);
    const switchTab = jest.spyOn(Taro, 'switchTab').mockResolvedValue({ errMsg: 'switchTab:ok' });
    const container = await openRequest({ item: '5', code: '321000' });
    await fill(container, '#service-request-phone input', PHONE);
    await fill(container, '#service-request-description textarea', DESCRIPTION);
    await click(container, '#service-request-next');
    await click(container, '#service-request-submit');

    expect((await findElement(container, '#service-request-error')).textContent).toContain('正在办理中');
    expect(container.querySelector('#service-request-review')).not.toBeNull();
    await click(container, '#service-request-error-applications');
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/applications/index' });
  });

  it('shows every refusal of the function at once, back on the form: beside the fields and in the summary, the first in focus', async () => {
    await verify();
    const container = await openRequest({ item: '5', code: '321000' });
    await fill(container, '#service-request-phone input', PHONE);
    await fill(container, '#service-request-description textarea', DESCRIPTION);
    await click(container, '#service-request-next');
    jest.spyOn(applicationCalls, 'submitServiceRequest').mockResolvedValue({
      ok: false,
      code: 'VALIDATION_FAILED',
      message: '填写有误',
      fields: { 'payload.phone': '该手机号码无法接收短信', 'payload.description': '办理事项说明含有不能受理的内容' },
    });
    await click(container, '#service-request-submit');

    await findElement(container, '#service-request-error-summary');
    expect(container.querySelector('#service-request-review')).toBeNull();
    expect(textOf(container, '#service-request-error-summary-phone')).toBe('手机号码：该手机号码无法接收短信');
    expect(textOf(container, '#service-request-error-summary-description')).toBe('办理事项说明：办理事项说明含有不能受理的内容');
    expect(textOf(container, '#service-request-phone-error')).toBe('该手机号码无法接收短信');
    expect(textOf(container, '#service-request-description-error')).toBe('办理事项说明含有不能受理的内容');
    await waitFor(() => expect(document.activeElement).toBe(container.querySelector('#service-request-phone input')));
  });

  it('counts a long description and never cuts it, refusing it past the limit with the limit named; an emoji-only one is told so', async () => {
    await verify();
    const container = await openRequest({ item: '5', code: '321000' });
    await fill(container, '#service-request-phone input', PHONE);
    const long = '单位名称已变更需要同步变更缴存信息'.repeat(14);
    await fill(container, '#service-request-description textarea', long);
    const textarea = container.querySelector('#service-request-description textarea') as HTMLTextAreaElement;
    expect(textarea.value).toBe(long);
    expect(textarea.maxLength).toBeLessThan(0);
    expect(textOf(container, '#service-request-description-count')).toBe(`已输入 ${long.length} 字，超出 ${long.length - 200} 字（最多 200 字）`);
    await click(container, '#service-request-next');
    expect((await findElement(container, '#service-request-description-error')).textContent).toBe('办理事项说明不超过 200 个字');

    await fill(container, '#service-request-description textarea', '🙏🙏🙏');
    expect(textOf(container, '#service-request-description-count')).toBe('已输入 3 / 200 字');
    await click(container, '#service-request-next');
    expect((await findElement(container, '#service-request-description-error')).textContent).toBe('办理事项说明只有表情或符号，请用文字填写');
  });
});
