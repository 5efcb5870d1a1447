import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DownloadGrant, FileStore } from './port';

const SAFE_KEY = /^[A-Za-z0-9/_.-]+$/;
/** Folders and files are the owner's alone: uploads and documents carry personal data, even sealed. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
/** Where the local host serves the files its links name (tools/local-cloud/server.ts). */
export const DOWNLOAD_PATH = '/downloads/';

/** A link's token: 24 random bytes, base64url (the link is the file's only name a person is given). */
const TOKEN_BYTES = 24;
/** How long an expired link is still known (answered 410, "expired", rather than 404). */
const EXPIRED_KEPT_MS = 24 * 3600_000;

/** A link's file for its person, or why it is refused: 404 not a link of this store (or the file is gone), 410 expired, 401 nobody signed in, 403 someone else. */
export type Download = { status: 200; bytes: Buffer; name: string; contentType: string } | { status: 401 | 403 | 404 | 410 };

/** A file or folder that is not there (not `instanceof Error`: errors of node's own modules may come from another realm). */
const isMissing = (error: unknown) => typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';

/** The local file store, which also serves its own links. */
export interface LocalFileStore extends FileStore {
  /** The file behind a link's token, for the person it was made for, while it lasts. */
  download(token: string, openid: string | undefined, now: Date): Promise<Download>;
}

/**
 * Files under `root` (the local host's DATA_DIR/files), readable by the owner only. Links are random tokens kept
 * by this store in memory (they end with the process; one expired for a day is dropped at the next download).
 */
export function localFileStore(root: string): LocalFileStore {
  const links = new Map<string, DownloadGrant & { key: string }>();
  const resolve = (key: string) => {
    const full = path.resolve(root, key);
    if (!SAFE_KEY.test(key) || !full.startsWith(path.resolve(root) + path.sep)) throw new Error(`bad file key ${key}`);
    return full;
  };
  return {
    async put(key, bytes) {
      const full = resolve(key);
      await mkdir(path.dirname(full), { recursive: true, mode: DIR_MODE });
      // 'wx': a key is never reused, so an existing file (or a link planted there) is an error, not a target
      await writeFile(full, bytes, { mode: FILE_MODE, flag: 'wx' });
      return key;
    },
    get: (key) => readFile(resolve(key)),
    remove: (key) => rm(resolve(key), { force: true }),
    async list(folder) {
      let entries;
      try {
        entries = await readdir(resolve(folder.replace(/\/+$/, '')), { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return []; // a folder nothing was ever written to is an empty one
        throw error;
      }
      const listed = [];
      for (const entry of entries.filter((e) => e.isFile())) {
        const storedKey = path.posix.join(folder, entry.name);
        try {
          listed.push({ storedKey, writtenAt: (await stat(resolve(storedKey))).mtime });
        } catch (error) {
          if (!isMissing(error)) throw error; // removed meanwhile (taken by a submission): not listed
        }
      }
      return listed;
    },
    async link(key, grant) {
      resolve(key);
      const token = randomBytes(TOKEN_BYTES).toString('base64url');
      links.set(token, { ...grant, key });
      return `${DOWNLOAD_PATH}${token}`;
    },
    async download(token, openid, now) {
      const link = links.get(token);
      if (!link) return { status: 404 };
      if (now.getTime() >= link.expiresAt.getTime()) return { status: 410 };
      // the host's clock, as every expiry here: links past theirs are of no more use
      for (const [other, kept] of links) if (now.getTime() >= kept.expiresAt.getTime() + EXPIRED_KEPT_MS) links.delete(other);
      if (openid === undefined) return { status: 401 };
      if (openid !== link.openid) return { status: 403 };
      try {
        return { status: 200, bytes: await readFile(resolve(link.key)), name: link.name, contentType: link.contentType };
      } catch {
        return { status: 404 };
      }
    },
  };
}
