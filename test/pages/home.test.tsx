import { render, screen, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import Home from '../../src/pages/index';
import { showPage } from './support/page';

beforeEach(() => Taro.clearStorageSync());

describe('home page', () => {
  it('shows the eight items, each with its handling mode', () => {
    const { container } = render(<Home />);
    const modeOf = (id: number) => container.querySelector(`#item-${id} .tag`)?.textContent;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(modeOf)).toEqual(['全程网办', '代收代办', '全程网办', '全程网办', '全程网办', '全程网办', '两地联办', '代收代办']);
    expect(screen.getByText('缴存贷款信息查询')).toBeTruthy();
    expect(screen.getByText('贷款还清证明')).toBeTruthy();
  });

  it('says my center is not chosen yet when none is stored', () => {
    const { container } = render(<Home />);
    showPage();
    expect(container.querySelector('#my-center')?.textContent).toContain('尚未选择');
  });

  it('shows the stored center with its name and phone once the page is shown', () => {
    Taro.setStorageSync('my-center', { code: '321000', name: '扬州市住房公积金管理中心', province: '江苏省', city: '扬州市', phone: '0514-12329' });
    const { container } = render(<Home />);
    showPage();
    const mine = within(container.querySelector<HTMLElement>('#my-center')!);
    expect(mine.getByText('扬州市住房公积金管理中心')).toBeTruthy();
    expect(mine.getByText('0514-12329')).toBeTruthy();
    expect(mine.queryByText(/尚未选择/)).toBeNull();
  });
});
