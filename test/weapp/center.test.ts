import { configureDomains } from '../support/business-domains';
import { openInProcessCloud, type InProcessCloud } from './support/in-process-cloud';
import { bootWeapp, tap, textOf, waitForText, type Weapp } from './support/weapp';

const YANGZHOU = '321000';

let cloud: InProcessCloud;
let weapp: Weapp;

beforeAll(async () => {
  cloud = await openInProcessCloud(async (store) => {
    await store.links.put(YANGZHOU, { item: 1, kind: 'web', url: `https://hall.example.cn/${YANGZHOU}/1`, healthy: true });
    await configureDomains(store, 'https://hall.example.cn/');
    await store.centers.setLive(YANGZHOU, true);
  });
  weapp = bootWeapp(cloud.wxCloud);
}, 60_000);

afterAll(() => cloud?.close());

describe('center page of the WeChat build', () => {
  it('shows the center the centers function returns, with its phone and the channel of each item', async () => {
    const page = weapp.open('pages/center/index', { code: YANGZHOU });
    await waitForText(page, '扬州市住房公积金管理中心');

    expect(cloud.calls).toContainEqual({ name: 'centers', data: { action: 'get', code: YANGZHOU } });
    expect(textOf(page.querySelector('#center-name'))).toBe('扬州市住房公积金管理中心');
    expect(textOf(page.querySelector('#center-phone'))).toContain('0514-12329');
    expect(textOf(page.querySelector('#center-item-1 .center-item-status'))).toContain('在线办理');
    // no link registered for item 3, though it is an online item
    expect(textOf(page.querySelector('#center-item-3 .center-item-status'))).toContain('暂未开通在线办理');
  });

  it('calls the service phone, digits only, when the phone is tapped', async () => {
    const page = weapp.open('pages/center/index', { code: YANGZHOU });
    await waitForText(page, '0514-12329');
    weapp.wx.makePhoneCall.mockClear();

    await tap(page, '#center-phone');

    expect(weapp.wx.makePhoneCall).toHaveBeenCalledTimes(1);
    expect(weapp.wx.makePhoneCall.mock.calls[0][0].phoneNumber).toBe('051412329');
  });

  it('says the center was not found for an unknown code', async () => {
    const page = weapp.open('pages/center/index', { code: '999999' });
    await waitForText(page, '未找到');

    expect(textOf(page.querySelector('.state-error'))).toContain('未找到代码为 999999 的住房公积金管理中心');
    expect(textOf(page)).not.toContain('服务热线');
  });
});
