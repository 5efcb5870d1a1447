import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileStore } from './port';

const SAFE_KEY = /^[A-Za-z0-9/_.-]+$/;
/** Folders and files are the owner's alone: uploads and documents carry personal data, even sealed. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Files under `root` (the local host's DATA_DIR/files), readable by the owner only. */
export function localFileStore(root: string): FileStore {
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
  };
}
