import { fireEvent, render, waitFor } from '@testing-library/react';
import PurchasePage from '../../src/pages/purchase';
import { callFunction } from '../../src/services/cloud';
import { personPerTest, residentIds, verifyIdentity } from './support/calls';
import { click, fill, textOf, waitForText, waitGone } from './support/interact';
import { findElement, openWith, SERVER_ANSWER_MS } from './support/page';

const residents = residentIds('purchase');

/** jsdom lays nothing out and has no scrollIntoView: a spy stands in, recording which element was brought into view. */
const scrolled = jest.fn();
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'scrollIntoView', { configurable: true, value: scrolled });
});
beforeEach(() => scrolled.mockClear());

async function openPurchase(): Promise<HTMLElement> {
  openWith({});
  const { container } = render(<PurchasePage />);
  await waitGone(container, '.state-loading');
  return container;
}

personPerTest('page-purchase', { clearStorage: true });

describe('purchase withdrawal form', () => {
  it('lists every message at the top after 下一步, each naming its field, and brings the first field into view and focus', async () => {
    await verifyIdentity('王五', residents.next());
    const container = await openPurchase();
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await fill(container, '#purchase-address input', '扬州');
    await click(container, '#purchase-next');

    const summary = await findElement(container, '#purchase-error-summary');
    expect(summary.getAttribute('role')).toBe('alert');
    expect(textOf(container, '#purchase-error-summary-purchase-center')).toBe('购房地中心：请选择购房地中心');
    // two characters of the five an address needs: the message says how long, not that it is empty
    expect(textOf(container, '#purchase-error-summary-address')).toBe('房屋坐落：房屋坐落地址至少 5 个字');
    expect(textOf(container, '#purchase-error-summary-phone')).toBe('手机号码：手机号码应为 11 位中国大陆手机号');
    // in the form's order, the same messages as beside the fields
    const lines = Array.from(summary.querySelectorAll('.application-form-summary-line')).map((l) => l.id.replace('purchase-error-summary-', ''));
    expect(lines.slice(0, 3)).toEqual(['purchase-center', 'deposit-center', 'address']);
    expect(textOf(container, '#purchase-address-error')).toBe('房屋坐落地址至少 5 个字');
    expect(textOf(summary, '.application-form-summary-title')).toBe(`有 ${lines.length} 处需要修改`);

    // the first field (a center picker) is scrolled to and focused
    await waitFor(() => expect(document.activeElement?.id).toBe('purchase-purchase-center'));
    expect(scrolled.mock.contexts[0]).toBe(container.querySelector('#purchase-purchase-center'));
    // a line of the summary brings its own field into focus
    fireEvent.click(await findElement(container, '#purchase-error-summary-address'));
    expect(document.activeElement).toBe(container.querySelector('#purchase-address input'));
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('fills in the verified name (rare characters too) and the bound phone, and tells a different account name before sending', async () => {
    await verifyIdentity('李䶮', residents.next());
    const bound = await callFunction('identity', { action: 'bindPhone', code: 'sim-phone-13812345678' });
    expect(bound.ok).toBe(true);
    const container = await openPurchase();
    await waitFor(() => expect((container.querySelector('#purchase-account-name input') as HTMLInputElement).value).toBe('李䶮'), { timeout: SERVER_ANSWER_MS });
    expect((container.querySelector('#purchase-phone input') as HTMLInputElement).value).toBe('13812345678');
    // the rule is said under the field, the name masked there
    expect(textOf(container, '#purchase-account-name-hint')).toBe('须与实名核验的姓名（*䶮）一致');

    await fill(container, '#purchase-account-name input', '李四');
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await click(container, '#purchase-next');
    await waitForText(container, '#purchase-account-name-error', '收款户名应与申请人姓名一致');
    expect(textOf(container, '#purchase-error-summary-account-name')).toBe('收款户名：收款户名应与申请人姓名一致');
    expect(fetchSpy).not.toHaveBeenCalled();

    // the same name with the other middle dot, or typed back, is no longer refused
    await fill(container, '#purchase-account-name input', '李䶮');
    await click(container, '#purchase-next');
    expect(container.querySelector('#purchase-account-name-error')).toBeNull();
  });

  it('offers the upload in Chinese with no browser control in sight, and shows a small file’s real size', async () => {
    await verifyIdentity('王五', residents.next());
    const container = await openPurchase();
    const pick = await findElement(container, '#purchase-pick-contract');
    expect(pick.textContent).toBe('选择购房合同文件');
    expect(pick.tagName).toBe('LABEL');
    expect(pick.querySelector('input[type=file]')?.className).toBe('file-pick-input');
    expect(container.textContent).not.toMatch(/Choose|No file|KB）$/);

    const file = new File([new Uint8Array(1536).fill(0x25)], '购房合同.pdf', { type: 'application/pdf' });
    const input = container.querySelector<HTMLInputElement>('#purchase-file-contract')!;
    Object.defineProperty(input, 'files', { configurable: true, value: [file] });
    fireEvent.change(input);
    await waitForText(container, '#purchase-attached-0', '购房合同.pdf（1.5 KB）');
    expect(textOf(container, '#purchase-attachment-contract')).not.toContain('0 KB');
  });

  it('counts a long address under its field and never cuts it', async () => {
    await verifyIdentity('王五', residents.next());
    const container = await openPurchase();
    const long = '江苏省扬州市邗江区文昌西路'.repeat(10);
    await fill(container, '#purchase-address input', long);
    const input = container.querySelector('#purchase-address input') as HTMLInputElement;
    expect(input.value).toBe(long);
    // no limit on what may be typed (Taro's -1): the browser never cuts the text
    expect(Number(input.getAttribute('maxlength') ?? -1)).toBeLessThan(0);
    expect(textOf(container, '#purchase-address-count')).toBe(`已输入 ${long.length} 字，超出 ${long.length - 100} 字（最多 100 字）`);
    await click(container, '#purchase-next');
    await waitForText(container, '#purchase-address-error', '房屋坐落地址不超过 100 个字');
  });
});
