import { render } from '@testing-library/react';
import { CONSENT_VERSION } from '../../src/core/consent';
import VerifyPage from '../../src/pages/verify';
import { personPerTest, residentIds, sentBodies } from './support/calls';
import { click, fill } from './support/interact';
import { findElement } from './support/page';

/** Valid resident IDs nobody else in this run uses: Beijing 西城, born 1949-12-31. */
const residents = residentIds('verify');

/** A wrong check character for a valid first 17 digits. */
function withWrongCheck(id: string): string {
  const wrong = '10X98765432'.split('').find((c) => c !== id[17])!;
  return id.slice(0, 17) + wrong;
}

/** Each test is a person of its own on the shared local host. */
personPerTest('page-verify');

describe('verify page', () => {
  it('shows the check-character message under the number field and calls nothing for a bad ID number', async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    const { container } = render(<VerifyPage />);
    await fill(container, '#verify-name input', '张三');
    await fill(container, '#verify-doc-number input', withWrongCheck(residents.next()));
    await click(container, '#verify-next');

    const error = await findElement(container, '#verify-doc-number + .field-error');
    expect(error.textContent).toBe('居民身份证号码校验位不正确，请核对后重新输入');
    expect(container.querySelector('#verify-name + .field-error')).toBeNull();
    expect(container.querySelector('#verify-consent')).toBeNull();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('shows the counter route instead of face verification for a passport', async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    const { container } = render(<VerifyPage />);
    await click(container, '#verify-doc-type-03');

    const counter = await findElement(container, '#verify-counter');
    expect(counter.textContent).toContain('人脸核身仅支持居民身份证');
    expect(counter.textContent).toContain('到任一住房公积金管理中心服务窗口当面核验');
    expect(container.querySelector('#verify-next')).toBeNull();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('drops the resident-ID message when another document type is picked', async () => {
    const { container } = render(<VerifyPage />);
    await fill(container, '#verify-doc-number input', withWrongCheck(residents.next()));
    await click(container, '#verify-next');
    await findElement(container, '#verify-doc-number + .field-error');
    await click(container, '#verify-doc-type-02');

    await findElement(container, '#verify-counter');
    expect(container.querySelector('.field-error')).toBeNull();
  });

  it('ends on 核验成功 with the masked name and number and never shows the full number', async () => {
    const id = residents.next();
    const { container } = render(<VerifyPage />);
    await fill(container, '#verify-name input', '张三');
    await fill(container, '#verify-doc-number input', id);
    await click(container, '#verify-next');

    const consent = await findElement(container, '#verify-consent');
    expect(consent.textContent).toContain('不获取、不保存任何人脸图像');
    expect(consent.textContent).toContain('服务窗口');
    await click(container, '#verify-agree');

    const result = await findElement(container, '.verify-success');
    expect(result.textContent).toContain('核验成功');
    expect(container.querySelector('#verify-result-name')?.textContent).toBe('*三');
    expect(container.querySelector('#verify-result-doc')?.textContent).toMatch(/^1\*{16}[\dX]$/);
    expect(container.querySelector('#verify-result-expiry')?.textContent).toMatch(/^有效期至 \d{4}-\d{2}-\d{2}$/);
    expect(container.innerHTML).not.toContain(id);
    expect(container.innerHTML).not.toContain('19491231');
    expect(Array.from(container.querySelectorAll('input'), (i) => i.value)).not.toContain(id);
  });

  it('shows the counter route and sends nothing when consent is refused', async () => {
    const { container } = render(<VerifyPage />);
    await fill(container, '#verify-name input', '张三');
    await fill(container, '#verify-doc-number input', residents.next());
    await click(container, '#verify-next');
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await click(container, '#verify-refuse');

    const counter = await findElement(container, '#verify-counter');
    expect(counter.textContent).toContain('到任一住房公积金管理中心服务窗口当面核验');
    expect(container.querySelector('#verify-agree')).toBeNull();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('shows the failure with 重试 when confirm says no, although the face step ended, and passes on retry', async () => {
    const realFetch = globalThis.fetch;
    let refusedOnce = false;
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const body = JSON.parse(String(init?.body ?? '{}')) as { action?: string };
      if (body.action === 'confirm' && !refusedOnce) {
        refusedOnce = true;
        const message = '人脸核身未通过，请确认是本人操作后重试，或到中心柜台核验';
        return new Response(JSON.stringify({ ok: false, code: 'VERIFICATION_FAILED', message }));
      }
      return realFetch(input, init);
    });
    const { container } = render(<VerifyPage />);
    await fill(container, '#verify-name input', '张三');
    await fill(container, '#verify-doc-number input', residents.next());
    await click(container, '#verify-next');
    await click(container, '#verify-agree');

    const failure = await findElement(container, '.verify-failure');
    expect(failure.textContent).toContain('核验未通过');
    expect(failure.textContent).toContain('人脸核身未通过');
    expect(container.textContent).not.toContain('核验成功');

    await click(container, '#verify-retry');
    const result = await findElement(container, '.verify-success');
    expect(result.textContent).toContain('核验成功');
  });

  it('requests a counter code for a passport and shows the 8-character code, its expiry and where to show it, and no longer the number', async () => {
    const { container } = render(<VerifyPage />);
    await click(container, '#verify-doc-type-03');
    await fill(container, '#verify-name input', 'John Smith');
    await fill(container, '#verify-doc-number input', 'E98765432');
    await click(container, '#verify-counter-request');

    const code = await findElement(container, '#verify-counter-code');
    expect(code.textContent).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(container.querySelector('#verify-counter-expiry')?.textContent).toMatch(/^有效期至 \d{4}-\d{2}-\d{2}$/);
    expect(container.querySelector('#verify-counter-ticket')?.textContent).toContain('任一住房公积金管理中心服务窗口');
    expect(container.innerHTML).not.toContain('E98765432');
  });

  it('offers the counter code after consent is refused, sending the checked form', async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    const { container } = render(<VerifyPage />);
    await fill(container, '#verify-name input', '张三');
    await fill(container, '#verify-doc-number input', residents.next());
    await click(container, '#verify-next');
    await click(container, '#verify-refuse');
    await click(container, '#verify-counter-request');

    expect((await findElement(container, '#verify-counter-code')).textContent).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    // asking for a code records the consent of this version first, and the form names it
    expect(sentBodies(fetchSpy)).toEqual([
      { action: 'consent', version: CONSENT_VERSION },
      expect.objectContaining({ action: 'requestCounter', name: '张三', docType: '01', consentVersion: CONSENT_VERSION }),
    ]);
    expect(container.querySelector('#verify-counter-consent')).toBeNull();
  });

  it('says beside the counter button that asking for a code keeps the name and number without face', async () => {
    const { container } = render(<VerifyPage />);
    await click(container, '#verify-doc-type-03');
    expect((await findElement(container, '#verify-counter-consent')).textContent).toContain('不进行人脸比对');
  });

  it('sends the consent text version with the form when starting face verification, after recording that consent', async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    const { container } = render(<VerifyPage />);
    await fill(container, '#verify-name input', '张三');
    await fill(container, '#verify-doc-number input', residents.next());
    await click(container, '#verify-next');
    await click(container, '#verify-agree');
    await findElement(container, '.verify-success');

    const bodies = sentBodies(fetchSpy).filter((b) => b.action) as { action: string }[];
    expect(bodies.map((b) => b.action)).toEqual(['consent', 'start', 'confirm']);
    expect(bodies[1]).toMatchObject({ consentVersion: CONSENT_VERSION });
  });

  it('shows a bad passport number under the number field and sends nothing when a counter code is asked for', async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    const { container } = render(<VerifyPage />);
    await click(container, '#verify-doc-type-03');
    await fill(container, '#verify-name input', 'John Smith');
    await fill(container, '#verify-doc-number input', 'E1');
    await click(container, '#verify-counter-request');

    const error = await findElement(container, '#verify-doc-number + .field-error');
    expect(error.textContent).toBe('护照号码应为 5 至 17 位字母或数字');
    expect(container.querySelector('#verify-counter-code')).toBeNull();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('shows the server’s refusal of a counter code in Chinese beside the button', async () => {
    jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ ok: false, code: 'INTERNAL', message: '服务暂时不可用，请稍后再试' })));
    const { container } = render(<VerifyPage />);
    await click(container, '#verify-doc-type-03');
    await fill(container, '#verify-name input', 'John Smith');
    await fill(container, '#verify-doc-number input', 'E98765432');
    await click(container, '#verify-counter-request');

    expect((await findElement(container, '#verify-counter-error')).textContent).toBe('服务暂时不可用，请稍后再试');
    expect(container.querySelector('#verify-counter-code')).toBeNull();
  });

  it('shows the server’s field messages under the fields, as the client’s', async () => {
    const message = '填写有误：name：姓名与证件不符';
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (_input, init) => {
      const body = JSON.parse(String(init?.body ?? '{}')) as { action?: string };
      if (body.action === 'start') return new Response(JSON.stringify({ ok: false, code: 'VALIDATION_FAILED', message, fields: { name: '姓名与证件不符' } }));
      return new Response(JSON.stringify({ ok: true, data: { version: 'v', at: new Date().toISOString() } }));
    });
    const { container } = render(<VerifyPage />);
    await fill(container, '#verify-name input', '张三');
    await fill(container, '#verify-doc-number input', residents.next());
    await click(container, '#verify-next');
    await click(container, '#verify-agree');

    const error = await findElement(container, '#verify-name + .field-error');
    expect(error.textContent).toBe('姓名与证件不符');
  });
});
