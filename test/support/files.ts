import { randomBytes } from 'node:crypto';
import { PNG } from 'pngjs';
import type { FileStore } from '../../cloudfunctions/_lib/files/port';
import { simplePdf } from '../../tools/center-sim/pdf';

/**
 * Documents for tests, each a real file that the platform's parsers open (cloudfunctions/_lib/files/inspect.ts):
 * a one-page PDF written like the center simulator's certificates, and a small PNG encoded by pngjs. The JPEG
 * is the conformance suite's TEST_JPEG (a 1×1 baseline JPEG written byte by byte).
 */

/** What a device uploads before a call names it: `bytes` under `uploads/` with 24 random characters (UPLOAD_ID_PATTERN); answers its fileId. */
export const uploadOf = (files: Pick<FileStore, 'put'>, bytes: Buffer) => files.put(`uploads/${randomBytes(12).toString('hex')}`, bytes, 'application/octet-stream');

/** A one-page PDF reading `lines` (different lines, a different file and sha256). */
export const pdfOf = (...lines: string[]) => simplePdf(lines.length > 0 ? lines : ['Test document']);

/**
 * The same one-page PDF as text: its binary-marker comment (optional in the PDF specification) replaced by an
 * ASCII comment of the same length, so the cross-reference offsets stay exact and the string is its own bytes.
 */
export const textPdf = (...lines: string[]) => pdfOf(...lines).toString('latin1').replace('%\xe2\xe3\xcf\xd3', '%pdf1');

/** A 4×4 grey PNG. */
export function pngOf(width = 4, height = 4): Buffer {
  const png = new PNG({ width, height });
  png.data.fill(0x80);
  return PNG.sync.write(png);
}
