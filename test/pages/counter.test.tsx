import { render } from '@testing-library/react';
import CounterPage from '../../src/packages/portal/counter';
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

/** An employee of their own asks for a counter code, as the verify page does. */
async function requestCode(employee: string, name: string, docType: string, docNumber: string): Promise<string> {
  const answer = await identityAs<{ code: string }>(employee, { action: 'requestCounter', name, docType, docNumber });
  if (!answer.ok || !answer.data) throw new Error(`requestCounter: ${answer.message}`);
  expect(answer.data.code).toMatch(CODE);
  return answer.data.code;
}

afterEach(() => jest.restoreAllMocks());

describe('counter staff page', () => {
  it('shows center staff the full name, document type and number with the logging notice, then confirms and the person is verified by 柜台核验', async () => {
    const employee = uniqueOpenid('page-counter-employee');
    const code = await requestCode(employee, 'John Smith', '03', 'E12345678');
    setDevOpenid(STAFF);
    const { container } = render(<CounterPage />);
    await fill(container, '#counter-code input', code.toLowerCase());
    await click(container, '#counter-lookup');

    const request = await findElement(container, '#counter-request');
    expect(container.querySelector('#counter-name')?.textContent).toBe('John Smith');
    expect(container.querySelector('#counter-doc-type')?.textContent).toBe('护照');
    expect(container.querySelector('#counter-doc')?.textContent).toBe('E12345678');
    expect(request.textContent).toContain('本次查看已记录在案');

    await click(container, '#counter-confirm');
    expect((await findElement(container, '#counter-done')).textContent).toContain('核验完成');

    const status = await identityAs<{ status: string; method: string }>(employee, { action: 'status' });
    expect(status.data).toMatchObject({ status: 'verified', method: 'counter' });
  });

  it('says the code was already used when it is looked up again after confirmation', async () => {
    const employee = uniqueOpenid('page-counter-employee');
    const code = await requestCode(employee, '张三', '01', residents.next());
    expect((await identityAs(STAFF, { action: 'confirmCounter', code })).ok).toBe(true);
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
