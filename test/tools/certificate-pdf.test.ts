import { certificatePdf } from '../../tools/center-sim/pdf';

/** The text a PDF reader shows for a string in the Chinese font: UCS-2 big-endian hex, as the certificate writes it. */
const shown = (text: string) => Array.from(text, (c) => (c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')).join('');

describe("the center simulator's certificate", () => {
  it('is written in Chinese: the certificate named, its application number, center and Shanghai date, in a Chinese font', () => {
    const pdf = certificatePdf('app-1', 'certificate-loan-cleared', '321000', new Date('2026-12-05T17:30:00Z')).toString('latin1');
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    expect(pdf).toContain('/BaseFont /STSong-Light /Encoding /UniGB-UCS2-H');
    for (const line of ['个人住房贷款全部还清证明', '申请编号：app-1', '出具中心：321000（中心模拟器）', '出具日期：2026年12月06日', '仅供测试']) expect(pdf).toContain(shown(line));
    expect(pdf).not.toMatch(/Certificate|Issued by/);
  });

  it('names the other certificate by its own title', () => {
    const pdf = certificatePdf('app-2', 'certificate-deposit-use', '110000', new Date('2026-12-06T02:00:00Z')).toString('latin1');
    expect(pdf).toContain(shown('贷款职工住房公积金缴存使用证明'));
  });
});
