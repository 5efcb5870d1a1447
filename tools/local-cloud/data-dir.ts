import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Local host only: the data directory holds the embedded database (names, ID numbers, bank accounts, sealed or
 * not), the personal-data keys, the demo signing secret and every file. It and everything in it are the owner's
 * alone: folders 0700, files 0600. New ones are made so by the process's umask (set by main.ts before anything
 * is written) and by the file store's own modes; one left readable by an earlier version is tightened here.
 */
export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/** Creates `dataDir` if needed and takes group and other permissions off it and everything under it. */
export function secureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  tighten(dataDir);
}

function tighten(at: string): void {
  const stat = lstatSync(at);
  // a symbolic link is left alone: chmod would follow it out of the data directory
  if (stat.isSymbolicLink()) return;
  if ((stat.mode & 0o077) !== 0) chmodSync(at, stat.mode & 0o700);
  if (stat.isDirectory()) for (const name of readdirSync(at)) tighten(path.join(at, name));
}
