import { fireEvent, render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import Home from '../../src/pages/index';
import Mine from '../../src/pages/mine';
import SearchPage from '../../src/pages/search';

/** The pages Taro's router has stacked, as getCurrentPages answers them: the page shown is the last one. */
const stacked = (count: number) =>
  jest.spyOn(Taro, 'getCurrentPages').mockReturnValue(Array.from({ length: count }, () => ({ route: 'pages/search/index' }) as unknown as Taro.Page));

beforeEach(() => Taro.clearStorageSync());
afterEach(() => jest.restoreAllMocks());

describe('the page shell on H5', () => {
  it('shows the page title in a title bar with a back button that goes to the page before', () => {
    stacked(2);
    const back = jest.spyOn(Taro, 'navigateBack').mockResolvedValue({ errMsg: 'navigateBack:ok' });
    const { container } = render(<SearchPage />);
    expect(container.querySelector('#shell-title')?.textContent).toBe('搜索中心');
    fireEvent.click(container.querySelector('#shell-back')!);
    expect(back).toHaveBeenCalled();
  });

  it('offers 首页 instead of back on a page opened directly from a link', () => {
    stacked(1);
    const home = jest.spyOn(Taro, 'reLaunch').mockResolvedValue({ errMsg: 'reLaunch:ok' });
    const { container } = render(<SearchPage />);
    expect(container.querySelector('#shell-back')).toBeNull();
    expect(container.querySelector('#shell-home')?.textContent).toContain('首页');
    fireEvent.click(container.querySelector('#shell-home')!);
    expect(home).toHaveBeenCalledWith({ url: '/pages/index/index' });
  });

  it('has no back button on the tab bar pages, only their titles', () => {
    stacked(2);
    for (const [Page, title] of [[Home, '全国住房公积金'], [Mine, '我的']] as const) {
      const { container, unmount } = render(<Page />);
      expect(container.querySelector('#shell-title')?.textContent).toBe(title);
      expect(container.querySelector('#shell-back, #shell-home')).toBeNull();
      unmount();
    }
  });

  it('puts the 长辈版 class on the page when the person chose it, and not otherwise', () => {
    const { container, unmount } = render(<SearchPage />);
    expect(container.querySelector('.page-shell')?.classList.contains('elder-mode')).toBe(false);
    unmount();
    Taro.setStorageSync('elder-mode', true);
    const elder = render(<SearchPage />);
    expect(elder.container.querySelector('.page-shell')?.classList.contains('elder-mode')).toBe(true);
  });
});
