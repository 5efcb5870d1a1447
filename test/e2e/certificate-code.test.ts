import { idCheckChar } from '../../src/core/identity';
import { useChromiumOnLocalHost } from '../support/e2e';
import { verifyOnHost } from '../support/local-host';
import { until } from '../support/until';

jest.setTimeout(240_000);

/**
 * 亮码 (issue 18 point 1) in real Chromium against a fresh local host: the employee's certificate, issued by the center
 * simulator, is shown as a code with exactly what the reader will see; 扬州's staff type it in 扫码核验 (H5) and see the
 * certificate; a second read is refused; the employee sees the read in the history.
 */
const e2e = useChromiumOnLocalHost();
const { current } = e2e;

const YANGZHOU = '321000'; // business-locale center (the simulator): issues the certificate
const NANJING = '320100';

const api = async <T>(fn: string, openid: string, event: Record<string, unknown>): Promise<T> => {
  const res = await fetch(`${e2e.host.url}/api/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify(event) });
  const answer = (await res.json()) as { ok: boolean; message?: string; data: T };
  if (!answer.ok) throw new Error(`${fn} ${String(event.action)}: ${answer.message}`);
  return answer.data;
};

it('the employee shows the code, staff type it in and see the certificate, a second read is refused, and the employee sees the read', async () => {
  const first17 = `32100219870404${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  await verifyOnHost(e2e.host.url, 'dev-employee', '张三', first17 + idCheckChar(first17));
  const { id } = await api<{ id: string }>('applications', 'dev-employee', {
    action: 'submit',
    type: 'certificate-loan-cleared',
    requestId: `req-e2e-code-${Date.now()}`,
    payload: { businessCenter: YANGZHOU, acceptingCenter: NANJING, phone: '13812345678' },
  });
  await until('the simulator to complete the certificate', async () => ((await api<{ status: string }>('applications', 'dev-employee', { action: 'get', id })).status === 'completed' ? true : undefined), 90_000, 1000);

  // the employee: 亮码 on the completed case
  await e2e.signIn('employee', '缴存职工');
  await e2e.open(`pages/application/index?id=${id}`);
  await current('#application-code-open').click();
  await e2e.page.waitForURL(/packages\/code\/show\/index\?id=/);
  await current('#code-image').waitFor();
  // the QR code is drawn, not a broken image: the browser decoded it to a square of pixels
  const drawn = await current('#code-image img').evaluate(async (img) => {
    if (!(img instanceof HTMLImageElement)) return [0, 0];
    await img.decode().catch(() => undefined);
    return [img.naturalWidth, img.naturalHeight];
  });
  expect(drawn[0]).toBeGreaterThan(0);
  expect(drawn[1]).toBe(drawn[0]);
  await expect(current('#code-expiry').innerText()).resolves.toMatch(/^有效至 \d{4}-\d{2}-\d{2} 24:00$/);
  const shows = await current('#code-shows').innerText();
  expect(shows).toContain('个人住房贷款全部还清证明');
  expect(shows).toContain('*三');
  expect(shows).toContain('扬州');
  await expect(current('#code-reads-empty').count()).resolves.toBe(1);
  // the holder copies the code's content for a reader who cannot scan it
  await current('#code-copy').click();
  await e2e.until('#code-copy-outcome', '已复制码的内容');
  const token = (await e2e.page.evaluate(() => /GJJC1\.[A-Za-z0-9_.-]+/.exec(localStorage.getItem('taro_clipboard') ?? '')?.[0])) ?? '';
  expect(token).toMatch(/^GJJC1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
  await e2e.expectAccessible('certificate-code-show');

  // 扬州's staff type it in (H5) and see the certificate
  await e2e.signIn('center-staff', '中心工作人员');
  await e2e.open('packages/portal/read-code/index');
  await current('#read-code-token input').fill(token);
  await current('#read-code-submit').click();
  await current('#read-code-valid').waitFor();
  const seen = await current('#read-code-certificate').innerText();
  expect(seen).toContain('*三');
  expect(seen).toContain('个人住房贷款全部还清证明');
  expect(seen).toMatch(/[0-9a-f]{64}/);
  expect(seen).toBe(shows); // exactly what the holder was shown
  await e2e.expectAccessible('certificate-code-read');

  // a second read is refused
  await current('#read-code-submit').click();
  await e2e.until('#read-code-reason', '已被读取');
  await e2e.expectAccessible('certificate-code-refused');

  // the employee sees the read (and the refused one) in the history
  await e2e.signIn('employee', '缴存职工');
  await e2e.open(`packages/code/show/index?id=${id}`);
  await current('#code-read-0').waitFor();
  await expect(current('#code-read-0').innerText()).resolves.toContain('扬州');
  await expect(current('#code-read-0').innerText()).resolves.toContain('已读取');
  await expect(current('#code-read-1').innerText()).resolves.toContain('码已读取过');
  await e2e.expectAccessible('certificate-code-history', '#code-reads');
});
