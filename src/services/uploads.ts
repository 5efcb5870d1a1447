import Taro from '@tarojs/taro';
import { DOCUMENT_MAX_BYTES } from '../core/center-api';
import type { Result } from '../core/errors';
import { fail } from '../core/errors';
import { devOpenid } from './dev-identity';
import { isWeapp } from './platform';

/**
 * The employee's attachments go up before the application does, so a function call never carries megabytes:
 * WeChat uploads to cloud storage (wx.cloud.uploadFile) under `uploads/<24 random characters>`, H5 posts the
 * bytes to the local host's /upload. The functions read the file back at submission and check it by content.
 */

/** A file the person picked: a File in H5, a temporary path in WeChat. */
export type PickedFile = { name: string; size: number } & ({ file: File } | { path: string });

export interface Uploaded {
  fileId: string;
  name: string;
  size: number;
}

const TOO_BIG = '文件不超过 10 MB，请压缩或分页后重新选择';
const ACCEPTED_EXTENSIONS = ['pdf', 'jpg', 'jpeg', 'png'];
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** 24 characters from WeChat's cryptographically secure random bytes: only the uploader can name the file. */
function randomName(): Promise<string> {
  return new Promise((resolve, reject) =>
    Taro.getUserCryptoManager().getRandomValues({
      length: 24,
      success: ({ randomValues }) => resolve(Array.from(new Uint8Array(randomValues), (b) => ALPHABET[b % ALPHABET.length]).join('')),
      fail: reject,
    }),
  );
}

/** Uploads one picked file; a refusal comes back as a message for the person, never a thrown error. */
export async function uploadAttachment(picked: PickedFile): Promise<Result<Uploaded>> {
  if (picked.size > DOCUMENT_MAX_BYTES) return fail('VALIDATION_FAILED', TOO_BIG);
  if (picked.size === 0) return fail('VALIDATION_FAILED', '文件是空的，请重新选择');
  try {
    if ('path' in picked) {
      const { fileID } = await Taro.cloud.uploadFile({ cloudPath: `uploads/${await randomName()}`, filePath: picked.path });
      return { ok: true, data: { fileId: fileID, name: picked.name, size: picked.size } };
    }
    const response = await fetch('/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-wx-openid': devOpenid() }, body: picked.file });
    const answer = (await response.json()) as Result<{ fileId: string }>;
    return answer.ok ? { ok: true, data: { fileId: answer.data.fileId, name: picked.name, size: picked.size } } : answer;
  } catch {
    return fail('INTERNAL', '上传失败，请检查网络后重试');
  }
}

/**
 * WeChat: a photo (camera or album) or a PDF from a chat; `undefined` when the person cancels. H5 picks with
 * an `<input type="file">` in the page instead.
 */
export async function chooseAttachment(from: 'photo' | 'chat'): Promise<PickedFile | undefined> {
  if (!isWeapp) return undefined;
  try {
    if (from === 'photo') {
      const { tempFiles } = await Taro.chooseMedia({ count: 1, mediaType: ['image'], sourceType: ['album', 'camera'], sizeType: ['compressed'] });
      const [photo] = tempFiles;
      return photo ? { path: photo.tempFilePath, name: photo.tempFilePath.split('/').pop() ?? '照片.jpg', size: photo.size } : undefined;
    }
    const { tempFiles } = await Taro.chooseMessageFile({ count: 1, type: 'file', extension: ACCEPTED_EXTENSIONS });
    const [file] = tempFiles;
    return file ? { path: file.path, name: file.name, size: file.size } : undefined;
  } catch {
    return undefined;
  }
}
