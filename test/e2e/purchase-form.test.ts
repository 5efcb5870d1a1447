import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { idCheckChar } from '../../src/core/identity';
import { useChromiumOnLocalHost } from '../support/e2e';
import { pdfOf } from '../support/files';

jest.setTimeout(300_000);

/**
 * The purchase form's help in real Chromium (issue 17, forms): the verified rare-character name filled in, the
 * error summary on screen after 下一步 with the first field in view and focus, the upload control in Chinese with
 * a real size. Screens kept with E2E_SHOTS (the whole page) and, for what is on screen, as `-screen` shots.
 */
const e2e = useChromiumOnLocalHost();
const { current } = e2e;

const screen = async (name: string) => {
  const shots = process.env.E2E_SHOTS;
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await e2e.page.screenshot({ path: path.join(shots, `${name}-screen.png`) });
};

describe('the purchase form helps before anything is sent', () => {
  const first17 = `11010519830714${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  const docNumber = first17 + idCheckChar(first17);

  it('fills the verified name in, lists the errors at the top with the first field in view, and uploads in Chinese', async () => {
    await e2e.page.goto(e2e.host.url);
    await current('#go-mine').click();
    await current('#mine-go-verify').click();
    await current('#verify-name input').fill('李䶮');
    await current('#verify-doc-number input').fill(docNumber);
    await current('#verify-next').click();
    await current('#verify-agree').click();
    await current('.verify-success').waitFor();

    await e2e.open('pages/purchase/index');
    await current('#purchase-intro').waitFor();
    // the verified name arrives with the identity function's answer
    await e2e.page.waitForFunction(() => document.querySelector<HTMLInputElement>('.taro_page_stationed #purchase-account-name input')?.value === '李䶮');
    await current('#purchase-address input').fill('扬州');
    await current('#purchase-account-name input').fill('李四');
    await current('#purchase-next').click();

    const summary = current('#purchase-error-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toContain('收款户名：收款户名应与申请人姓名一致');
    // the first field with a message is on screen and focused
    const firstField = current('#purchase-purchase-center');
    await e2e.page.waitForFunction(() => document.activeElement?.id === 'purchase-purchase-center');
    const box = await firstField.boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= 844).toBe(true);
    await screen('purchase-errors');
    await e2e.shot('purchase-errors');
    await e2e.expectAccessible('purchase-errors-axe', '#purchase-error-summary');

    // the upload: our own Chinese button, a real size
    const dir = mkdtempSync(path.join(tmpdir(), 'gjj-form-'));
    const contract = path.join(dir, '购房合同.pdf');
    writeFileSync(contract, pdfOf('Purchase contract for the form test'));
    await current('#purchase-pick-contract').scrollIntoViewIfNeeded();
    expect(await current('#purchase-pick-contract').innerText()).toBe('选择购房合同文件');
    await current('#purchase-file-contract').setInputFiles(contract);
    await current('#purchase-attached-0').waitFor();
    expect(await current('#purchase-attached-0').innerText()).toMatch(/^购房合同\.pdf（\d+(\.\d)? (字节|KB)）$/);
    await current('#purchase-attachments').scrollIntoViewIfNeeded();
    await screen('purchase-upload');
    expect(await e2e.page.locator('.taro_page_stationed').innerText()).not.toMatch(/Choose File|No file chosen/);
  });
});
