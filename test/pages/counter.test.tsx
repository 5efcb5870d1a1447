import { render } from '@testing-library/react';
import CounterPage from '../../src/packages/portal/counter';
import { CONSENT_VERSION } from '../../src/core/consent';
import { setDevOpenid } from '../../src/services/dev-identity';
import { residentIds, uniqueOpenid } from './support/calls';
import { click, fill } from './support/interact';
import { findElement } from './support/page';

const STAFF = 'dev-staff-321000';
const CODE = /^[A-HJ-NP-Z2-9]{8}$/;

const residents = residentIds('counter');

/** Calls the local host's identity function as `openid` (not the page's dev openid). */
async function identityAs<T>(openid: string, data: Record<string, unknown>): Promise<{ ok: boolean; data?: T; code?: string; message?: string }> {
  const res = await fetch('/api/identity', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body: JSON.stringify(data),
  });
  return (await res.json()) as { ok: boolean; data?: T; code?: string; message?: string };
}

/** An employee of their own asks for a counter code, as the verify page does (consent first). */
async function requestCode(employee: string, name: string, docType: string, docNumber: string): Promise<string> {
  await identityAs(employee, { action: 'consent', version: CONSENT_VERSION });
  const answer = await identityAs<{ code: string }>(employee, { action: 'requestCounter', name, docType, docNumber, consentVersion: CONSENT_VERSION });
  if (!answer.ok || !answer.data) throw new Error(`requestCounter: ${answer.message}`);
  expect(answer.data.code).toMatch(CODE);
  return answer.data.code;
}

/** Someone else holds the document already, verified by face. */
async function faceVerifiedAs(openid: string, name: string, docNumber: string): Promise<void> {
  await identityAs(openid, { action: 'consent', version: CONSENT_VERSION });
  const started = await identityAs<{ verifyId: string }>(openid, { action: 'start', name, docType: '01', docNumber, consentVersion: CONSENT_VERSION });
  if (!started.ok || !started.data) throw new Error(`start: ${started.message}`);
  const confirmed = await identityAs(openid, { action: 'confirm', verifyId: started.data.verifyId });
  if (!confirmed.ok) throw new Error(`confirm: ${confirmed.message}`);
}

afterEach(() => jest.restoreAllMocks());

describe('counter staff page', () => {
  it('shows center staff the name, document type and masked number with the logging notice; staff type the number and the person is verified by 柜台核验', async () => {
    const employee = uniqueOpenid('page-counter-employee');
    const code = await requestCode(employee, 'John Smith', '03', 'E12345678');
    setDevOpenid(STAFF);
    const { container } = render(<CounterPage />);
    await fill(container, '#counter-code input', code.toLowerCase());
    await click(container, '#counter-lookup');

    const request = await findElement(container, '#counter-request');
    expect(container.querySelector('#counter-name')?.textContent).toBe('John Smith');
    expect(container.querySelector('#counter-doc-type')?.textContent).toBe('护照');
    expect(container.querySelector('#counter-doc')?.textContent).toBe('E*******8');
    expect(container.innerHTML).not.toContain('E12345678');
    expect(request.textContent).toContain('本次查看已记录在案');
    expect(request.textContent).toContain('照证件原件输入证件号码');
    expect(container.querySelector('#counter-second')).toBeNull();

    await fill(container, '#counter-doc-number input', 'e1234 5678');
    await click(container, '#counter-confirm');
    expect((await findElement(container, '#counter-done')).textContent).toContain('核验完成');

    const status = await identityAs<{ status: string; method: string }>(employee, { action: 'status' });
    expect(status.data).toMatchObject({ status: 'verified', method: 'counter' });
  });

  it('says the code was already used when it is looked up again after confirmation', async () => {
    const employee = uniqueOpenid('page-counter-employee');
    const docNumber = residents.next();
    const code = await requestCode(employee, '张三', '01', docNumber);
    expect((await identityAs(STAFF, { action: 'confirmCounter', code, docNumber })).ok).toBe(true);
    setDevOpenid(STAFF);
    const { container } = render(<CounterPage />);
    await fill(container, '#counter-code input', code);
    await click(container, '#counter-lookup');

    expect((await findElement(container, '#counter-error')).textContent).toBe('这个核验码已经核验过');
    expect(container.querySelector('#counter-confirm')).toBeNull();
  });

  it('shows the FORBIDDEN message and no personal data to a caller who is not center staff', async () => {
    const employee = uniqueOpenid('page-counter-employee');
    const code = await requestCode(employee, '李四', '01', residents.next());
    setDevOpenid(uniqueOpenid('page-counter-outsider'));
    const { container } = render(<CounterPage />);
    await fill(container, '#counter-code input', code);
    await click(container, '#counter-lookup');

    expect((await findElement(container, '#counter-error')).textContent).toBe('仅中心工作人员可以办理柜台核验');
    expect(container.querySelector('#counter-request')).toBeNull();
    expect(container.textContent).not.toContain('李四');
  });

  it('shows the refusal under the number field when the typed number is not the one asked for, and asks for it when empty', async () => {
    const employee = uniqueOpenid('page-counter-employee');
    const code = await requestCode(employee, '周八', '01', residents.next());
    setDevOpenid(STAFF);
    const { container } = render(<CounterPage />);
    await fill(container, '#counter-code input', code);
    await click(container, '#counter-lookup');
    await findElement(container, '#counter-request');

    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await click(container, '#counter-confirm');
    expect((await findElement(container, '#counter-doc-error')).textContent).toBe('请输入证件原件上的证件号码');
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();

    await fill(container, '#counter-doc-number input', residents.next());
    await click(container, '#counter-confirm');
    expect((await findElement(container, '#counter-doc-error')).textContent).toBe('与核验码登记的证件号码不一致');
    expect(container.querySelector('#counter-done')).toBeNull();
    const status = await identityAs<{ status: string }>(employee, { action: 'status' });
    expect(status.data).toMatchObject({ status: 'none' });
  });

  it('says a document bound to another account needs a second staff member, and waits for one after confirming', async () => {
    const docNumber = residents.next();
    await faceVerifiedAs(uniqueOpenid('page-counter-holder'), '吴九', docNumber);
    const employee = uniqueOpenid('page-counter-employee');
    const code = await requestCode(employee, '吴九', '01', docNumber);
    setDevOpenid(STAFF);
    const { container } = render(<CounterPage />);
    await fill(container, '#counter-code input', code);
    await click(container, '#counter-lookup');

    expect((await findElement(container, '#counter-second')).textContent).toContain('另一位工作人员');
    await fill(container, '#counter-doc-number input', docNumber);
    await click(container, '#counter-confirm');
    expect((await findElement(container, '#counter-awaiting')).textContent).toContain('待第二人确认');
    const status = await identityAs<{ status: string }>(employee, { action: 'status' });
    expect(status.data).toMatchObject({ status: 'none' });

    // looked up again by the same staff member: no way to confirm it a second time
    await click(container, '#counter-next');
    await fill(container, '#counter-code input', code);
    await click(container, '#counter-lookup');
    expect((await findElement(container, '#counter-second')).textContent).toContain('您已核对并确认过');
    expect(container.querySelector('#counter-confirm')).toBeNull();
    expect(container.querySelector('#counter-doc-number')).toBeNull();
  });

  it('refuses a code that is not 8 letters or digits without calling the function', async () => {
    setDevOpenid(STAFF);
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    const { container } = render(<CounterPage />);
    await fill(container, '#counter-code input', 'ABC');
    await click(container, '#counter-lookup');

    expect((await findElement(container, '#counter-error')).textContent).toContain('8 位');
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
