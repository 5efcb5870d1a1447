import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { idCheckChar } from '../../src/core/identity';
import { shanghaiDate } from '../../src/core/time';
import { TEST_JPEG } from '../../cloudfunctions/_lib/centers/conformance';
import { useChromiumOnLocalHost } from '../support/e2e';
import { pdfOf } from '../support/files';
import { closeSimClient, simReceived } from '../support/sim-client';
import { until } from '../support/until';

jest.setTimeout(300_000);

/**
 * 购房提取 (两地联办) in real Chromium against a fresh local host. The purchase-locale center (南京) takes
 * deliveries at the center simulator, which verifies the purchase by callback; the deposit-locale center
 * (扬州) has no API, so its staff pay in the workbench and alone enter the amount. The employee follows both
 * centers' steps on the detail page and sees the amount paid.
 */
const e2e = useChromiumOnLocalHost();
const { current } = e2e;

const NANJING = '320100'; // purchase-locale center, API (the simulator)
const YANGZHOU = '321000'; // deposit-locale center, workbench only (the dev staff persona works there)

afterAll(() => closeSimClient());

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const dir = mkdtempSync(path.join(tmpdir(), 'gjj-purchase-'));
const CONTRACT = pdfOf(`Purchase contract ${randomBytes(8).toString('hex')}`);
// a real JPEG with bytes after its end, as phones append: unique per run
const INVOICE = Buffer.concat([TEST_JPEG, randomBytes(2048)]);
const NOT_A_SCAN = Buffer.from('GIF89a this is not a contract');
const file = (name: string, bytes: Buffer) => {
  const at = path.join(dir, name);
  writeFileSync(at, bytes);
  return at;
};

/** Switches persona on the dev sign-in page, then back home. */
async function actAs(role: 'employee' | 'center-staff', label: string): Promise<void> {
  await e2e.page.goto(e2e.host.url);
  await current('#go-sign-in').click();
  await current(`#persona-${role}`).click();
  await expect(current('#sign-in-roles').innerText()).resolves.toContain(label);
  await current('.sign-in-home').click();
  await current('#go-mine').waitFor();
}

/** Waits until an upload is listed under its kind (the page uploads as soon as a file is picked). */
const attachedShown = (kind: string, name: string) => current(`#purchase-attachment-${kind} .purchase-attached-name`).filter({ hasText: name }).waitFor();
const fill = (slug: string, value: string) => current(`#purchase-${slug} input`).fill(value);
const pickCenter = async (slug: string, query: string, code: string) => {
  await current(`#purchase-${slug}`).click();
  await current(`#purchase-${slug}-search input`).fill(query);
  await current(`#purchase-${slug}-search #center-${code}`).click();
};

describe('a verified employee applies for 购房提取 (item 7), handled by two centers', () => {
  const first17 = `32100219880808${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  const docNumber = first17 + idCheckChar(first17);
  const account = '6217001234567890123';
  const today = shanghaiDate(new Date());

  it('is verified by the purchase-locale center’s API, then paid in the deposit-locale center’s workbench, which alone sets the amount', async () => {
    // 扬州 works only in its workbench
    const manual = await fetch(`${e2e.host.url}/api/admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': 'dev-supervisor' },
      body: JSON.stringify({ action: 'setManual', centerCode: YANGZHOU }),
    });
    expect(await manual.json()).toMatchObject({ ok: true });

    // 实名核验 through the WeChat simulator
    await e2e.page.goto(e2e.host.url);
    await current('#go-mine').click();
    await current('#mine-go-verify').click();
    await current('#verify-name input').fill('赵六');
    await current('#verify-doc-number input').fill(docNumber);
    await current('#verify-next').click();
    await current('#verify-agree').click();
    await current('.verify-success').waitFor();

    // home -> item 7 -> 在线申请
    await e2e.page.goto(e2e.host.url);
    await current('#item-7').click();
    await e2e.page.waitForURL(/pages\/item\/index/);
    await current('#item-apply').click();
    await e2e.page.waitForURL(/pages\/purchase\/index/);
    await current('#purchase-intro').waitFor();

    await pickCenter('purchase-center', '南京', NANJING);
    await pickCenter('deposit-center', '扬州', YANGZHOU);
    await fill('address', '江苏省南京市鼓楼区中山北路 100 号 3 幢 1201 室');
    await fill('contract-number', 'NJ2026-0008123');
    await fill('purchase-date', '2099-01-01');
    await fill('price', '2100000');
    await fill('area', '89.6');
    await fill('seller', '南京某置业有限公司');
    await fill('account-name', '赵六');
    await fill('bank-name', '中国工商银行扬州分行');
    await fill('account-number', account);
    await fill('amount', '2100000.5');
    await fill('phone', '13812345678');

    // a file that is not a scan: uploaded, then refused by its content at submission below
    await current('#purchase-file-contract').setInputFiles(file('合同.pdf', NOT_A_SCAN));
    await attachedShown('contract', '合同.pdf');
    await current('#purchase-file-invoice').setInputFiles(file('发票.jpg', INVOICE));
    await attachedShown('invoice', '发票.jpg');

    // the form's own checks name the fields: a future date, an amount above the price
    await current('#purchase-next').click();
    await expect(current('#purchase-purchase-date-error').innerText()).resolves.toBe('购房日期不能晚于今天');
    await expect(current('#purchase-amount-error').innerText()).resolves.toBe('申请提取金额不能超过购房总价');
    await fill('purchase-date', '2026-10-08');
    await fill('amount', '300000');
    await current('#purchase-next').click();
    await current('#purchase-review').waitFor();
    await expect(current('#purchase-review-account-number').innerText()).resolves.toBe('6217***********0123');
    await expect(current('#purchase-review-amount').innerText()).resolves.toBe('300,000.00 元');
    await current('#purchase-submit').click();
    // the function reads the upload back and refuses it by content: back on the form, under that file
    await expect(current('#purchase-attachment-0-error').innerText()).resolves.toContain('PDF、JPG 或 PNG');
    expect(await current('#purchase-review').count()).toBe(0);

    // replace it with the real contract and submit
    await current('#purchase-attachment-contract .purchase-attached-remove').click();
    await current('#purchase-file-contract').setInputFiles(file('购房合同.pdf', CONTRACT));
    await attachedShown('contract', '购房合同.pdf');
    await current('#purchase-next').click();
    await current('#purchase-review').waitFor();
    await current('#purchase-submit').click();

    await e2e.page.waitForURL(/pages\/application\/index\?id=/);
    const id = decodeURIComponent(/[?&]id=([^&#]+)/.exec(e2e.page.url())?.[1] ?? '');
    await current('#application-status-label').waitFor();
    await expect(current('#application-target').innerText()).resolves.toContain('7 个工作日');
    expect(await e2e.page.content()).not.toContain(account);

    // the purchase-locale center received the application with both files, byte for byte, and verified it
    const delivery = await until('the purchase center to verify the purchase', async () => {
      const got = (await simReceived(e2e.host.simOrigin)).find((r) => r.applicationId === id && r.type === 'application.submitted' && r.centerCode === NANJING);
      return got?.callbacks.some((c) => c.status === 'verified' && c.httpStatus === 200) ? got : undefined;
    }, 90_000, 1000);
    expect(delivery).toMatchObject({ applicationType: 'purchase-withdrawal', verified: true, problems: [], answer: 200 });
    expect(delivery.attachments?.map((a) => a.sha256)).toEqual([sha(CONTRACT), sha(INVOICE)]);
    // the purchase center set no amount
    expect(delivery.callbacks.every((c) => c.payment === undefined)).toBe(true);

    // the detail page follows to the deposit-locale center's step by itself
    await until('the detail page to show 缴存地办理', async () => ((await current('#application-step').innerText()).includes('缴存地办理') ? true : undefined), 60_000, 1000);
    expect(await current('#application-payment').count()).toBe(0);

    // 扬州's staff pay in the workbench: the amount is theirs to enter, not above what was asked
    await actAs('center-staff', '中心工作人员（321000）');
    await current('#go-mine').click();
    await current('#mine-workbench').click();
    await current(`#workbench-item-${id}`).click();
    await e2e.page.waitForURL(/workbench-detail/);
    await current('#workbench-attachments').waitFor();
    await current('#workbench-payment-amount input').fill('300000.01');
    await current('#workbench-status-completed').click();
    await e2e.page.locator('.taro-model__confirm').filter({ visible: true }).click();
    await expect(current('#workbench-status-error').innerText()).resolves.toContain('不能超过申请提取金额');
    await current('#workbench-payment-amount input').fill('280000');
    await current('#workbench-status-completed').click();
    await e2e.page.locator('.taro-model__confirm').filter({ visible: true }).click();
    await expect(current('#workbench-payment').innerText()).resolves.toContain('280,000.00 元');

    // the employee sees the amount and both centers' steps
    await actAs('employee', '缴存职工');
    await current('#go-mine').click();
    await current('#mine-applications').click();
    await current(`#application-item-${id}`).click();
    await expect(current('#application-payment-amount').innerText()).resolves.toBe('280,000.00 元');
    await expect(current('#application-payment-date').innerText()).resolves.toContain(today);
    await expect(current('#application-status-label').innerText()).resolves.toBe('已办结');
    const timeline = (await current('#application-timeline').innerText()).replace(/\s+/g, ' ');
    expect(timeline).toContain('购房地核验');
    expect(timeline).toContain('缴存地办理');
    expect(timeline).toContain('缴存地中心已支付 280,000.00 元');
    expect(await e2e.page.content()).not.toContain(docNumber);
  });
});
