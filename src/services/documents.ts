import Taro from '@tarojs/taro';
import sha256 from 'fast-sha256';
import { DOCUMENT_MAX_BYTES, isPdf } from '../core/center-api';
import { FILE_LINK_MINUTES, type FileLink, type MadeFileLink } from '../core/files';
import { fetchDownload } from './cloud';
import { isWeapp } from './platform';
import { uploadAttachment, type PickedFile, type Uploaded } from './uploads';

/**
 * Result documents (certificates as PDF): checking and uploading the one a center's staff pick, and saving or
 * opening the one an employee receives. The only module that knows how each platform handles files.
 */

/** A PDF picked by center staff and uploaded (`uploads/`), ready for `workbench.setStatus` by its fileId. */
export type PickedDocument = Uploaded;

export type DocumentOutcome<T> = { ok: true; data: T } | { ok: false; message: string };

/** Base64 to bytes on both platforms (WeChat has no atob). */
const bytesOf = (contentBase64: string) => new Uint8Array(Taro.base64ToArrayBuffer(contentBase64));

/** Hex SHA-256: Web Crypto where the page has it (H5 on https or localhost), else fast-sha256 (pure JS). */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  // WeChat has no Web Crypto, and browsers hide it on plain http
  const digest = subtle ? new Uint8Array(await subtle.digest('SHA-256', bytes)) : sha256(bytes);
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The extension each document type a center may send is saved with (CallbackDocumentSchema's types). */
const EXTENSIONS: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** A file name safe to write under the user data path and to offer as a download, ending as its type does. */
function safeName(name: string, extension: string): string {
  const cleaned = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim() || '证明';
  return cleaned.toLowerCase().endsWith(`.${extension}`) ? cleaned : `${cleaned}.${extension}`;
}

const MISMATCH = '文件校验失败：下载到的文件与记录的不一致，可能在传输中损坏，请重试';
const EXPIRED = `下载链接已过期（${FILE_LINK_MINUTES} 分钟内有效），请重试以获取新的链接`;
const NOT_DOWNLOADED = '文件下载失败，请检查网络后重试';

/** The bytes behind a file's link, or why they did not arrive: WeChat's downloadFile, or a fetch as the person on H5. */
async function downloaded(link: Pick<FileLink, 'url' | 'expiresAt'>): Promise<DocumentOutcome<Uint8Array<ArrayBuffer>>> {
  // an ended link is said so, whatever the storage answered (CloudBase: 403; the local host: 410)
  const failed = () => ({ ok: false as const, message: Date.now() >= Date.parse(link.expiresAt) ? EXPIRED : NOT_DOWNLOADED });
  try {
    if (isWeapp) {
      const got = await Taro.downloadFile({ url: link.url });
      if (got.statusCode !== 200) return failed();
      const data = Taro.getFileSystemManager().readFileSync(got.tempFilePath);
      return typeof data === 'string' ? failed() : { ok: true, data: new Uint8Array(data) };
    }
    const got = await fetchDownload(link.url);
    return got.ok ? got : failed();
  } catch {
    return failed();
  }
}

/** The bytes behind a link once their sha256 is the one expected, or why not. */
async function checkedDownload(link: Pick<FileLink, 'url' | 'expiresAt'>, expectedSha256: string): Promise<DocumentOutcome<Uint8Array<ArrayBuffer>>> {
  const got = await downloaded(link);
  if (!got.ok) return got;
  return (await sha256Hex(got.data)) === expectedSha256.toLowerCase() ? got : { ok: false, message: MISMATCH };
}

/**
 * A mini-program code's PNG (a poster, an invite) from its link, checked by its sha256 and written to the user data
 * path: the file path an `Image` shows and `savePng` saves (WeChat only: H5 draws its own code).
 */
export async function savedCodeImage(link: FileLink): Promise<DocumentOutcome<string>> {
  const got = await checkedDownload(link, link.sha256);
  if (!got.ok) return got;
  const filePath = `${Taro.env.USER_DATA_PATH ?? ''}/${safeName(link.name, 'png')}`;
  try {
    await new Promise<void>((resolve, reject) => Taro.getFileSystemManager().writeFile({ filePath, data: got.data.buffer, success: () => resolve(), fail: reject }));
    return { ok: true, data: filePath };
  } catch {
    return { ok: false, message: '小程序码保存失败，请稍后重试' };
  }
}

/**
 * Fetches a file handed out by link (a certificate, an attachment), checks what arrived against the sha256 the
 * application's view listed, and only then opens it: WeChat writes it to the user data path and opens it in its
 * viewer (with the menu to forward or save); H5 downloads it. A mismatch or an ended link is said plainly, and
 * the page offers to try again (a new call answers a new link).
 */
export async function openReceivedDocument(link: FileLink, expectedSha256: string): Promise<DocumentOutcome<void>> {
  const got = await checkedDownload(link, expectedSha256);
  if (!got.ok) return got;
  const bytes = got.data;
  const extension = EXTENSIONS[link.contentType] ?? 'pdf';
  const name = safeName(link.name, extension);
  try {
    if (isWeapp) {
      const filePath = `${Taro.env.USER_DATA_PATH ?? ''}/${name}`;
      await new Promise<void>((resolve, reject) => Taro.getFileSystemManager().writeFile({ filePath, data: bytes.buffer, success: () => resolve(), fail: reject }));
      // a PDF opens in WeChat's document viewer, a scan in its image viewer
      if (extension === 'pdf') await Taro.openDocument({ filePath, fileType: 'pdf', showMenu: true });
      else await Taro.previewImage({ urls: [filePath], current: filePath });
    } else {
      download(bytes, name, link.contentType);
    }
    return { ok: true, data: undefined };
  } catch {
    return { ok: false, message: '文件已下载但无法打开，请稍后重试' };
  }
}

/** H5: a Blob behind an `<a download>` in the page, clicked once and removed. */
function download(bytes: Uint8Array<ArrayBuffer>, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.style.display = 'none';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  // revoking at once can cancel the download in some browsers
  setTimeout(() => URL.revokeObjectURL?.(url), 30_000);
}


/**
 * Saves a file made for the person once what arrived matches its sha256: H5 downloads it under its name; WeChat
 * writes it to the user data path and offers to send it to a chat (its viewer opens no JSON), to keep or open on a computer.
 */
export async function saveMadeFile(file: MadeFileLink): Promise<DocumentOutcome<void>> {
  const got = await checkedDownload(file, file.sha256);
  if (!got.ok) return got;
  const name = safeName(file.name, 'json');
  try {
    if (isWeapp) {
      const filePath = `${Taro.env.USER_DATA_PATH ?? ''}/${name}`;
      await new Promise<void>((resolve, reject) => Taro.getFileSystemManager().writeFile({ filePath, data: got.data.buffer, success: () => resolve(), fail: reject }));
      await Taro.shareFileMessage({ filePath, fileName: name });
    } else {
      download(got.data, name, file.contentType);
    }
    return { ok: true, data: undefined };
  } catch {
    return { ok: false, message: '文件已下载但无法保存，请稍后重试' };
  }
}

/** A file a function made and stored (a supervisor's export): its short-lived link and the name to save it under. */
export interface StoredFile {
  url: string;
  name: string;
}

const OPENABLE_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
} as const;
const isOpenable = (extension: string): extension is keyof typeof OPENABLE_TYPES => extension === 'xlsx' || extension === 'pdf' || extension === 'csv';

/**
 * Opens a stored file: WeChat downloads it (`downloadFile`) and opens it in its viewer with the menu to forward or
 * save, or, for a CSV its viewer cannot open, offers to send it to a chat (to open on a computer); H5 fetches it
 * and downloads it under its name.
 */
export async function openStoredFile(file: StoredFile): Promise<DocumentOutcome<void>> {
  const extension = file.name.slice(file.name.lastIndexOf('.') + 1).toLowerCase();
  if (!isOpenable(extension)) return { ok: false, message: '该文件类型无法在此打开' };
  try {
    if (isWeapp) {
      const got = await Taro.downloadFile({ url: file.url });
      if (got.statusCode !== 200) return { ok: false, message: '文件下载失败，请稍后重试' };
      if (extension === 'csv') await Taro.shareFileMessage({ filePath: got.tempFilePath, fileName: safeName(file.name, extension) });
      else await Taro.openDocument({ filePath: got.tempFilePath, fileType: extension, showMenu: true });
      return { ok: true, data: undefined };
    }
    const got = await fetchDownload(file.url);
    if (!got.ok) return { ok: false, message: got.message };
    download(got.data, safeName(file.name, extension), OPENABLE_TYPES[extension]);
    return { ok: true, data: undefined };
  } catch {
    return { ok: false, message: '文件下载失败，请稍后重试' };
  }
}

/**
 * Shows a stored image (a trial finding's screenshot) full screen: WeChat previews its short-lived link itself; H5
 * fetches it as the person (the local host serves it to them alone) and previews the bytes.
 */
export async function previewStoredImage(file: StoredFile): Promise<DocumentOutcome<void>> {
  try {
    if (isWeapp) {
      await Taro.previewImage({ urls: [file.url] });
      return { ok: true, data: undefined };
    }
    const got = await fetchDownload(file.url);
    if (!got.ok) return { ok: false, message: got.message };
    await Taro.previewImage({ urls: [URL.createObjectURL(new Blob([got.data]))] });
    return { ok: true, data: undefined };
  } catch {
    return { ok: false, message: '截图打开失败，请稍后重试' };
  }
}

/**
 * Saves a code's PNG (a center's poster code): WeChat saves the file savedCodeImage wrote to the photo album; H5
 * downloads the data URL it drew under `name`.
 */
export async function savePng(src: string, name: string): Promise<DocumentOutcome<void>> {
  try {
    if (isWeapp) await Taro.saveImageToPhotosAlbum({ filePath: src });
    else download(bytesOf(src.slice(src.indexOf(',') + 1)), safeName(name, 'png'), 'image/png');
    return { ok: true, data: undefined };
  } catch {
    return { ok: false, message: '图片保存失败，请稍后重试（微信中需允许保存到相册）' };
  }
}

const UNREADABLE = { ok: false, message: '无法读取所选文件，请重新选择' } as const;
/** How much of a picked file is read to tell a PDF (its header) before uploading it. */
const HEAD_BYTES = 8;

/**
 * Refuses what the workbench function would refuse anyway (not a PDF, over 10 MB) before uploading up to 10 MB,
 * then uploads the file as employees' attachments go up; the function reads it back and checks it by parsing.
 */
async function uploadedPdf(picked: PickedFile, head: Uint8Array): Promise<DocumentOutcome<PickedDocument>> {
  if (!isPdf(head)) return { ok: false, message: '请选择 PDF 格式的证明文件' };
  if (picked.size > DOCUMENT_MAX_BYTES) return { ok: false, message: '证明文件不超过 10 MB' };
  const uploaded = await uploadAttachment(picked);
  return uploaded.ok ? uploaded : { ok: false, message: uploaded.message };
}

/** H5: checks and uploads the file picked in an `<input type="file">`. */
export async function readPickedFile(file: File): Promise<DocumentOutcome<PickedDocument>> {
  if (file.size > DOCUMENT_MAX_BYTES) return { ok: false, message: '证明文件不超过 10 MB' };
  const head = await new Promise<Uint8Array | undefined>((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result instanceof ArrayBuffer ? new Uint8Array(reader.result) : undefined);
    reader.onerror = () => resolve(undefined);
    reader.readAsArrayBuffer(file.slice(0, HEAD_BYTES));
  });
  return head ? uploadedPdf({ file, name: file.name, size: file.size }, head) : UNREADABLE;
}

/** WeChat: picks a PDF from a chat, checks and uploads it; `undefined` when the person cancels. */
export async function chooseChatPdf(): Promise<DocumentOutcome<PickedDocument> | undefined> {
  let file: { path: string; name: string; size: number };
  try {
    const chosen = await Taro.chooseMessageFile({ count: 1, type: 'file', extension: ['pdf'] });
    file = chosen.tempFiles[0];
    if (!file) return undefined;
  } catch {
    return undefined;
  }
  let head: string | ArrayBuffer;
  try {
    head = Taro.getFileSystemManager().readFileSync(file.path, undefined, 0, HEAD_BYTES);
  } catch {
    return UNREADABLE;
  }
  return typeof head === 'string' ? UNREADABLE : uploadedPdf({ path: file.path, name: file.name, size: file.size }, new Uint8Array(head));
}
