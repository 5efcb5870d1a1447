import { maskDocNumber } from '../../src/core/identity';
import { useChromiumOnLocalHost } from '../support/e2e';

jest.setTimeout(180_000);

/** The H5 build in real Chromium against a fresh local host; personas are switched on the dev sign-in e2e.page. */
const e2e = useChromiumOnLocalHost();
const { current } = e2e;

/** Home -> 切换身份（本地开发） -> the persona, then back home once the local host has said who that is. */
async function actAs(role: 'employee' | 'center-staff', label: string): Promise<void> {
  await e2e.page.goto(e2e.host.url);
  await current('#go-sign-in').click();
  await current(`#persona-${role}`).click();
  await expect(current('#sign-in-roles').innerText()).resolves.toContain(label);
  await current('.sign-in-home').click();
  await current('#go-mine').waitFor();
}

describe('an employee with a passport is verified at a center’s counter', () => {
  const passport = `E${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const masked = maskDocNumber(passport);

  it('requests a code, staff of 扬州 type the number from the passport and confirm it, and 我的 then shows 柜台核验 with the masked number', async () => {
    await actAs('employee', '缴存职工');
    await current('#go-mine').click();
    await expect(current('#mine-status').innerText()).resolves.toBe('未核验');
    expect(await current('#mine-counter').count()).toBe(0);

    await current('#mine-go-verify').click();
    await current('#verify-doc-type-03').click();
    await current('#verify-name input').fill('John Smith');
    await current('#verify-doc-number input').fill(passport);
    await current('#verify-counter-request').click();
    const code = (await current('#verify-counter-code').innerText()).trim();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    await expect(current('#verify-counter-ticket').innerText()).resolves.toContain('服务窗口');

    await actAs('center-staff', '中心工作人员（321000）');
    await current('#go-mine').click();
    await current('#mine-counter').click();
    await e2e.page.waitForURL(/packages\/portal\/counter\/index/);
    await current('#counter-code input').fill(code);
    await current('#counter-lookup').click();
    // the number is shown masked: staff type it from the passport in hand
    await expect(current('#counter-doc').innerText()).resolves.toBe(masked);
    await expect(current('#counter-doc-type').innerText()).resolves.toBe('护照');
    await expect(current('#counter-notice').innerText()).resolves.toContain('已记录');
    await current('#counter-doc-number input').fill(passport);
    await current('#counter-confirm').click();
    await expect(current('#counter-done').innerText()).resolves.toContain('核验完成');

    await actAs('employee', '缴存职工');
    await current('#go-mine').click();
    await current('#mine-doc').waitFor();
    await expect(current('#mine-status').innerText()).resolves.toBe('已核验');
    await expect(current('#mine-method').innerText()).resolves.toBe('柜台核验');
    await expect(current('#mine-doc').innerText()).resolves.toBe(masked);
    expect(await e2e.page.locator('body').innerText()).not.toContain(passport);
  });
});
