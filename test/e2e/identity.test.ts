import { idCheckChar } from '../../src/core/identity';
import { useChromiumOnLocalHost } from '../support/e2e';

jest.setTimeout(180_000);

/** The H5 build in real Chromium against a fresh local host, whose WeChat simulator passes faces by default. */
const e2e = useChromiumOnLocalHost();
const { current } = e2e;

/** Everything the page shows or holds: its text, its markup and the values of its inputs. */
async function everythingOnPage(): Promise<string> {
  const values = await e2e.page.locator('input').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value).join('\n'));
  return `${await e2e.page.locator('body').innerText()}\n${await e2e.page.content()}\n${values}`;
}

describe('an employee verifies their identity and binds a phone', () => {
  const first17 = `11010519491231${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  const id = first17 + idCheckChar(first17);
  const masked = `1${'*'.repeat(16)}${id[17]}`;

  it('walks home -> 我的 -> 去核验 -> consent -> 核验成功 -> back to 我的, then binds 138****5678', async () => {
    await e2e.page.goto(e2e.host.url);
    await current('#go-mine').click();
    await expect(current('#mine-status').innerText()).resolves.toBe('未核验');

    await current('#mine-go-verify').click();
    await current('#verify-name input').fill('张三');
    await current('#verify-doc-number input').fill(id);
    await current('#verify-next').click();
    await expect(current('#verify-consent').innerText()).resolves.toContain('不获取、不保存任何人脸图像');
    await current('#verify-agree').click();

    const result = current('.verify-success');
    await result.waitFor();
    await expect(result.innerText()).resolves.toContain('核验成功');
    await expect(current('#verify-result-doc').innerText()).resolves.toBe(masked);
    await expect(current('#verify-result-expiry').innerText()).resolves.toMatch(/^有效期至 \d{4}-\d{2}-\d{2}$/);
    expect(await everythingOnPage()).not.toContain(id);

    await current('#verify-to-mine').click();
    await e2e.page.waitForURL(/pages\/mine\/index/);
    // 我的 asks again when it is shown: the masked number appears once the new status has come
    await current('#mine-doc').waitFor();
    await expect(current('#mine-status').innerText()).resolves.toBe('已核验');
    await expect(current('#mine-doc').innerText()).resolves.toBe(masked);
    await expect(current('#mine-method').innerText()).resolves.toBe('人脸核身');
    await expect(current('#mine-expiry').innerText()).resolves.toMatch(/^\d{4}-\d{2}-\d{2}$/);

    await current('#mine-phone-input input').fill('13812345678');
    await current('#mine-bind-phone').click();
    await expect(current('#mine-phone').innerText()).resolves.toBe('138****5678');

    const everything = await everythingOnPage();
    expect(everything).not.toContain(id);
    expect(everything).not.toContain('19491231');
    expect(everything).not.toContain('13812345678'); // the dev input went with the bind button
  });
});
