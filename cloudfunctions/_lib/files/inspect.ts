import { sniffAttachment, type AttachmentType } from '../../../src/core/center-api';

/**
 * What a file really is, found by parsing it: every document that comes in (an employee's attachment, a
 * center's callback document, a certificate uploaded in the workbench) is checked here before it is kept.
 * The header and end marker (sniffAttachment) only say what a file claims to be: `%PDF-`, some HTML and
 * `%%EOF` has both. So a PDF must open and have at least one page, and an image must decode to the end.
 *
 * pdf-lib reads the PDF (pure JavaScript, CommonJS, no worker, no DOM: pdfjs-dist would need a worker and
 * DOM stand-ins in a function, and is larger still); pngjs and jpeg-js decode the images (pure JavaScript, no
 * native binaries). Each is loaded on first use: pdf-lib is left out of the function bundles (about 420 KB
 * minified; tools/build-functions.ts) and installed beside them by CloudBase.
 */

export type Inspection = { ok: true; contentType: AttachmentType } | { ok: false; problem: string };

/**
 * The most pixels an image may have, read from its header before decoding: jpeg-js keeps every 8×8 block as an
 * array of its own, so an 8-megapixel JPEG takes about 280 MB and 5 s to decode (the functions that check files
 * have 512 MB). 9 megapixels takes an A4 page scanned at 300 dpi and every photo WeChat compresses on upload.
 */
export const IMAGE_MAX_PIXELS = 9_000_000;

const DAMAGED = '文件已损坏或不完整，请重新拍照或导出';
const NOT_A_PDF = '文件不是可以打开的 PDF，或已损坏，请重新导出';
const NO_PAGES = 'PDF 文件没有任何页面';
const TOO_LARGE = `图片像素过多（超过 ${IMAGE_MAX_PIXELS / 10_000} 万像素），请压缩后重新上传`;

async function pdfPages(bytes: Uint8Array): Promise<number> {
  const { PDFDocument } = await import('pdf-lib');
  // an encrypted PDF (a certificate protected against editing) still shows its page tree; a broken object is
  // a damaged file, not something to skip
  const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: true });
  return doc.getPageCount();
}

/** A PNG's size from its header (IHDR, always first), read before decoding so a pixel bomb is never inflated. */
function pngPixels(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes.length < 24 ? 0 : view.getUint32(16) * view.getUint32(20);
}

async function decodePng(bytes: Uint8Array): Promise<Inspection | undefined> {
  if (pngPixels(bytes) > IMAGE_MAX_PIXELS) return { ok: false, problem: TOO_LARGE };
  const { PNG } = await import('pngjs');
  // checks every chunk's CRC, inflates the image data to the end, and refuses anything after IEND
  PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { checkCRC: true });
  return undefined;
}

async function decodeJpeg(bytes: Uint8Array): Promise<Inspection | undefined> {
  const { decode } = await import('jpeg-js');
  try {
    // not tolerant: a scan cut short is an error, not grey blocks
    decode(bytes, { tolerantDecoding: false, formatAsRGBA: false, maxResolutionInMP: IMAGE_MAX_PIXELS / 1_000_000, maxMemoryUsageInMB: 320 });
  } catch (error) {
    if (error instanceof Error && /maxResolutionInMP|maxMemoryUsageInMB/.test(error.message)) return { ok: false, problem: TOO_LARGE };
    throw error;
  }
  return undefined;
}

/**
 * What `bytes` are, by parsing them: a PDF that opens with at least one page, or a PNG or JPEG that decodes,
 * at most 10 MB. Answers why not, in words for the person.
 */
export async function inspectFile(bytes: Uint8Array): Promise<Inspection> {
  const sniffed = sniffAttachment(bytes);
  if (!sniffed.ok) return sniffed;
  try {
    if (sniffed.contentType === 'application/pdf') return (await pdfPages(bytes)) > 0 ? sniffed : { ok: false, problem: NO_PAGES };
    const refused = sniffed.contentType === 'image/png' ? await decodePng(bytes) : await decodeJpeg(bytes);
    return refused ?? sniffed;
  } catch {
    return { ok: false, problem: sniffed.contentType === 'application/pdf' ? NOT_A_PDF : DAMAGED };
  }
}
