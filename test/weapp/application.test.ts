import { handler as applications } from '../../cloudfunctions/applications';
import { createLogger } from '../../cloudfunctions/_lib/log';
import { verifiedPerson } from '../support/people';
import { openInProcessCloud, WEAPP_OPENID, type InProcessCloud } from './support/in-process-cloud';
import { bootWeapp, tap, textOf, waitForText, type Weapp } from './support/weapp';

let cloud: InProcessCloud;
let weapp: Weapp;
let id: string;
let docNumber: string;

beforeAll(async () => {
  cloud = await openInProcessCloud(async (store, outside) => {
    docNumber = await verifiedPerson(store, outside, WEAPP_OPENID, new Date());
    const submitted = await applications.handle(
      {
        action: 'submit',
        type: 'transfer',
        requestId: 'weapp-request-1',
        payload: { transferOutCenter: '110000', transferInCenter: '321000', formerEmployer: '北京某某科技有限公司', newEmployer: '扬州某某制造有限公司', newAccount: '3210098765', phone: '13912345678' },
      },
      { caller: { openid: WEAPP_OPENID, roles: [] }, trigger: 'call', store, log: createLogger({ level: 'silent' }), now: () => new Date(), outside },
    );
    if (!submitted.ok) throw new Error(submitted.message);
    id = (submitted.data as { id: string }).id;
  });
  weapp = bootWeapp(cloud.wxCloud);
}, 60_000);

afterAll(() => cloud?.close());

describe('application detail in the WeChat build', () => {
  it('shows the status, the steps, the deadline and the timeline from the applications function, with personal data masked', async () => {
    const page = weapp.open('pages/application/index', { id });
    await waitForText(page, '已送达中心');

    expect(cloud.calls).toContainEqual({ name: 'applications', data: { action: 'get', id } });
    expect(textOf(page.querySelector('#application-step'))).toContain('送达中心');
    expect(textOf(page.querySelector('#application-letter'))).toMatch(/321000\d{10}/);
    expect(textOf(page.querySelector('#application-accept-by'))).toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(textOf(page.querySelector('#application-timeline'))).toContain('向扬州市住房公积金管理中心提交转移接续申请');
    expect(textOf(page.querySelector('#application-summary'))).toContain('139****5678');
    const text = textOf(page);
    for (const secret of [docNumber, '13912345678', '3210098765']) expect(text).not.toContain(secret);
  });

  it('withdraws the application when the employee taps 撤销申请 and confirms, and offers it no more', async () => {
    const page = weapp.open('pages/application/index', { id });
    await waitForText(page, '撤销申请');

    await tap(page, '#application-withdraw'); // miniprogram-simulate's wx.showModal answers confirm
    await waitForText(page, /当前环节：\s*已撤销/);

    expect(cloud.calls).toContainEqual({ name: 'applications', data: { action: 'withdraw', id } });
    expect(textOf(page.querySelector('#application-status-label'))).toContain('已撤销');
    expect(page.querySelector('#application-withdraw')).toBeFalsy();
    expect((await cloud.store.applications.get(id))?.status).toBe('withdrawn');
  });
});
