import { randomBytes } from 'node:crypto';
import type { ApplicationType } from '../../src/core/applications/status';
import type { WorkbenchView } from '../../src/core/applications/views';
import { shanghaiDate } from '../../src/core/time';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as workbench } from '../../cloudfunctions/workbench';
import { TEST_JPEG } from '../../cloudfunctions/_lib/centers/conformance';
import { sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { pdfOf } from '../support/files';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

jest.setTimeout(60_000);

/**
 * What the workbench view tells a center's staff beside the moves allowed now: whether their center answers for
 * the application, and what completing needs (the certificate, or what was paid), so the page renders from it.
 */
const YANGZHOU = '321000'; // transfer-in, business-locale, purchase-locale and service center in these cases
const BEIJING = '110000'; // transfer-out, accepting and deposit-locale center
const PHONE = '13912345678';
const TODAY_PAID = { amount: 100_000, paidOn: shanghaiDate(new Date()) };

let store: Store;
const outside = testOutside();
const supervisor: Caller = { openid: 'sup-wb', roles: [{ role: 'supervisor' }] };
const staffOf = (centerCode: string): Caller => ({ openid: `staff-wb-${centerCode}`, roles: [{ role: 'center-staff', centerCode }] });
const asAdmin = (event: unknown) => admin.handle(event, contextFor(store, supervisor, new Date(), outside));

beforeAll(async () => {
  store = await catalogStore();
  for (const centerCode of [YANGZHOU, BEIJING]) {
    expect(await asAdmin({ action: 'setManual', centerCode })).toMatchObject({ ok: true });
    // staff use the workbench only with a verified identity of their own
    await verifiedPerson(store, outside, staffOf(centerCode).openid, new Date());
  }
  expect(await asAdmin({ action: 'setCounter', centerCode: YANGZHOU, address: '扬州市某区某路 1 号 公积金服务大厅', hours: '工作日 9:00-17:00' })).toMatchObject({ ok: true });
  expect(await asAdmin({ action: 'setItemRoute', centerCode: YANGZHOU, item: 5, route: 'in-app' })).toMatchObject({ ok: true });
});
afterAll(() => store.close());

const upload = (bytes: Buffer) => outside.files().put(`uploads/${randomBytes(12).toString('hex')}`, bytes, 'application/octet-stream');

/** Each purchase its own contract: one used before by another person is held until staff check it (contract-hold.ts). */
let contracts = 0;
async function payloadOf(type: ApplicationType): Promise<Record<string, unknown>> {
  switch (type) {
    case 'transfer':
      return { transferOutCenter: BEIJING, transferInCenter: YANGZHOU, formerEmployer: '北京某某科技有限公司', newEmployer: '扬州某某制造有限公司', newAccount: '3210098765', phone: PHONE };
    case 'certificate-loan-cleared':
    case 'certificate-deposit-use':
      return { businessCenter: YANGZHOU, acceptingCenter: BEIJING, phone: PHONE };
    case 'purchase-withdrawal':
      return {
        purchaseCenter: YANGZHOU,
        depositCenter: BEIJING,
        house: { address: '江苏省扬州市邗江区文昌西路 1 号 2 幢 301 室', contractNumber: `YZ2026-${String(++contracts).padStart(6, '0')}`, purchaseDate: '2026-10-08', price: 1_280_000, area: 98.5, seller: '扬州某房地产开发有限公司' },
        bank: { accountName: '张三', bankName: '中国建设银行扬州分行', accountNumber: '6217001234567890123' },
        amount: 150_000,
        phone: PHONE,
        attachments: [
          { kind: 'contract', fileId: await upload(pdfOf('Purchase contract')), name: '购房合同.pdf' },
          { kind: 'invoice', fileId: await upload(TEST_JPEG), name: '发票.jpg' },
        ],
      };
    case 'service-request':
      return { center: YANGZHOU, item: 5, phone: PHONE, description: '单位名称变更，需同步变更缴存信息' };
  }
}

let serial = 0;
/** A verified person submits an application of `type`; its responsible center's staff then make `moves` in the workbench. */
async function moved(type: ApplicationType, moves: readonly string[]): Promise<string> {
  const openid = `wb-${++serial}`;
  await verifiedPerson(store, outside, openid, new Date());
  const submitted = await applications.handle(
    { action: 'submit', type, requestId: `req-wb-${serial}`, payload: await payloadOf(type) },
    contextFor(store, { openid, roles: [] }, new Date(), outside),
  );
  if (!submitted.ok) throw new Error(`submit ${type}: ${submitted.message}`);
  const { id } = submitted.data as { id: string };
  for (const move of moves) {
    const app = await store.applications.get(id);
    const event = move === 'reject' ? { action: 'reject', id, reason: '不符合办理条件' } : type === 'transfer' ? { action: 'advance', id, code: move } : { action: 'setStatus', id, status: move };
    const result = await bench(app!.responsibleCenter, event);
    if (!result.ok) throw new Error(`${move}: ${result.message}`);
  }
  return id;
}

const bench = (centerCode: string, event: unknown) => workbench.handle(event, contextFor(store, staffOf(centerCode), new Date(), outside));
async function viewOf(centerCode: string, id: string): Promise<WorkbenchView> {
  const got = await bench(centerCode, { action: 'get', id });
  if (!got.ok) throw new Error(got.message);
  return got.data as WorkbenchView;
}

type Seen = Pick<WorkbenchView, 'responsible' | 'nextCodes' | 'nextStatuses' | 'completionNeeds' | 'canReject'>;

describe('the workbench view', () => {
  it.each<[ApplicationType, readonly string[], string, Seen]>([
    ['transfer', [], YANGZHOU, { responsible: true, nextCodes: ['01', '05', '40'], nextStatuses: [], completionNeeds: null, canReject: true }],
    ['transfer', ['01', '02'], YANGZHOU, { responsible: true, nextCodes: ['08', '06', '13', '00', '40'], nextStatuses: [], completionNeeds: null, canReject: false }],
    ['transfer', [], BEIJING, { responsible: false, nextCodes: [], nextStatuses: [], completionNeeds: null, canReject: false }],
    ['transfer', ['reject'], YANGZHOU, { responsible: false, nextCodes: [], nextStatuses: [], completionNeeds: null, canReject: false }],
    ['certificate-loan-cleared', [], YANGZHOU, { responsible: true, nextCodes: [], nextStatuses: ['accepted', 'failed'], completionNeeds: null, canReject: true }],
    ['certificate-loan-cleared', ['accepted'], YANGZHOU, { responsible: true, nextCodes: [], nextStatuses: ['processing', 'completed', 'failed'], completionNeeds: 'certificate', canReject: false }],
    ['certificate-deposit-use', ['accepted', 'processing'], YANGZHOU, { responsible: true, nextCodes: [], nextStatuses: ['completed', 'failed'], completionNeeds: 'certificate', canReject: false }],
    ['certificate-deposit-use', ['accepted'], BEIJING, { responsible: false, nextCodes: [], nextStatuses: [], completionNeeds: null, canReject: false }],
    ['purchase-withdrawal', ['accepted'], YANGZHOU, { responsible: true, nextCodes: [], nextStatuses: ['verified', 'failed'], completionNeeds: null, canReject: false }],
    ['purchase-withdrawal', ['accepted', 'verified'], YANGZHOU, { responsible: false, nextCodes: [], nextStatuses: [], completionNeeds: null, canReject: false }],
    ['purchase-withdrawal', ['accepted', 'verified'], BEIJING, { responsible: true, nextCodes: [], nextStatuses: ['processing', 'completed', 'failed'], completionNeeds: 'payment', canReject: false }],
    ['service-request', ['accepted'], YANGZHOU, { responsible: true, nextCodes: [], nextStatuses: ['processing', 'completed', 'failed'], completionNeeds: null, canReject: false }],
    ['service-request', ['failed'], YANGZHOU, { responsible: false, nextCodes: [], nextStatuses: [], completionNeeds: null, canReject: false }],
  ])('of a %s after %j, seen by %s, says whether that center answers for it and what completing needs', async (type, moves, centerCode, seen) => {
    const id = await moved(type, moves);
    const view = await viewOf(centerCode, id);
    expect({ responsible: view.responsible, nextCodes: view.nextCodes, nextStatuses: view.nextStatuses, completionNeeds: view.completionNeeds, canReject: view.canReject }).toEqual(seen);
  });

  it.each<[ApplicationType, readonly string[], string, string]>([
    ['certificate-loan-cleared', ['accepted'], YANGZHOU, 'document'],
    ['purchase-withdrawal', ['accepted', 'verified'], BEIJING, 'payment'],
  ])('refuses to complete a %s without what its view says completing needs, naming that field', async (type, moves, centerCode, field) => {
    const id = await moved(type, moves);
    expect(await bench(centerCode, { action: 'setStatus', id, status: 'completed' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { [field]: expect.any(String) } });
    expect((await store.applications.get(id))?.status).not.toBe('completed');
  });

  it('completes a service request, whose view says completing needs nothing, with the note alone', async () => {
    const id = await moved('service-request', ['accepted']);
    expect(await bench(YANGZHOU, { action: 'setStatus', id, status: 'completed' })).toMatchObject({ ok: true, data: { status: 'completed', responsible: false, completionNeeds: null } });
  });

  it('completes a purchase withdrawal with the payment it needs, after which no center answers for it', async () => {
    const id = await moved('purchase-withdrawal', ['accepted', 'verified']);
    const completed = await bench(BEIJING, { action: 'setStatus', id, status: 'completed', payment: TODAY_PAID });
    expect(completed).toMatchObject({ ok: true, data: { status: 'completed', payment: TODAY_PAID, responsible: false, nextStatuses: [], completionNeeds: null } });
  });

  it('opens the sealed form once when completing a purchase withdrawal with its payment', async () => {
    const id = await moved('purchase-withdrawal', ['accepted', 'verified']);
    // every opening of the form names its binding
    const opened = jest.spyOn(sealedAs, 'payload');
    try {
      expect(await bench(BEIJING, { action: 'setStatus', id, status: 'completed', payment: TODAY_PAID })).toMatchObject({ ok: true, data: { status: 'completed' } });
      expect(opened).toHaveBeenCalledTimes(1);
    } finally {
      opened.mockRestore();
    }
  });

  it('judges the payment date against the day of the call, not the clock of the machine it runs on', async () => {
    const id = await moved('purchase-withdrawal', ['accepted', 'verified']);
    const callDay = new Date(Date.now() + 2 * 86_400_000);
    const payment = { amount: 100_000, paidOn: shanghaiDate(callDay) };
    const event = { action: 'setStatus', id, status: 'completed', payment };
    expect(await bench(BEIJING, event)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { 'payment.paidOn': '支付日期不能晚于今天' } });
    expect(await workbench.handle(event, contextFor(store, staffOf(BEIJING), callDay, outside))).toMatchObject({ ok: true, data: { status: 'completed', payment } });
  });
});
