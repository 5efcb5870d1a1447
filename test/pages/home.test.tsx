import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ITEM_TAG_LABELS } from '../../src/core/item-tags';
import Home from '../../src/pages/index';
import { SERVER_ANSWER_MS, showPage } from './support/page';

const YANGZHOU = { code: '321000', name: '扬州市住房公积金管理中心', province: '江苏省', city: '扬州市', phone: '0514-12329' };

beforeEach(() => Taro.clearStorageSync());

describe('home page', () => {
  it('shows the eight items as an icon grid; without my center only the modes that do not depend on it are tagged', () => {
    const { container } = render(<Home />);
    const modeOf = (id: number) => container.querySelector(`#item-${id} .tag`)?.textContent;
    expect(container.querySelectorAll('#item-grid .item-cell .item-icon')).toHaveLength(8);
    // 全程网办 is not claimed for an item until my center is known to have a working channel for it
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(modeOf)).toEqual([undefined, '代收代办', undefined, undefined, undefined, undefined, '两地联办', '代收代办']);
    expect(screen.getByText('缴存贷款信息查询')).toBeTruthy();
    expect(screen.getByText('贷款还清证明')).toBeTruthy();
  });

  it('tags every item with how my center handles it once my center is known', async () => {
    Taro.setStorageSync('my-center', YANGZHOU);
    const { container } = render(<Home />);
    showPage();
    await waitFor(() => expect(container.querySelector('#item-1 .tag')).not.toBeNull(), { timeout: SERVER_ANSWER_MS });
    for (const id of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const tag = container.querySelector(`#item-${id} .tag`);
      expect(Object.values(ITEM_TAG_LABELS)).toContain(tag?.textContent);
    }
  });

  it('offers the 12329 hotline: the national number until a center is chosen, then my center\'s line', () => {
    const call = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'makePhoneCall:ok' });
    const first = render(<Home />);
    showPage();
    expect(first.container.querySelector('#home-hotline')?.textContent).toContain('12329 住房公积金服务热线');
    fireEvent.click(first.container.querySelector('#home-hotline-call')!);
    expect(call).toHaveBeenLastCalledWith({ phoneNumber: '12329' });
    first.unmount();

    Taro.setStorageSync('my-center', YANGZHOU);
    const { container } = render(<Home />);
    showPage();
    expect(container.querySelector('#home-hotline-number')?.textContent).toBe('0514-12329');
    fireEvent.click(container.querySelector('#home-hotline-call')!);
    expect(call).toHaveBeenLastCalledWith({ phoneNumber: '051412329' });
    call.mockRestore();
  });

  it('says my center is not chosen yet when none is stored', () => {
    const { container } = render(<Home />);
    showPage();
    expect(container.querySelector('#my-center')?.textContent).toContain('尚未选择');
  });

  it('shows the stored center with its name and phone once the page is shown', () => {
    Taro.setStorageSync('my-center', YANGZHOU);
    const { container } = render(<Home />);
    showPage();
    const mine = within(container.querySelector<HTMLElement>('#my-center')!);
    expect(mine.getByText('扬州市住房公积金管理中心')).toBeTruthy();
    expect(mine.getByText('0514-12329')).toBeTruthy();
    expect(mine.queryByText(/尚未选择/)).toBeNull();
  });
});
