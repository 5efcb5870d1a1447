/**
 * Small, valid one-page PDFs written out by hand (header, objects, cross-reference table, trailer): ASCII test
 * documents in the standard Helvetica font, and the certificate a business-locale center issues, in Chinese in the
 * PDF's predefined Chinese font (Adobe-GB1 STSong-Light), which PDF readers bring themselves: no font is embedded.
 */

import { shanghaiDate } from '../../src/core/time';
import { APPLICATION_TYPE_LABELS } from './contract';

/** Escapes a PDF literal string: backslash and parentheses; anything outside printable ASCII becomes '?'. */
const literal = (text: string) => text.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`);

/** A string in the Chinese font: UCS-2 big-endian code units in hex, as the UniGB-UCS2-H encoding reads them. */
const ucs2 = (text: string) => `<${Array.from(text, (c) => (c.codePointAt(0) ?? 0x3f).toString(16).padStart(4, '0')).join('')}>`;

const HELVETICA = ['<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'];
/** STSong-Light, Adobe-GB1: the Type0 font (object 4), its CID font (6) and descriptor (7); Latin letters half as wide. */
const STSONG = [
  '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>',
  '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>',
  '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
];

/** One page of lines from the top left, `size` points each; the font is object 4, the text stream object 5. */
function onePage(lines: readonly string[], show: (line: string) => string, font: readonly string[], size: number): Buffer {
  const text = lines.map((line, i) => `${i === 0 ? '' : `0 -${size * 2} Td `}${show(line)} Tj`).join('\n');
  const content = `BT\n/F1 ${size} Tf\n72 770 Td\n${text}\nET\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    font[0],
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
    ...font.slice(1),
  ];
  // the second line marks the file as binary for transfer programs, as the PDF specification recommends
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  // each entry exactly 20 bytes: 10-digit offset, space, 5-digit generation, space, n|f, space, newline
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** An ASCII test document: a line of text each. */
export function simplePdf(lines: readonly string[]): Buffer {
  return onePage(lines, (line) => `(${literal(line)})`, HELVETICA, 14);
}

/** The certificate the simulator issues for one application, in Chinese: its name, number, center and date. */
export function certificatePdf(applicationId: string, applicationType: string, centerCode: string, issuedAt: Date): Buffer {
  const [year, month, day] = shanghaiDate(issuedAt).split('-');
  return onePage(
    [
      APPLICATION_TYPE_LABELS[applicationType] ?? '住房公积金证明',
      `申请编号：${applicationId}`,
      `出具中心：${centerCode}（中心模拟器）`,
      `出具日期：${year}年${month}月${day}日`,
      '本证明由中心模拟器生成，仅供测试，不作为正式证明。',
    ],
    ucs2,
    STSONG,
    16,
  );
}
