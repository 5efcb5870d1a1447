import { fireEvent, render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import CenterPage from '../../src/pages/center';
import { useLocalHost } from './support/local-host';
import { myCenter } from '../../src/services/my-center';
import { sentBodies } from './support/calls';
import { click } from './support/interact';
import { findElement, openWith, SERVER_ANSWER_MS } from './support/page';

const host = useLocalHost();

/** Opens the center page for a code and waits until the server has answered (the center or an error). */
async function openCenter(code: string): Promise<HTMLElement> {
  openWith({ code });
  const { container } = render(<CenterPage />);
  await findElement(container, '#center-name, .state-error');
  return container;
}

afterEach(() => jest.restoreAllMocks());

describe('center page', () => {
  it('shows the center with its service phone and item 1 online', async () => {
    const container = await openCenter('321000');
    expect(container.querySelector('#center-name')?.textContent).toBe('扬州市住房公积金管理中心');
    expect(container.querySelector('#center-phone')?.textContent).toContain('0514-12329');
    expect(container.querySelector('#center-item-1')?.textContent).toContain('在线办理');
  });

  it('shows an error naming the missing center for an unknown code', async () => {
    const container = await openCenter('999999');
    expect(container.querySelector('.state-error')?.textContent).toContain('未找到');
    expect(container.querySelector('#center-name')).toBeNull();
  });

  it('shows the fallback card with the phone when the link of item 1 is unhealthy', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo');
    const container = await openCenter('320300');
    expect(container.querySelector('.fallback-card')).toBeNull();
    fireEvent.click(await findElement(container, '#center-item-1'));
    const card = await findElement(container, '.fallback-card');
    expect(card.textContent).toContain('暂时无法访问');
    expect(card.querySelector('.phone')?.textContent).toBe('0516-12329');
    expect(navigateTo).not.toHaveBeenCalled();
  });

  it('opens the center hall of item 1 in the web-view page when the link is healthy', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openCenter('321000');
    fireEvent.click(await findElement(container, '#center-item-1'));
    await waitFor(() => expect(navigateTo).toHaveBeenCalledTimes(1), { timeout: SERVER_ANSWER_MS });
    const [page, query] = navigateTo.mock.calls[0][0].url.split('?url=');
    expect(page).toBe('/pages/webview/index');
    expect(decodeURIComponent(query)).toBe(`${host().simOrigin}/hall/321000/1`);
    expect(container.querySelector('.fallback-card')).toBeNull();
  });

  describe('opened from a mini-program code (its scene)', () => {
    beforeEach(() => Taro.clearStorageSync());

    /** Opens the center page as WeChat does for a code: the scene URL-encoded in the page's options. */
    async function scanned(scene: string): Promise<{ container: HTMLElement; fetchSpy: jest.SpyInstance }> {
      const fetchSpy = jest.spyOn(globalThis, 'fetch');
      openWith({ scene });
      const { container } = render(<CenterPage />);
      await findElement(container, '#center-name, .state-error');
      return { container, fetchSpy };
    }

    it('shows the center of a poster’s scene, counts the scan, and offers 设为我的中心 first', async () => {
      const { container, fetchSpy } = await scanned('c%3D321000');
      expect(container.querySelector('#center-name')?.textContent).toBe('扬州市住房公积金管理中心');
      await waitFor(() => expect(sentBodies(fetchSpy)).toContainEqual({ action: 'scanned', code: '321000' }), { timeout: SERVER_ANSWER_MS });
      expect(container.querySelector('#center-poster')?.textContent).toContain('您扫描的是扬州市住房公积金管理中心的小程序码');
      expect(container.querySelector('.center-mine')).toBeNull();
      await click(container, '#center-poster-mine');
      await waitFor(() => expect(container.querySelector('#center-poster')).toBeNull());
      expect(myCenter()?.code).toBe('321000');
      expect(container.querySelector('.center-mine')?.textContent).toBe('我的中心');
    });

    it('shows no offer for a center that is already mine, and counts the scan all the same', async () => {
      await scanned('c%3D321000').then(async ({ container }) => click(container, '#center-poster-mine'));
      const { container, fetchSpy } = await scanned('c=321000');
      expect(container.querySelector('#center-poster')).toBeNull();
      await waitFor(() => expect(sentBodies(fetchSpy)).toContainEqual({ action: 'scanned', code: '321000' }), { timeout: SERVER_ANSWER_MS });
    });

    it('opens the home page for a malformed scene and the join page for an invite’s, asking nothing and showing no error meanwhile', async () => {
      for (const [scene, url] of [
        ['c%3D32100x', '/pages/index/index'],
        ['t%3DABCD2345', '/packages/trial/join/index?scene=t%3DABCD2345'],
      ]) {
        const reLaunch = jest.spyOn(Taro, 'reLaunch').mockResolvedValue({ errMsg: 'reLaunch:ok' });
        const fetchSpy = jest.spyOn(globalThis, 'fetch');
        openWith({ scene });
        const { container, unmount } = render(<CenterPage />);
        await waitFor(() => expect(reLaunch).toHaveBeenCalledWith({ url }));
        expect(fetchSpy).not.toHaveBeenCalled();
        expect(container.querySelector('.state-error')).toBeNull();
        unmount();
        jest.restoreAllMocks();
      }
    });
  });
});
