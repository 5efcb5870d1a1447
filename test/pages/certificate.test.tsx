import { fireEvent, render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { CERTIFICATE_STEPS } from '../../src/core/applications/steps';
import ApplicationPage from '../../src/pages/application';
import CertificatePage from '../../src/pages/certificate';
import ItemPage from '../../src/pages/item';
import { callFunction } from '../../src/services/cloud';
import { personPerTest, residentIds, verifyIdentity } from './support/calls';
import { click, doubleTapSubmit, fill, pickCenter, textOf, waitGone } from './support/interact';
import { findElement, openWith } from './support/page';

const residents = residentIds('certificate');
const verify = () => verifyIdentity('李四', residents.next());

const PHONE = '13912345678';
const TYPE = 'certificate-loan-cleared';

/** Renders the page for `type` and waits for the identity answer (the notice, or nothing for a verified person). */
async function openCertificate(type: string = TYPE): Promise<HTMLElement> {
  openWith({ type });
  const { container } = render(<CertificatePage />);
  await waitGone(container, '.state-loading');
  return container;
}

/** 扬州 (where the loan is) issues, 南京 (where the person is) accepts, unless told otherwise. */
async function fillForm(container: Element, accepting = { query: '南京', code: '320100' }): Promise<void> {
  await pickCenter(container, '#certificate-business-center', '扬州', '321000');
  await pickCenter(container, '#certificate-accepting-center', accepting.query, accepting.code);
  await fill(container, '#certificate-phone input', PHONE);
}

/** Each test is a person of their own on the shared local host, with no center of their own stored; 扬州 and 南京 work in the workbench. */
personPerTest('page-certificate', { clearStorage: true, workbench: ['321000', '320100'] });

describe('certificate page', () => {
  it('titles the page with the certificate asked for and explains 代收代办', async () => {
    await verify();
    const setTitle = jest.spyOn(Taro, 'setNavigationBarTitle').mockResolvedValue({ errMsg: 'setNavigationBarTitle:ok' });
    const container = await openCertificate('certificate-deposit-use');

    // the title bar's short name fits on one line (the full one was cut, or broken over three lines in 长辈版); the first card names it in full
    expect(setTitle).toHaveBeenCalledWith({ title: '缴存使用证明' });
    expect(textOf(container, '#shell-title')).toBe('缴存使用证明');
    const intro = textOf(container, '#certificate-intro');
    expect(intro).toContain('贷款职工住房公积金缴存使用证明');
    expect(intro).toContain('受理地中心');
    expect(intro).toContain('业务属地中心出具证明');
    expect(intro).toContain('PDF');
  });

  it('says so for a type that is not a certificate, with no form', async () => {
    openWith({ type: 'transfer' });
    const { container } = render(<CertificatePage />);
    expect(textOf(container, '.state-error .state-message')).toBe('没有这种证明，请从首页的跨省通办事项进入');
    expect(container.querySelector('#certificate-form')).toBeNull();
  });

  it('shows each field’s Chinese message under it and sends nothing for an empty form', async () => {
    await verify();
    const container = await openCertificate();
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await click(container, '#certificate-next');

    expect((await findElement(container, '#certificate-business-center-error')).textContent).toBe('请选择业务属地中心');
    expect(textOf(container, '#certificate-accepting-center-error')).toBe('请选择受理地中心');
    expect(textOf(container, '#certificate-phone-error')).toBe('手机号码应为 11 位中国大陆手机号');
    expect(container.querySelector('#certificate-review')).toBeNull();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('refuses the same center on both sides with the message under 受理地中心, and sends nothing', async () => {
    await verify();
    const container = await openCertificate();
    await fillForm(container, { query: '扬州', code: '321000' });
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await click(container, '#certificate-next');

    expect((await findElement(container, '#certificate-accepting-center-error')).textContent).toBe('受理地中心与业务属地中心相同时，请直接向该中心申请');
    expect(container.querySelector('#certificate-business-center-error')).toBeNull();
    expect(container.querySelector('#certificate-phone-error')).toBeNull();
    expect(container.querySelector('#certificate-review')).toBeNull();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('takes the person’s own center as the accepting center', async () => {
    await verify();
    Taro.setStorageSync('my-center', { code: '320100', name: '南京市住房公积金管理中心', province: '江苏省', city: '南京市', phone: '025-12329' });
    const container = await openCertificate();
    expect(textOf(container, '#certificate-accepting-center')).toContain('南京市住房公积金管理中心');
  });

  it('tells a person who never verified up front, with a button to 实名核验', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openCertificate();

    expect((await findElement(container, '#certificate-identity')).textContent).toContain('尚未完成实名核验');
    await click(container, '#certificate-go-verify');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/verify/index?back=1' });
  });

  it('reviews the form with the phone masked and says who accepts and who issues, sending nothing', async () => {
    await verify();
    const container = await openCertificate();
    await fillForm(container);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await click(container, '#certificate-next');

    const review = await findElement(container, '#certificate-review');
    expect(textOf(container, '#certificate-review-type')).toBe('个人住房贷款全部还清证明');
    expect(textOf(container, '#certificate-review-business-center')).toBe('扬州市住房公积金管理中心');
    expect(textOf(container, '#certificate-review-accepting-center')).toBe('南京市住房公积金管理中心');
    expect(textOf(container, '#certificate-review-phone')).toBe('139****5678');
    expect(review.textContent).not.toContain(PHONE);
    expect(container.innerHTML).not.toContain(PHONE);
    const steps = textOf(container, '#certificate-next-steps');
    expect(steps).toContain('南京市住房公积金管理中心代收');
    expect(steps).toContain('扬州市住房公积金管理中心核实后出具个人住房贷款全部还清证明');
    expect(fetchSpy).not.toHaveBeenCalled();

    // back to the form keeps what was typed
    await click(container, '#certificate-edit');
    expect((await findElement<HTMLInputElement>(container, '#certificate-phone input')).value).toBe(PHONE);
  });

  it('makes one application on a double tap and lands on its detail with the certificate steps', async () => {
    await verify();
    const redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' });
    const container = await openCertificate();
    await fillForm(container);
    await click(container, '#certificate-next');

    const submits = await doubleTapSubmit(container, '#certificate-submit', redirectTo);
    expect(submits).toHaveLength(1);
    expect(submits[0].body).toEqual({
      action: 'submit',
      type: TYPE,
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
      payload: { businessCenter: '321000', acceptingCenter: '320100', phone: PHONE },
    });
    const listed = await callFunction<{ id: string; type: string }[]>('applications', { action: 'list' });
    if (!listed.ok) throw new Error(listed.message);
    expect(listed.data.map((a) => a.type)).toEqual([TYPE]);
    const id = listed.data[0].id;
    expect(redirectTo).toHaveBeenCalledWith({ url: `/pages/application/index?id=${id}` });

    openWith({ id });
    const detail = render(<ApplicationPage />).container;
    await findElement(detail, '#application-steps');
    const steps = Array.from(detail.querySelectorAll('#application-steps .application-step-label'), (s) => s.textContent);
    expect(steps).toEqual([...CERTIFICATE_STEPS]);
    // 扬州 works in its workbench: the application is there at once
    expect(textOf(detail, '#application-steps .application-step-current .application-step-label')).toBe('送达中心');
    expect(textOf(detail, '#application-status')).toContain('个人住房贷款全部还清证明');
    expect(textOf(detail, '#application-centers')).toContain('业务属地中心（出具证明）');
    // the limit names the center that must accept by its part too: not to be taken for the 受理地中心 listed above it
    expect(textOf(detail, '#application-accept-by')).toMatch(/^受理时限：业务属地中心（出具证明） 扬州市住房公积金管理中心应在 /);
    expect(textOf(detail, '#application-documents')).toContain('暂无材料');
  });

  it('puts the function’s refusal of a second application in flight on the review, with the way to 我的申请', async () => {
    await verify();
    const first = await callFunction('applications', {
      action: 'submit',
      type: TYPE,
      requestId: `page-cert-${Date.now()}`,
      payload: { businessCenter: '321000', acceptingCenter: '320100', phone: PHONE },
    });
    if (!first.ok) throw new Error(first.message);
    const switchTab = jest.spyOn(Taro, 'switchTab').mockResolvedValue({ errMsg: 'switchTab:ok' });
    const container = await openCertificate();
    await fillForm(container);
    await click(container, '#certificate-next');
    await click(container, '#certificate-submit');

    // editing the form would not help: the refusal stays on the review
    expect((await findElement(container, '#certificate-error')).textContent).toBe('您向该中心申请的个人住房贷款全部还清证明正在办理中，办结或撤销后才能再次申请');
    expect(container.querySelector('#certificate-review')).not.toBeNull();
    await click(container, '#certificate-error-applications');
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/applications/index' });
  });
});

describe('item page for a certificate item', () => {
  it('offers 在线申请 for item 8, which opens the certificate page for the loan-cleared certificate', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    openWith({ item: '8' });
    const { container } = render(<ItemPage />);

    const apply = await findElement(container, '#item-apply');
    expect(apply.textContent).toBe('在线申请');
    fireEvent.click(apply);
    expect(navigateTo).toHaveBeenCalledWith({ url: `/pages/certificate/index?type=${TYPE}` });

    await verify();
    const url = new URL(navigateTo.mock.calls[0][0].url, 'https://mp.local');
    const page = await openCertificate(url.searchParams.get('type') ?? '');
    expect(textOf(page, '#certificate-intro')).toContain('个人住房贷款全部还清证明');
    expect(page.querySelector('#certificate-business-center')).not.toBeNull();
  });

  it('offers 在线申请 for item 2 (缴存使用证明), and none for a fully online item', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    openWith({ item: '2' });
    const two = render(<ItemPage />).container;
    await click(two, '#item-apply');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/certificate/index?type=certificate-deposit-use' });

    openWith({ item: '6' });
    const six = render(<ItemPage />).container;
    expect(six.querySelector('.item-head')).not.toBeNull();
    expect(six.querySelector('#item-apply')).toBeNull();
  });
});
