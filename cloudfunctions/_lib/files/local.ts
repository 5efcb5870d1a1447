import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileStore } from './port';

const SAFE_KEY = /^[A-Za-z0-9/_.-]+$/;

/** Files under `root` (the local host's DATA_DIR/files). */
export function localFileStore(root: string): FileStore {
  const resolve = (key: string) => {
    const full = path.resolve(root, key);
    if (!SAFE_KEY.test(key) || !full.startsWith(path.resolve(root) + path.sep)) throw new Error(`bad file key ${key}`);
    return full;
  };
  return {
    async put(key, bytes) {
      const full = resolve(key);
      await mkdir(path.dirname(full), { recursive: true });
      await writeFile(full, bytes);
      return key;
    },
    get: (key) => readFile(resolve(key)),
    remove: (key) => rm(resolve(key), { force: true }),
  };
}
