import type { CertificatePayload, StoredPurchaseWithdrawal, TransferPayload } from '../../../src/core/applications/payloads';
import { idCheckChar } from '../../../src/core/identity';

/**
 * Test cases' synthetic content, one for the conformance suite (issue 6) and the internal trial's test applications
 * (issue 15): nothing in them is a real person, employer, house or bank account, and each says so in its text.
 */

/**
 * The applicant of every test case (the conformance suite's, and the trial's test applications a tester sends a
 * center) is obviously fictitious: a 测试 name, a resident ID of the right form (a real region code, a
 * real birth date, sequence 999, the right check character), a phone number and accounts of test digits.
 */
export const TEST_NAME = '测试申请人';
const TEST_DOC_FIRST17 = '11010119900101999';
export const TEST_DOC_NUMBER = `${TEST_DOC_FIRST17}${idCheckChar(TEST_DOC_FIRST17)}`;
export const TEST_PHONE = '13800000000';

/**
 * The attachments of the test purchase withdrawal, complete files by their content (sniffAttachment): a one-page
 * PDF reading "Conformance test attachment / Not a real purchase contract" (made with tools/center-sim/pdf.ts),
 * and a 1×1 grey baseline JPEG written byte by byte.
 */
export const TEST_PDF = Buffer.from(
  'JVBERi0xLjQKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFszIDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCA1OTUgODQyXSAvUmVzb3VyY2VzIDw8IC9Gb250IDw8IC9GMSA0IDAgUiA+PiA+PiAvQ29udGVudHMgNSAwIFIgPj4KZW5kb2JqCjQgMCBvYmoKPDwgL1R5cGUgL0ZvbnQgL1N1YnR5cGUgL1R5cGUxIC9CYXNlRm9udCAvSGVsdmV0aWNhIC9FbmNvZGluZyAvV2luQW5zaUVuY29kaW5nID4+CmVuZG9iago1IDAgb2JqCjw8IC9MZW5ndGggMTAyID4+CnN0cmVhbQpCVAovRjEgMTQgVGYKNzIgNzcwIFRkCihDb25mb3JtYW5jZSB0ZXN0IGF0dGFjaG1lbnQpIFRqCjAgLTI0IFRkIChOb3QgYSByZWFsIHB1cmNoYXNlIGNvbnRyYWN0KSBUagpFVAplbmRzdHJlYW0KZW5kb2JqCnhyZWYKMCA2CjAwMDAwMDAwMDAgNjU1MzUgZiAKMDAwMDAwMDAxNSAwMDAwMCBuIAowMDAwMDAwMDY0IDAwMDAwIG4gCjAwMDAwMDAxMjEgMDAwMDAgbiAKMDAwMDAwMDI0NyAwMDAwMCBuIAowMDAwMDAwMzQ0IDAwMDAwIG4gCnRyYWlsZXIKPDwgL1NpemUgNiAvUm9vdCAxIDAgUiA+PgpzdGFydHhyZWYKNDk2CiUlRU9GCg==',
  'base64',
);
export const TEST_JPEG = Buffer.from([
  [0xff, 0xd8], // SOI
  [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00], // APP0 JFIF 1.1
  [0xff, 0xdb, 0x00, 0x43, 0x00, ...new Array<number>(64).fill(1)], // one quantisation table, all 1
  [0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00], // SOF0: 8-bit, 1×1, one component
  [0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, ...new Array<number>(15).fill(0), 0x00], // DC table: one 1-bit code, category 0
  [0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, ...new Array<number>(15).fill(0), 0x00], // AC table: one 1-bit code, end of block
  [0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00], // SOS
  [0x3f], // DC difference 0, end of block, padded with ones
  [0xff, 0xd9], // EOI
].flat());

/** A transfer from `transferOut` into `transferIn` of the synthetic applicant. */
export function testTransferForm(transferIn: string, transferOut: string): TransferPayload {
  return {
    transferOutCenter: transferOut,
    transferInCenter: transferIn,
    formerEmployer: '测试原单位（测试申请，非真实单位）',
    formerAccount: '000000000001',
    newEmployer: '测试现单位（测试申请，非真实单位）',
    newAccount: '000000000002',
    phone: TEST_PHONE,
  };
}

/** A certificate `business` issues, taken in by `accepting`. */
export function testCertificateForm(business: string, accepting: string): CertificatePayload {
  return { businessCenter: business, acceptingCenter: accepting, phone: TEST_PHONE };
}

/** A purchase withdrawal verified by `purchase` and paid by `deposit`, bought on `purchaseDate`; its attachments are the caller's (TEST_PDF, TEST_JPEG). */
export function testPurchaseForm(purchase: string, deposit: string, purchaseDate: string): Omit<StoredPurchaseWithdrawal, 'attachments'> {
  return {
    purchaseCenter: purchase,
    depositCenter: deposit,
    house: {
      address: '测试市测试区测试路 1 号（测试申请，非真实房屋）',
      contractNumber: 'TEST-0001',
      purchaseDate,
      price: 1_000_000,
      area: 90,
      seller: '测试房地产开发有限公司（非真实单位）',
    },
    bank: { accountName: TEST_NAME, bankName: '测试银行（非真实银行）', accountNumber: '6200000000000000' },
    amount: 100_000,
    phone: TEST_PHONE,
  };
}
