import { fireEvent, render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import CenterPage from '../../src/pages/center';
import Home from '../../src/pages/index';
import Mine from '../../src/pages/mine';
import { ask } from '../../src/services/notice';
import { PageShell } from '../../src/components/page-shell';
import { useLocalHost } from './support/local-host';
import { findElement, openWith } from './support/page';

useLocalHost();

beforeEach(() => Taro.clearStorageSync());
afterEach(() => jest.restoreAllMocks());

describe('长辈版 (elderly mode)', () => {
  it('is chosen on the home page, reduces the home to the frequent items, and is remembered for the next visit', () => {
    const first = render(<Home />);
    expect(first.container.querySelector('.item-grid')).not.toBeNull();
    expect(first.container.querySelector('#home-elder-switch-standard')?.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(first.container.querySelector('#home-elder-switch-elder')!);
    expect(first.container.querySelector('.page-shell')?.classList.contains('elder-mode')).toBe(true);
    expect(first.container.querySelector('.item-grid')).toBeNull();
    expect(Array.from(first.container.querySelectorAll('.elder-home-cell-name')).map((n) => n.textContent)).toEqual(['转移接续', '办理进度', '缴存查询', '退休提取', '找我的中心', '我的']);
    first.unmount();

    // the next visit: the choice kept on the device
    const again = render(<Home />);
    expect(again.container.querySelector('#elder-go-transfer')).not.toBeNull();
  });

  it('is switched back to 标准版 on 我的', async () => {
    Taro.setStorageSync('elder-mode', true);
    const { container } = render(<Mine />);
    fireEvent.click(await findElement(container, '#mine-elder-switch-standard'));
    expect(container.querySelector('.page-shell')?.classList.contains('elder-mode')).toBe(false);
    expect(Taro.getStorageSync('elder-mode')).toBe(false);
  });

  it('tells a passing message inline, kept until the person answers, instead of a toast', async () => {
    Taro.setStorageSync('elder-mode', true);
    const toast = jest.spyOn(Taro, 'showToast');
    openWith({ code: '321000' });
    const { container } = render(<CenterPage />);
    fireEvent.click(await findElement(container, '.center-mine'));
    expect((await findElement(container, '#elder-notice')).textContent).toContain('已设为我的中心');
    expect(toast).not.toHaveBeenCalled();
    fireEvent.click(container.querySelector('#elder-notice-ok')!);
    expect(container.querySelector('#elder-notice')).toBeNull();
  });

  it('asks for a confirmation inline instead of a modal, and answers what the person tapped', async () => {
    Taro.setStorageSync('elder-mode', true);
    const modal = jest.spyOn(Taro, 'showModal');
    const { container } = render(<PageShell title='测试'>{null}</PageShell>);
    const answer = ask({ title: '撤销申请', message: '确定撤销吗？', confirmText: '确定撤销', cancelText: '再想想' });
    expect((await findElement(container, '#elder-notice')).textContent).toContain('确定撤销吗？');
    fireEvent.click(container.querySelector('#elder-notice-cancel')!);
    await expect(answer).resolves.toBe(false);
    expect(container.querySelector('#elder-notice')).toBeNull();
    expect(modal).not.toHaveBeenCalled();
  });

  it('keeps the toast and the modal in 标准版', async () => {
    const toast = jest.spyOn(Taro, 'showToast').mockResolvedValue({ errMsg: 'showToast:ok' });
    const modal = jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: true, cancel: false, errMsg: 'showModal:ok' });
    const { container } = render(<PageShell title='测试'>{null}</PageShell>);
    await expect(ask({ title: '撤销申请', message: '确定撤销吗？', confirmText: '确定撤销', cancelText: '再想想' })).resolves.toBe(true);
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ title: '撤销申请', content: '确定撤销吗？', showCancel: true }));
    expect(container.querySelector('#elder-notice')).toBeNull();
    expect(toast).not.toHaveBeenCalled();
  });
});
