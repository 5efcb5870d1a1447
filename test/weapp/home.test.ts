import { bootWeapp, tap, textOf, waitForText, type PageHandle, type Weapp } from './support/weapp';

const YANGZHOU = { code: '321000', name: '扬州市住房公积金管理中心', province: '江苏省', city: '扬州市', phone: '0514-12329' };

let weapp: Weapp;

beforeAll(() => {
  weapp = bootWeapp();
});

beforeEach(() => {
  weapp.storage.clear();
  weapp.wx.navigateTo.mockClear();
});

async function openHome(): Promise<PageHandle> {
  const home = weapp.open('pages/index/index');
  await waitForText(home, '跨省通办事项');
  return home;
}

describe('home page of the WeChat build', () => {
  it('shows the eight items, each with its handling mode', async () => {
    const home = await openHome();

    expect(home.querySelectorAll('.item-cell .item-name').map(textOf)).toEqual([
      '缴存贷款信息查询', '缴存使用证明', '退休提取', '单位登记开户', '缴存信息变更', '提前还清贷款', '购房提取', '贷款还清证明',
    ]);
    const modes = home.querySelectorAll('.item-cell .tag').map(textOf);
    expect(modes).toEqual(['全程网办', '代收代办', '全程网办', '全程网办', '全程网办', '全程网办', '两地联办', '代收代办']);
    expect(modes.filter((mode) => mode === '全程网办')).toHaveLength(5);
    expect(modes.filter((mode) => mode === '代收代办')).toHaveLength(2);
    expect(modes.filter((mode) => mode === '两地联办')).toHaveLength(1);
  });

  it.each([1, 2, 7, 8])('opens the item page when item %i is tapped', async (item) => {
    const home = await openHome();

    await tap(home, `#item-${item}`);

    expect(weapp.wx.navigateTo).toHaveBeenCalledTimes(1);
    expect(weapp.wx.navigateTo.mock.calls[0][0].url).toBe(`/pages/item/index?item=${item}`);
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
