import { mkdtempSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UPLOAD_KEPT_HOURS } from '../../cloudfunctions/_lib/applications/attachments';
import { localFileStore } from '../../cloudfunctions/_lib/files/local';
import type { FileStore } from '../../cloudfunctions/_lib/files/port';
import { createLogger } from '../../cloudfunctions/_lib/log';
import { runCentersDaily } from '../../cloudfunctions/_lib/services/portal';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { catalogStore, contextFor, testOutside } from '../support/function-context';

/**
 * Issue 16, point 4: uploads never submitted (uploads/<24 random>) hold personal data; the daily timer removes those
 * older than a day. Taking one (an application's attachment, a finding's screenshot) copies it out of uploads/ and
 * removes it, so a sealed attachment or a screenshot kept elsewhere is never touched, however old.
 */
jest.setTimeout(90_000);

const HOUR = 3600_000;
const NOW = new Date('2026-11-20T00:10:00+08:00');
const PDF = Buffer.from('%PDF-1.4 personal data');

function freshRoot(): { root: string; files: ReturnType<typeof localFileStore> } {
  const root = mkdtempSync(path.join(tmpdir(), 'gjj-sweep-'));
  return { root, files: localFileStore(root) };
}

/** Writes a file and dates it `hoursAgo` before NOW. */
async function putAged(root: string, files: FileStore, key: string, hoursAgo: number): Promise<string> {
  const stored = await files.put(key, PDF, 'application/pdf');
  const at = new Date(NOW.getTime() - hoursAgo * HOUR);
  await utimes(path.join(root, key), at, at);
  return stored;
}

const exists = (files: FileStore, key: string) => files.get(key).then(
  () => true,
  () => false,
);

describe('the local file store’s listing', () => {
  it('lists the files directly in a folder with the time each was written, and nothing of other folders', async () => {
    const { root, files } = freshRoot();
    await putAged(root, files, 'uploads/aaaaaaaaaaaaaaaaaaaaaaaa', 30);
    await putAged(root, files, 'uploads/bbbbbbbbbbbbbbbbbbbbbbbb', 1);
    await putAged(root, files, 'attachments/app1/cafe', 30);
    const listed = await files.list?.('uploads/');
    expect(listed?.sort((a, b) => a.storedKey.localeCompare(b.storedKey))).toEqual([
      { storedKey: 'uploads/aaaaaaaaaaaaaaaaaaaaaaaa', writtenAt: new Date(NOW.getTime() - 30 * HOUR) },
      { storedKey: 'uploads/bbbbbbbbbbbbbbbbbbbbbbbb', writtenAt: new Date(NOW.getTime() - HOUR) },
    ]);
  });

  it('answers an empty list for a folder nothing was ever written to', async () => {
    const { files } = freshRoot();
    await expect(files.list?.('uploads/')).resolves.toEqual([]);
  });
});

describe('the daily sweep of uploads never submitted', () => {
  let store: Store;
  beforeAll(async () => {
    store = await catalogStore();
  });
  afterAll(() => store.close());

  /** The daily run over these files, starting no link probe; answers what it logged. */
  async function runDaily(files: FileStore): Promise<Record<string, unknown>[]> {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    await runCentersDaily({ ...contextFor(store, undefined, NOW, testOutside({ files: () => files })), now: NOW, log }, { probeStartBudgetMs: 0 });
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('removes an upload older than a day, keeps a fresh one and a submitted attachment’s stored copy, and logs the count without names', async () => {
    const { root, files } = freshRoot();
    const old = await putAged(root, files, 'uploads/oooooooooooooooooooooooo', UPLOAD_KEPT_HOURS + 1);
    const fresh = await putAged(root, files, 'uploads/ffffffffffffffffffffffff', UPLOAD_KEPT_HOURS - 1);
    const attachment = await putAged(root, files, 'attachments/app1/0123456789abcdef0123', 24 * 30);
    const screenshot = await putAged(root, files, 'findings/321000/0123456789abcdef01234567.png', 24 * 30);

    const logged = await runDaily(files);

    expect(await exists(files, old)).toBe(false);
    expect(await exists(files, fresh)).toBe(true);
    expect(await exists(files, attachment)).toBe(true);
    expect(await exists(files, screenshot)).toBe(true);
    const sweep = logged.filter((l) => l.msg === 'uploads never submitted removed');
    expect(sweep).toEqual([expect.objectContaining({ removed: 1, failed: 0 })]);
    expect(JSON.stringify(logged)).not.toContain('oooooooooooooooooooooooo');
  });

  it('goes on removing the other old uploads when one cannot be removed, and counts the failure', async () => {
    const { root, files } = freshRoot();
    const stuck = await putAged(root, files, 'uploads/ssssssssssssssssssssssss', 48);
    const others = [await putAged(root, files, 'uploads/tttttttttttttttttttttttt', 48), await putAged(root, files, 'uploads/uuuuuuuuuuuuuuuuuuuuuuuu', 48)];
    const failing: FileStore = {
      ...files,
      remove: (key) => (key === stuck ? Promise.reject(new Error('storage refused')) : files.remove(key)),
    };

    const logged = await runDaily(failing);

    expect(await exists(files, stuck)).toBe(true);
    for (const key of others) expect(await exists(files, key)).toBe(false);
    expect(logged.filter((l) => l.msg === 'uploads never submitted removed')).toEqual([expect.objectContaining({ removed: 2, failed: 1 })]);
  });

  it('removes nothing at the next run within a day of an upload', async () => {
    const { root, files } = freshRoot();
    const fresh = await putAged(root, files, 'uploads/nnnnnnnnnnnnnnnnnnnnnnnn', 0);
    const logged = await runDaily(files);
    expect(await exists(files, fresh)).toBe(true);
    expect(logged.filter((l) => l.msg === 'uploads never submitted removed')).toEqual([]);
  });
});
