import type { StoredPayload } from '../../src/core/applications/payloads';
import { openPayload, sealPayload } from '../../cloudfunctions/_lib/applications/payload';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { testOutside } from '../support/function-context';

/** The sealed application form has one owner: sealed whole, read back through its type's schema, keyed on the type. */
const keyring = testOutside().keyring();
const PHONE = '13912345678';
const FORMS: StoredPayload[] = [
  {
    type: 'transfer',
    payload: { transferOutCenter: '110000', transferInCenter: '321000', formerEmployer: '北京某某科技有限公司', newEmployer: '扬州某某制造有限公司', newAccount: '3210098765', phone: PHONE },
  },
  { type: 'certificate-loan-cleared', payload: { businessCenter: '110000', acceptingCenter: '321000', phone: PHONE } },
  {
    type: 'purchase-withdrawal',
    payload: {
      purchaseCenter: '321000',
      depositCenter: '110000',
      house: { address: '扬州市广陵区文昌中路 1 号', contractNumber: 'YZ-2026-0001', purchaseDate: '2026-10-08', price: 1_200_000, area: 89.5, seller: '扬州某某房地产开发有限公司' },
      bank: { accountName: '张三', bankName: '中国建设银行扬州分行', accountNumber: '6217000000000000123' },
      amount: 200_000,
      phone: PHONE,
      attachments: [
        { id: 'a'.repeat(20), kind: 'contract', name: '购房合同.pdf', contentType: 'application/pdf', sha256: 'f'.repeat(64), size: 1000, storageKey: 'attachments/app/a' },
        { id: 'b'.repeat(20), kind: 'invoice', name: '购房发票.jpg', contentType: 'image/jpeg', sha256: 'e'.repeat(64), size: 2000, storageKey: 'attachments/app/b' },
      ],
    },
  },
  { type: 'service-request', payload: { center: '321000', item: 5, phone: PHONE, description: '申请办理提前还清住房公积金贷款' } },
];

describe('the sealed application form', () => {
  it.each(FORMS.map((form, i) => [form.type, form, `appform${i}`] as const))('reads a %s back as sealed, keyed on its type', (_type, form, id) => {
    expect(openPayload(keyring, { id, type: form.type, payloadSealed: sealPayload(keyring, id, form.payload) })).toEqual(form);
  });

  it('refuses a form that does not read as its application’s type, naming the fields but none of the values', () => {
    const transfer = FORMS[0];
    const app = { id: 'appmismatch000000000', type: 'purchase-withdrawal' as const, payloadSealed: sealPayload(keyring, 'appmismatch000000000', transfer.payload) };
    expect(() => openPayload(keyring, app)).toThrow(/appmismatch000000000 does not read as a purchase-withdrawal: .*house/);
    expect(() => openPayload(keyring, app)).not.toThrow(new RegExp(PHONE));
  });

  it('opens a stored purchase withdrawal whose purchase date is after today by the reading clock, as submission rules are not checked again', () => {
    const purchase = FORMS[2];
    if (purchase.type !== 'purchase-withdrawal') throw new Error('FORMS[2] is the purchase withdrawal');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const form: StoredPayload = { type: 'purchase-withdrawal', payload: { ...purchase.payload, house: { ...purchase.payload.house, purchaseDate: tomorrow } } };
    const id = 'appfuturedate0000000';
    expect(openPayload(keyring, { id, type: form.type, payloadSealed: sealPayload(keyring, id, form.payload) })).toEqual(form);
  });

  it('opens a stored transfer that a tightened rule would refuse now (same centers, a short employer name)', () => {
    const form: StoredPayload = { type: 'transfer', payload: { transferOutCenter: '110000', transferInCenter: '110000', formerEmployer: '甲', newEmployer: '乙', newAccount: '12', phone: PHONE } };
    const id = 'appoldrules000000000';
    expect(openPayload(keyring, { id, type: form.type, payloadSealed: sealPayload(keyring, id, form.payload) })).toEqual(form);
  });

  it('still refuses a stored form whose field has the wrong type', () => {
    const id = 'appwrongshape0000000';
    const payloadSealed = seal(keyring, sealedAs.payload(id), JSON.stringify({ businessCenter: '110000', acceptingCenter: 321000, phone: PHONE }));
    expect(() => openPayload(keyring, { id, type: 'certificate-loan-cleared', payloadSealed })).toThrow(/appwrongshape0000000 does not read as a certificate-loan-cleared: acceptingCenter/);
  });

  it('opens only under the application it was sealed for', () => {
    const sealed = sealPayload(keyring, 'appowner000000000000', FORMS[1].payload);
    expect(() => openPayload(keyring, { id: 'appother000000000000', type: 'certificate-loan-cleared', payloadSealed: sealed })).toThrow();
  });
});
