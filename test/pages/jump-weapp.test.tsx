import { act, render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ok } from '../../src/core/errors';
import { resolveJump } from '../../src/core/jump';
import CenterPage from '../../src/pages/center';
import ItemPage from '../../src/pages/item';
import { click, textOf } from './support/interact';
import { yangzhou } from './support/yangzhou';
import { findElement, openWith } from './support/page';

/*
 * The center's own mini-program offered for a web link whose domain is not a business domain, as built for WeChat
 * (the platform module says weapp): our confirmation naming the item, then navigateToMiniProgram; declined, the link
 * to copy with the center's phone. The functions are answered here, the jump by the app's own resolveJump.
 */
jest.mock('../../src/services/platform', () => ({ isWeapp: true, isH5: false }));

const HALL = 'https://wsbs.yzgjj.example.cn/query';
const CENTER = yangzhou([
  { item: 1, kind: 'web', url: HALL, healthy: true },
  { item: 5, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/change/index', healthy: true },
]);

jest.mock('../../src/services/cloud', () => ({
  ...jest.requireActual<object>('../../src/services/cloud'),
  callFunction: async (name: string, event: { action: string; item?: number }) => {
    if (name === 'centers' && event.action === 'get') return ok({ center: CENTER });
    if (name === 'centers' && event.action === 'jump') {
      const { code, name: centerName, province, city, phone, live } = CENTER;
      return ok({ target: resolveJump(CENTER, CENTER.links, event.item === 1 ? 1 : 3, new Set()), center: { code, name: centerName, province, city, phone, live }, counter: '' });
    }
    return { ok: false, code: 'VALIDATION_FAILED', message: '不支持的操作' };
  },
}));

const answer = (confirm: boolean) => jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm, cancel: !confirm, errMsg: 'showModal:ok' });

async function tapQuery(): Promise<HTMLElement> {
  openWith({ code: CENTER.code });
  const { container } = render(<CenterPage />);
  await click(container, '#center-item-1');
  return container;
}

afterEach(() => jest.restoreAllMocks());

describe('the center’s own mini-program offered instead of its web link (in WeChat)', () => {
  it('names the item to look for in our confirmation, and on 前往 opens the center’s mini-program at its home page', async () => {
    const modal = answer(true);
    const navigate = jest.spyOn(Taro, 'navigateToMiniProgram').mockResolvedValue({ errMsg: 'navigateToMiniProgram:ok' });
    const container = await tapQuery();
    // the page settles once the jump's answer is back
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(modal).toHaveBeenCalledTimes(1);
    expect(modal.mock.calls[0]?.[0]?.content).toBe('该中心的网上办事大厅暂不能在本小程序内打开，将为您打开该中心的微信小程序，请在其中找到“缴存贷款信息查询”办理。');
    expect(navigate).toHaveBeenCalledWith({ appId: 'wx0123456789abcdef', path: '' });
    expect(container.querySelector('#copy-link')).toBeNull();
  });

  it('declined, opens nothing and offers the hall’s link to copy with the center’s phone, on the center page and on the item page', async () => {
    answer(false);
    const navigate = jest.spyOn(Taro, 'navigateToMiniProgram');
    const navigateTo = jest.spyOn(Taro, 'navigateTo');
    const container = await tapQuery();
    await findElement(container, '#copy-link');
    expect(textOf(container, '#copy-link-url')).toBe(HALL);
    expect(textOf(container, '#copy-link-item')).toBe('个人住房公积金缴存贷款等信息查询');
    expect(textOf(container, '#copy-link-message')).toContain('0514-12329');
    expect(textOf(container, '#copy-link-call')).toContain('0514-12329');

    openWith({ item: '1', code: CENTER.code });
    const item = render(<ItemPage />).container;
    await click(item, '#item-go');
    await findElement(item, '#copy-link');
    expect(textOf(item, '#copy-link-url')).toBe(HALL);
    expect(navigate).not.toHaveBeenCalled();
    expect(navigateTo).not.toHaveBeenCalled();
  });
});
