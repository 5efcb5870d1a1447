import { readdirSync } from 'node:fs';
import { configureDomains } from '../support/business-domains';
import { openInProcessCloud, type InProcessCloud } from './support/in-process-cloud';
import { bootWeapp, DIST_WEAPP, tap, textOf, waitForText, wxssMatches, wxssRules, type PageHandle, type Weapp } from './support/weapp';

const YANGZHOU = { code: '321000', name: '扬州市住房公积金管理中心', province: '江苏省', city: '扬州市', phone: '0514-12329' };

let cloud: InProcessCloud;
let weapp: Weapp;

beforeAll(async () => {
  // my center's channels, which the grid's tags follow: item 1 online at a working page, no channel for the others
  cloud = await openInProcessCloud(async (store) => {
    await store.links.put(YANGZHOU.code, { item: 1, kind: 'web', url: `https://hall.example.cn/${YANGZHOU.code}/1`, healthy: true });
    await configureDomains(store, 'https://hall.example.cn/');
    await store.centers.setLive(YANGZHOU.code, true);
  });
  weapp = bootWeapp(cloud.wxCloud);
}, 60_000);

afterAll(() => cloud?.close());

beforeEach(() => {
  weapp.storage.clear();
  weapp.wx.navigateTo.mockClear();
  weapp.wx.switchTab.mockClear();
});

async function openHome(): Promise<PageHandle> {
  const home = weapp.open('pages/index/index');
  await waitForText(home, '跨省通办事项');
  return home;
}

/** The tag of each of the eight items, '' where it has none. */
const tagsOf = (home: PageHandle) => [1, 2, 3, 4, 5, 6, 7, 8].map((item) => textOf(home.querySelector(`#item-${item} .tag`)));

describe('home page of the WeChat build', () => {
  it('shows the eight items; without my center only the modes that do not depend on a center are tagged', async () => {
    const home = await openHome();

    expect(home.querySelectorAll('.item-cell .item-name').map(textOf)).toEqual([
      '缴存贷款信息查询', '缴存使用证明', '退休提取', '单位登记开户', '缴存信息变更', '提前还清贷款', '购房提取', '贷款还清证明',
    ]);
    expect(tagsOf(home)).toEqual(['', '代收代办', '', '', '', '', '两地联办', '代收代办']);
  });

  it('tags each item with how my center handles it once my center is stored', async () => {
    weapp.storage.set('my-center', YANGZHOU);
    const home = await openHome();
    await waitForText(home, '柜台办理'); // my center's channels arrive after the first render

    expect(cloud.calls).toContainEqual({ name: 'centers', data: { action: 'get', code: YANGZHOU.code } });
    expect(tagsOf(home)).toEqual(['全程网办', '代收代办', '柜台办理', '柜台办理', '柜台办理', '柜台办理', '两地联办', '代收代办']);
  });

  it.each([1, 2, 7, 8])('opens the item page when item %i is tapped', async (item) => {
    const home = await openHome();

    await tap(home, `#item-${item}`);

    expect(weapp.wx.navigateTo).toHaveBeenCalledTimes(1);
    expect(weapp.wx.navigateTo.mock.calls[0][0].url).toBe(`/pages/item/index?item=${item}`);
  });

  it.each([
    ['#go-applications', '/pages/applications/index'],
    ['#go-mine', '/pages/mine/index'],
  ])('reaches the tab bar page behind %s with switchTab, which WeChat requires', async (link, url) => {
    const home = await openHome();

    await tap(home, link);

    expect(weapp.wx.switchTab).toHaveBeenCalledTimes(1);
    expect(weapp.wx.switchTab.mock.calls[0][0].url).toBe(url);
    expect(weapp.wx.navigateTo).not.toHaveBeenCalled();
  });

  it('shows the 我的中心 card, inviting a choice when none is stored', async () => {
    const home = await openHome();

    const card = textOf(home.querySelector('#my-center'));
    expect(card).toContain('我的中心');
    expect(card).toContain('尚未选择');
  });

  it('shows the stored center in the 我的中心 card and opens it when tapped', async () => {
    weapp.storage.set('my-center', YANGZHOU);
    const home = await openHome();
    await waitForText(home, '扬州市住房公积金管理中心'); // read from storage on show, after the first render

    const card = textOf(home.querySelector('#my-center'));
    expect(card).toContain('我的中心');
    expect(card).toContain('扬州市住房公积金管理中心');
    expect(card).toContain('0514-12329');
    expect(card).not.toContain('尚未选择');

    await tap(home, '#my-center .my-center-name');
    expect(weapp.wx.navigateTo).toHaveBeenCalledTimes(1);
    expect(weapp.wx.navigateTo.mock.calls[0][0].url).toBe('/pages/center/index?code=321000');
  });
});

describe('长辈版 home of the WeChat build', () => {
  async function openElderHome(): Promise<PageHandle> {
    weapp.storage.set('elder-mode', true);
    const home = weapp.open('pages/index/index');
    await waitForText(home, '办理进度');
    return home;
  }

  /** The values of the `prop` declarations of the build's rules that apply to `element`: app.wxss and the page's. */
  function declared(element: Element, prop: string, { important }: { important: boolean }): string[] {
    return [...wxssRules('app.wxss'), ...wxssRules('pages/index/index.wxss')]
      .filter((rule) => rule.selectors.some((selector) => wxssMatches(element, selector)))
      .flatMap((rule) => rule.declarations.filter((d) => d.prop === prop && (d.important || !important)))
      .map((d) => d.value);
  }
  /** A length in rpx as a number; NaN for any other unit. */
  const rpx = (value: string) => (/^[\d.]+rpx$/.test(value) ? Number.parseFloat(value) : Number.NaN);

  it('shows the frequent entries only, the tab bar pages reached with switchTab', async () => {
    const home = await openElderHome();

    expect(home.querySelectorAll('.elder-home-cell .elder-home-cell-name').map(textOf)).toEqual(['转移接续', '办理进度', '缴存查询', '退休提取', '找我的中心', '我的']);
    expect(textOf(home)).not.toContain('跨省通办事项'); // the eight items' grid

    await tap(home, '#elder-go-applications');
    await tap(home, '#elder-go-mine');
    await tap(home, '#elder-go-transfer');

    expect(weapp.wx.switchTab.mock.calls.map(([options]) => options.url)).toEqual(['/pages/applications/index', '/pages/mine/index']);
    expect(weapp.wx.navigateTo.mock.calls.map(([options]) => options.url)).toEqual(['/pages/transfer/index']);
  });

  it("sets every word of the page at 18 pt (36rpx) or more with line height 1.3 or more, by the build's WXSS", async () => {
    const home = await openElderHome();
    const root = home.dom;
    if (!root) throw new Error('the page rendered nothing');
    const worded = Array.from(root.querySelectorAll('*')).filter((element) => Array.from(element.childNodes).some((n) => n.nodeType === n.TEXT_NODE && n.textContent?.trim()));
    expect(worded.length).toBeGreaterThan(10);

    // every !important size that applies is large enough (the page's own smaller sizes give way to them)
    const small = worded.flatMap((element) => {
      const sizes = declared(element, 'font-size', { important: true });
      const lines = declared(element, 'line-height', { important: true });
      const large = sizes.length > 0 && sizes.every((size) => rpx(size) >= 36) && lines.length > 0 && lines.every((line) => Number(line) >= 1.3);
      return large ? [] : [`${element.textContent}: font-size ${sizes.join()} line-height ${lines.join()}`];
    });
    expect(small).toEqual([]);
  });

  it("makes every button and entry a target of 60 pt (120rpx) or more, by the build's WXSS", async () => {
    const home = await openElderHome();
    const root = home.dom;
    if (!root) throw new Error('the page rendered nothing');
    // as rendered: a class `x` of the page is `page--x` here
    const targets = Array.from(root.querySelectorAll('wx-button, .page--elder-home-cell, .page--privacy-footer-link'));
    expect(targets.map((target) => target.textContent)).toEqual(['标准版', '长辈版', '转转移接续', '进办理进度', '查缴存查询', '退退休提取', '找找我的中心', '我我的', '隐私政策']);

    const small = targets.flatMap((element) => {
      const heights = declared(element, 'min-height', { important: false }).map(rpx);
      return heights.some((height) => height >= 120) ? [] : [`${element.textContent}: min-height ${heights.join()}`];
    });
    expect(small).toEqual([]);
  });
});

describe("the WeChat build's styles", () => {
  it('use only selectors WXSS accepts: no universal selector and no tag of the H5 components', () => {
    const files = readdirSync(DIST_WEAPP, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.wxss'));
    expect(files).toContain('app-origin.wxss');

    const refused = files.flatMap((file) => wxssRules(file).flatMap((rule) => rule.selectors.filter((s) => s.includes('*') || /taro-[a-z-]+-core/.test(s)).map((s) => `${file}: ${s}`)));
    expect(refused).toEqual([]);
  });
});
