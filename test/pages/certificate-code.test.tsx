import { render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { CodeReadResult, CodeReads, ShownCode } from '../../src/core/certificate-code';
import ShowCodePage from '../../src/packages/code/show';
import VerifyCodePage from '../../src/packages/code/verify';
import ReadCodePage from '../../src/packages/portal/read-code';
import { seriousViolationsIn } from './support/axe';
import { click, fill, textOf, waitForText } from './support/interact';
import { findElement, openWith } from './support/page';

/**
 * The pages of 亮码 (issue 18 point 1), with the functions' answers given here (test/functions/certificate-code.test.ts
 * and test/e2e/certificate-code.test.ts run the real ones): the holder's code page and the staff's 扫码核验.
 */
const TOKEN = `GJJC1.${'eyJrIjoiYWJjZGVmMDEifQ'}.${'S'.repeat(86)}`;
const SHOWS = {
  title: '个人住房贷款全部还清证明',
  holderName: '*三',
  holderDocNumber: '1****************X',
  issuingCenter: { code: '321000', name: '扬州市住房公积金管理中心' },
  document: { name: '个人住房贷款全部还清证明.pdf', sha256: 'a'.repeat(64), issuedAt: '2026-12-06T02:00:00.000Z' },
};
const SHOWN: ShownCode = { token: TOKEN, expiresAt: '2026-12-06T16:00:00.000Z', shows: SHOWS, readsAllowed: 1, readsUsed: 0 };
const CURRENT = { expiresAt: SHOWN.expiresAt, readsAllowed: 1, readsUsed: 0, revoked: false };
const READS: CodeReads = { current: CURRENT, reads: [] };

/** Answers the functions' actions from `answers` (by action), recording what was asked. */
function functionsAnswer(answers: Record<string, unknown>): { actions: string[] } {
  const asked = { actions: [] as string[] };
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (_input, init) => {
    const body = JSON.parse(String(init?.body ?? '{}')) as { action: string };
    asked.actions.push(body.action);
    const answer = answers[body.action];
    return new Response(JSON.stringify(answer && typeof answer === 'object' && 'ok' in answer ? answer : { ok: true, data: answer }));
  });
  return asked;
}

afterEach(() => jest.restoreAllMocks());

describe('亮码 (the holder’s code page)', () => {
  it('shows the QR code, the expiry at 24:00, exactly what the reader will see and an empty history', async () => {
    openWith({ id: 'abcdefgh12345678' });
    functionsAnswer({ showCode: SHOWN, codeReads: READS });
    const { container } = render(<ShowCodePage />);
    const image = await findElement(container, '#code-image');
    expect(image.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(textOf(container, '#code-expiry')).toBe('有效至 2026-12-06 24:00');
    const shows = textOf(container, '#code-shows');
    for (const seen of ['个人住房贷款全部还清证明', '*三', '1****************X', '扬州市住房公积金管理中心', 'a'.repeat(64)]) expect(shows).toContain(seen);
    await findElement(container, '#code-reads-empty');
    // the code's content is copied, not printed: some 400 characters no one can read out or type
    expect(container.querySelector('#code-token')).toBeNull();
    expect(container.textContent).not.toContain(TOKEN);
  });

  it('copies the code’s content for a reader who cannot scan, and shows it to copy by hand only when copying failed', async () => {
    openWith({ id: 'abcdefgh12345678' });
    functionsAnswer({ showCode: SHOWN, codeReads: READS });
    const copy = jest.spyOn(Taro, 'setClipboardData').mockResolvedValueOnce({ data: TOKEN, errMsg: 'setClipboardData:ok' });
    const { container } = render(<ShowCodePage />);
    await click(container, '#code-copy');
    await waitFor(() => expect(copy).toHaveBeenCalledWith({ data: TOKEN }));
    // said on the page (长辈版 has no passing pop-ups), the content still not printed
    expect(await waitForText(container, '#code-copy-outcome', '已复制')).toBe('已复制码的内容，可粘贴发给对方。');
    expect(container.querySelector('#code-token')).toBeNull();

    copy.mockRejectedValueOnce(new Error('setClipboardData:fail'));
    await click(container, '#code-copy');
    await findElement(container, '#code-token');
    expect(textOf(container, '#code-token')).toBe(TOKEN);
    expect(textOf(container, '#code-copy-outcome')).toBe(`${TOKEN}未能复制，请长按上面的码的内容手动复制。`);
  });

  it('offers no copy of a code that was read and cannot be read again', async () => {
    openWith({ id: 'abcdefgh12345678' });
    functionsAnswer({ showCode: SHOWN, codeReads: { ...READS, current: { ...CURRENT, readsUsed: 1 } } });
    const { container } = render(<ShowCodePage />);
    await waitForText(container, '#code-reads-left', '已读取，不能再被读取');
    expect(container.querySelector('#code-copy')).toBeNull();
    expect(container.querySelector('#code-renew')).not.toBeNull();
  });

  it('lists every read with the center and the time, a changed copy’s too, and voids the code after a confirmation', async () => {
    openWith({ id: 'abcdefgh12345678' });
    const reads: CodeReads = {
      ...READS,
      current: { ...CURRENT, readsUsed: 1 },
      reads: [
        { at: '2026-12-06T03:00:00.000Z', centerCode: '321000', centerName: '扬州市住房公积金管理中心', outcome: 'valid' },
        { at: '2026-12-06T03:05:00.000Z', centerCode: '110000', centerName: '北京住房公积金管理中心', outcome: 'altered' },
      ],
    };
    const asked = functionsAnswer({ showCode: SHOWN, codeReads: reads, revokeCode: { ...reads, current: { ...CURRENT, readsUsed: 1, revoked: true } } });
    jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: true, cancel: false, errMsg: 'showModal:ok' });
    jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
    const { container } = render(<ShowCodePage />);
    await findElement(container, '#code-read-0');
    expect(textOf(container, '#code-read-0')).toBe('扬州市住房公积金管理中心2026-12-06 11:00已读取，对方看到了证明');
    expect(textOf(container, '#code-read-1')).toBe('北京住房公积金管理中心2026-12-06 11:05被拒绝：对方出示的码被改动过，如有疑问请作废此码');
    expect(textOf(container, '#code-reads-left')).toContain('已读取，不能再被读取');

    await click(container, '#code-revoke');
    await findElement(container, '#code-revoked');
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '作废这个码？', confirmText: '作废' }));
    expect(asked.actions).toContain('revokeCode');
    expect(container.querySelector('#code-image')).toBeNull();
    await findElement(container, '#code-renew');
  });

  it('lets the holder allow one more read', async () => {
    openWith({ id: 'abcdefgh12345678' });
    const asked = functionsAnswer({ showCode: SHOWN, codeReads: READS, allowCodeRead: { ...READS, current: { ...CURRENT, readsAllowed: 2 } } });
    jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
    const { container } = render(<ShowCodePage />);
    await click(container, '#code-allow');
    await waitFor(() => expect(asked.actions).toContain('allowCodeRead'));
    await waitFor(() => expect(textOf(container, '#code-reads-left')).toContain('还可被读取 2 次'));
  });

  it('asks for the identity again, with the way to 实名核验, when the function says it is too old', async () => {
    openWith({ id: 'abcdefgh12345678' });
    functionsAnswer({ showCode: { ok: false, code: 'IDENTITY_REQUIRED', message: '亮码前请重新完成实名核验（上次核验在 2026-12-04 10:00，已超过 24 小时）' } });
    const { container } = render(<ShowCodePage />);
    await findElement(container, '#state-verify');
    expect(textOf(container, '#state-error-message')).toContain('重新完成实名核验');
  });
});

describe('扫码核验 (center staff, typed on H5)', () => {
  it('shows the certificate of a valid code', async () => {
    const valid: CodeReadResult = { status: 'valid', certificate: SHOWS, readAt: '2026-12-06T03:00:00.000Z', expiresAt: SHOWN.expiresAt };
    const asked = functionsAnswer({ readCode: valid });
    const { container } = render(<ReadCodePage />);
    await fill(container, '#read-code-token input', TOKEN);
    await click(container, '#read-code-submit');
    await findElement(container, '#read-code-valid');
    expect(textOf(container, '#read-code-status')).toBe('核验通过：平台签发的有效证明');
    expect(textOf(container, '#read-code-certificate')).toContain('*三');
    expect(asked.actions).toEqual(['readCode']);
  });

  it('names the reason of a refusal', async () => {
    functionsAnswer({ readCode: { status: 'refused', reason: 'used', message: '码已被读取过' } });
    const { container } = render(<ReadCodePage />);
    await fill(container, '#read-code-token input', TOKEN);
    await click(container, '#read-code-submit');
    await findElement(container, '#read-code-refused');
    expect(textOf(container, '#read-code-reason')).toBe('核验未通过：已被读取');
    expect(textOf(container, '#read-code-refused')).toContain('只能读取一次');
  });

  it('asks for the code when nothing was typed, sending nothing', async () => {
    const asked = functionsAnswer({});
    const { container } = render(<ReadCodePage />);
    await click(container, '#read-code-submit');
    await findElement(container, '#read-code-token-error');
    expect(textOf(container, '#read-code-token-error')).toBe('请输入或扫描码的内容');
    expect(asked.actions).toEqual([]);
  });
});

describe('验证证明码 (anyone)', () => {
  it('answers whether a code is genuine and usable, and nothing about whose it is or what it shows', async () => {
    const asked = functionsAnswer({ verifyCode: { result: 'valid', label: '有效' } });
    const { container } = render(<VerifyCodePage />);
    await fill(container, '#verify-code-token input', ` ${TOKEN}\n`);
    await click(container, '#verify-code-submit');
    await findElement(container, '#verify-code-result');
    expect(textOf(container, '#verify-code-label')).toBe('有效');
    expect(textOf(container, '#verify-code-meaning')).toBe('这是平台签发的证明码，今天内有效，尚未被中心读取。');
    expect(container.textContent).not.toContain('*三');
    expect(await seriousViolationsIn(container)).toEqual([]);
    expect(asked.actions).toEqual(['verifyCode']);
    const body = JSON.parse(String((globalThis.fetch as jest.Mock).mock.calls[0][1].body)) as { token: string };
    expect(body.token).toBe(TOKEN);
  });

  it('says why a code cannot be used', async () => {
    functionsAnswer({ verifyCode: { result: 'used', label: '已使用' } });
    const { container } = render(<VerifyCodePage />);
    await fill(container, '#verify-code-token input', TOKEN);
    await click(container, '#verify-code-submit');
    await findElement(container, '#verify-code-result');
    expect(textOf(container, '#verify-code-label')).toBe('不可使用：已使用');
    expect(textOf(container, '#verify-code-meaning')).toContain('不能再次使用');
  });

  it('asks for the code when nothing was typed, sending nothing', async () => {
    const asked = functionsAnswer({});
    const { container } = render(<VerifyCodePage />);
    await click(container, '#verify-code-submit');
    await findElement(container, '#verify-code-token-error');
    expect(textOf(container, '#verify-code-token-error')).toBe('请输入或扫描码的内容');
    expect(asked.actions).toEqual([]);
  });
});
