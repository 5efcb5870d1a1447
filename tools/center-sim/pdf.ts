/**
 * A small, valid one-page PDF written out by hand (header, five objects, cross-reference table, trailer),
 * standing in for the certificate a business-locale center issues. Text is ASCII in the standard
 * Helvetica font, so no font has to be embedded.
 */

/** Escapes a PDF literal string: backslash and parentheses; anything outside printable ASCII becomes '?'. */
const literal = (text: string) => text.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`);

export function simplePdf(lines: readonly string[]): Buffer {
  const text = lines.map((line, i) => `${i === 0 ? '' : '0 -24 Td '}(${literal(line)}) Tj`).join('\n');
  const content = `BT\n/F1 14 Tf\n72 770 Td\n${text}\nET\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
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

/** The certificate the simulator issues for one application. */
export function certificatePdf(applicationId: string, applicationType: string, centerCode: string, issuedAt: Date): Buffer {
  const titles: Record<string, string> = {
    'certificate-loan-cleared': 'Personal housing loan fully repaid',
    'certificate-deposit-use': 'Housing provident fund deposit and use',
  };
  return simplePdf([
    `Certificate ${applicationId}`,
    titles[applicationType] ?? applicationType,
    `Issued by center ${centerCode} (center simulator)`,
    `Date ${issuedAt.toISOString().slice(0, 10)}`,
  ]);
}
