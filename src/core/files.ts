import type { AttachmentType } from './center-api';

/**
 * File names that come from outside (an employee's upload, a center's callback, a staff member's upload) as
 * they are kept and passed on: a base name a person can read and every system can save, never a path.
 */

/** The longest file name kept, extension included, in characters. */
export const FILE_NAME_MAX = 80;

/** The extension a file is saved with, from the type its content was found to be. */
export const EXTENSION_OF: Readonly<Record<AttachmentType, string>> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** What a type is called to a person. */
export const TYPE_NAME_OF: Readonly<Record<AttachmentType, string>> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPG 图片', 'image/png': 'PNG 图片' };

// every "other" character: controls (C0, C1), format characters (bidirectional overrides and isolates,
// zero-width joiners, the BOM), lone surrogates, private use and unassigned code points
const INVISIBLE = /\p{C}/gu;
const SPACES = /[\p{Z}\t\n\v\f\r]+/gu;
// separators of paths on any system, and what Windows refuses in a name
const RESERVED = /[\\/:*?"<>|]/g;
// a name Windows keeps for a device, whatever follows its dot
const DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)$/i;
// one extension as people write them: a dot and up to five letters or digits
const EXTENSION = /\.[A-Za-z0-9]{1,5}$/;

/**
 * A safe base name for a file whose content was found to be `contentType`: the last part of any path, without
 * control or bidirectional characters (so `x\u202Egpj.pdf` cannot pass for `xfdp.jpg`), without characters a
 * file system refuses, without leading dots, at most FILE_NAME_MAX characters, and ending with the extension of
 * the detected type in place of whatever the name claimed. `fallback` names a file whose name is left empty.
 */
export function safeFileName(name: string, contentType: AttachmentType, fallback = '文件'): string {
  const extension = `.${EXTENSION_OF[contentType]}`;
  // tabs and line breaks read as spaces; every other invisible character goes
  const visible = name.normalize('NFC').replace(SPACES, ' ').replace(INVISIBLE, '');
  const base = visible.split(/[\\/]/).pop() ?? '';
  let stem = base.replace(RESERVED, '_').replace(/ {2,}/g, ' ').trim().replace(EXTENSION, '');
  stem = stem.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (DEVICE.test(stem)) stem = `_${stem}`;
  if (!stem) stem = fallback;
  // counted in code points, so a character outside the BMP is never cut in half
  const room = FILE_NAME_MAX - extension.length;
  const points = Array.from(stem);
  if (points.length > room) stem = points.slice(0, room).join('').trimEnd();
  return `${stem}${extension}`;
}

/** How long a link to a file a function hands out (a certificate, an attachment) may be fetched, in minutes. */
export const FILE_LINK_MINUTES = 10;

/**
 * A file handed out by a short-lived link instead of inside a function's answer (WeChat advises keeping call data
 * small; a certificate is up to 10 MB): what `applications document` and `workbench attachment` answer. The bytes
 * are fetched from `url` until `expiresAt` (ISO 8601) by the person it was answered to, and checked against
 * `sha256` (hex) before they are saved or opened.
 */
/** A file a function made for the person on request (a copy of their own data, PIPL art. 45): its link, JSON, never reused. */
export interface MadeFileLink {
  name: string;
  contentType: 'application/json';
  sha256: string;
  size: number;
  url: string;
  expiresAt: string;
}

export interface FileLink {
  name: string;
  contentType: AttachmentType;
  sha256: string;
  size: number;
  url: string;
  expiresAt: string;
}

/**
 * A file's size as people read it: bytes under 1 KB, then KB or MB with one decimal (1 KB = 1024 bytes), so a small
 * file never reads "0 KB".
 */
export function fileSizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
