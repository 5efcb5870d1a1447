import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ApplicationView } from '../../src/core/applications/views';
import { FILE_LINK_MINUTES, type FileLink } from '../../src/core/files';
import type { Fail, Ok } from '../../src/core/errors';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as relay } from '../../cloudfunctions/relay';
import { handler as workbench } from '../../cloudfunctions/workbench';
import { DOWNLOAD_COPIES_KEY, DOWNLOADS_FOLDER } from '../../cloudfunctions/_lib/files/downloads';
import type { FileStore } from '../../cloudfunctions/_lib/files/port';
import { DOWNLOAD_PATH, localFileStore, type LocalFileStore } from '../../cloudfunctions/_lib/files/local';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { runCentersDaily } from '../../cloudfunctions/_lib/services/portal';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { FUNCTIONS } from '../../tools/local-cloud/functions';
import { createLocalCloud } from '../../tools/local-cloud/server';
import { pdfOf, uploadOf } from '../support/files';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

/**
 * Issue 16, point 2: a certificate is handed to its employee by a 10-minute link to an opened copy under downloads/,
 * never inside the function's answer; the local host serves the link to that person alone, until it expires; the
 * daily run removes the copies whose links have ended.
 */
jest.setTimeout(90_000);

const SUZHOU = '320500'; // a business-locale center working in its workbench
const BEIJING = '110000';
const STAFF: Caller = { openid: 'staff-320500', roles: [{ role: 'center-staff', centerCode: SUZHOU }] };
const T0 = new Date('2026-12-06T10:00:00+08:00');
const MINUTE = 60_000;
/** A certificate of about 200 KB: many lines, so the answer's smallness is not the file's. */
const PDF = pdfOf(...Array.from({ length: 3000 }, (_, i) => `Line ${i} of the certificate of loan cleared for the applicant`));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const filesRoot = mkdtempSync(path.join(tmpdir(), 'gjj-doc-links-'));
const files = localFileStore(filesRoot);
const outside = testOutside({ files: () => files });
let store: Store;
beforeAll(async () => {
  store = await catalogStore();
  await admin.handle({ action: 'setManual', centerCode: SUZHOU }, contextFor(store, { openid: 'sup', roles: [{ role: 'supervisor' }] }, new Date(), outside));
  await verifiedPerson(store, outside, STAFF.openid, new Date());
});
afterAll(() => store.close());

let serial = 0;
const call = (openid: string, event: unknown, at = T0) => applications.handle(event, contextFor(store, { openid, roles: [] }, at, outside));
const downloadsOnDisk = () => {
  const folder = path.join(filesRoot, DOWNLOADS_FOLDER);
  return existsSync(folder) ? readdirSync(folder, { withFileTypes: true }).filter((e) => e.isFile()).length : 0;
};

/** A certificate application of its own employee, completed in 苏州's workbench with PDF; answers its id, employee and document id. */
async function completedCertificate(on = outside): Promise<{ id: string; openid: string; documentId: string }> {
  const openid = `doc-link-${++serial}`;
  await verifiedPerson(store, outside, openid, new Date());
  const submitted = await call(openid, { action: 'submit', type: 'certificate-loan-cleared', requestId: `req-doc-link-${serial}`, payload: { businessCenter: SUZHOU, acceptingCenter: BEIJING, phone: '13912345678' } }, new Date());
  if (!submitted.ok) throw new Error(submitted.message);
  const { id } = submitted.data as { id: string };
  const bench = (event: unknown) => workbench.handle(event, contextFor(store, STAFF, new Date(), on));
  for (const status of ['accepted', 'processing']) expect(await bench({ action: 'setStatus', id, status })).toMatchObject({ ok: true });
  expect(await bench({ action: 'setStatus', id, status: 'completed', document: { name: '贷款结清证明.pdf', fileId: await uploadOf(on.files(), PDF) } })).toMatchObject({ ok: true });
  const view = (await call(openid, { action: 'get', id })) as Ok<ApplicationView>;
  return { id, openid, documentId: view.data.documents[0].id };
}

describe('applications document', () => {
  it('answers a link of under 8 KB with the name, type, sha256 and size, and no byte of the file', async () => {
    const { id, openid, documentId } = await completedCertificate();
    expect(PDF.length).toBeGreaterThan(100_000);
    const answer = (await call(openid, { action: 'document', id, documentId })) as Ok<FileLink>;

    expect(answer.ok).toBe(true);
    expect(Object.keys(answer.data).sort()).toEqual(['contentType', 'expiresAt', 'name', 'sha256', 'size', 'url']);
    expect(answer.data).toEqual({ name: '贷款结清证明.pdf', contentType: 'application/pdf', sha256: sha(PDF), size: PDF.length, url: expect.stringMatching(/^\/downloads\/[A-Za-z0-9_-]{32}$/), expiresAt: new Date(T0.getTime() + FILE_LINK_MINUTES * MINUTE).toISOString() });
    const json = JSON.stringify(answer);
    expect(Buffer.byteLength(json)).toBeLessThan(8 * 1024);
    expect(json).not.toContain(PDF.subarray(0, 48).toString('base64'));
  });

  it('refuses another person’s document and writes no copy of it', async () => {
    const { id, documentId } = await completedCertificate();
    const before = downloadsOnDisk();
    expect(await call('someone-else', { action: 'document', id, documentId })).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
    expect(downloadsOnDisk()).toBe(before);
  });

  it('writes one opened copy under downloads/ for calls while it has half its time left, a new one after, and leaves the sealed file as it was', async () => {
    const { id, openid, documentId } = await completedCertificate();
    const before = downloadsOnDisk();
    const first = (await call(openid, { action: 'document', id, documentId })) as Ok<FileLink>;
    const again = (await call(openid, { action: 'document', id, documentId }, new Date(T0.getTime() + 5 * MINUTE))) as Ok<FileLink>;
    expect(downloadsOnDisk()).toBe(before + 1);
    // the same copy, its link ending when the copy does
    expect(again.data).toMatchObject({ sha256: sha(PDF), size: PDF.length, expiresAt: first.data.expiresAt });
    expect(await files.download(again.data.url.slice(DOWNLOAD_PATH.length), openid, new Date(T0.getTime() + 5 * MINUTE))).toMatchObject({ status: 200 });
    // with less than half of its time left, the next call gets a copy of its own
    const late = (await call(openid, { action: 'document', id, documentId }, new Date(T0.getTime() + 5 * MINUTE + 1000))) as Ok<FileLink>;
    expect(downloadsOnDisk()).toBe(before + 2);
    expect(late.data.expiresAt).toBe(new Date(T0.getTime() + 15 * MINUTE + 1000).toISOString());
    const [record] = await store.applications.documents(id);
    expect((await files.get(record.storageKey)).includes(Buffer.from('%PDF'))).toBe(false);
  });
});

describe('the relay’s one-minute timer and the opened copies', () => {
  const tick = (on: ReturnType<typeof testOutside>, at: Date) => relay.handle({}, contextFor(store, undefined, at, on, 'timer'));

  it.each([
    ['a file store that lists (the local host)', (local: LocalFileStore): FileStore => local],
    ['a file store that cannot list (CloudBase)', (local: LocalFileStore): FileStore => ({ put: local.put, get: local.get, remove: local.remove, link: local.link })],
  ])('removes a copy once its link has ended, and keeps it before, with %s', async (_what, shapeOf) => {
    const root = mkdtempSync(path.join(tmpdir(), 'gjj-doc-relay-'));
    const local = localFileStore(root);
    const shaped = shapeOf(local);
    const on = { ...outside, files: () => shaped };
    const { id, openid, documentId } = await completedCertificate(on);
    const { data } = (await applications.handle({ action: 'document', id, documentId }, contextFor(store, { openid, roles: [] }, T0, on))) as Ok<FileLink>;
    const copies = () => (existsSync(path.join(root, DOWNLOADS_FOLDER)) ? readdirSync(path.join(root, DOWNLOADS_FOLDER)).length : 0);
    expect(copies()).toBe(1);

    expect(await tick(on, new Date(T0.getTime() + FILE_LINK_MINUTES * MINUTE - 1000))).toMatchObject({ ok: true });
    expect(copies()).toBe(1);
    expect(await tick(on, new Date(T0.getTime() + 11 * MINUTE))).toMatchObject({ ok: true });
    expect(copies()).toBe(0);
    expect(JSON.stringify(await store.meta.get(DOWNLOAD_COPIES_KEY))).not.toContain(data.url);
    // the sealed certificate stays
    const [record] = await store.applications.documents(id);
    expect((await local.get(record.storageKey)).length).toBeGreaterThan(0);
  });
});

describe('the local host’s route for a document’s link', () => {
  let host: Awaited<ReturnType<typeof createLocalCloud>>;
  let origin: string;
  let clock = T0;
  beforeAll(async () => {
    host = await createLocalCloud({ store, functions: FUNCTIONS, envRoles: new Map(), log: createLogger({ level: 'silent' }), outside, downloads: files, now: () => clock });
    origin = await host.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => host.close());
  const get = (url: string, openid?: string) => fetch(`${origin}${url}`, { headers: openid ? { 'x-wx-openid': openid } : {} });

  it('serves the certificate to its employee exactly as its sha256 says, refuses anyone else, and nobody once the link has expired', async () => {
    const { id, openid, documentId } = await completedCertificate();
    const { data } = (await call(openid, { action: 'document', id, documentId })) as Ok<FileLink>;

    clock = T0;
    const mine = await get(data.url, openid);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('application/pdf');
    expect(mine.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('贷款结清证明.pdf')}`);
    expect(sha(Buffer.from(await mine.arrayBuffer()))).toBe(data.sha256);

    const other = await get(data.url, 'someone-else');
    expect(other.status).toBe(403);
    expect((await other.json()) as Fail).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect((await get(data.url)).status).toBe(401);

    clock = new Date(T0.getTime() + FILE_LINK_MINUTES * MINUTE - 1000);
    expect((await get(data.url, openid)).status).toBe(200);
    clock = new Date(T0.getTime() + FILE_LINK_MINUTES * MINUTE);
    expect((await get(data.url, openid)).status).toBe(410);
  });
});

describe('the daily sweep of downloads', () => {
  /** A file in a fresh store, dated `minutesAgo` before `now`. */
  async function putAged(store: LocalFileStore, root: string, key: string, now: Date, minutesAgo: number): Promise<string> {
    await store.put(key, PDF, 'application/pdf');
    const at = new Date(now.getTime() - minutesAgo * MINUTE);
    await utimes(path.join(root, key), at, at);
    return key;
  }
  const exists = (store: LocalFileStore, key: string) => store.get(key).then(
    () => true,
    () => false,
  );

  it('removes the opened copies whose links have ended, keeps those still valid, and touches no other folder', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'gjj-doc-sweep-'));
    const swept = localFileStore(root);
    const now = new Date('2026-12-06T00:10:00+08:00');
    const ended = await putAged(swept, root, 'downloads/0123456789abcdef0123456789abcdef.pdf', now, FILE_LINK_MINUTES + 1);
    const valid = await putAged(swept, root, 'downloads/fedcba9876543210fedcba9876543210.pdf', now, FILE_LINK_MINUTES - 1);
    const sealed = await putAged(swept, root, 'documents/app1/0123456789abcdef0123', now, 60 * 24 * 30);
    const upload = await putAged(swept, root, 'uploads/aaaaaaaaaaaaaaaaaaaaaaaa', now, FILE_LINK_MINUTES + 1);
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });

    await runCentersDaily({ ...contextFor(store, undefined, now, testOutside({ files: () => swept })), now, log }, { probeStartBudgetMs: 0 });

    expect(await exists(swept, ended)).toBe(false);
    expect(await exists(swept, valid)).toBe(true);
    expect(await exists(swept, sealed)).toBe(true);
    expect(await exists(swept, upload)).toBe(true); // an upload waits a day for its submission
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.filter((l) => l.msg === 'opened copies of expired download links removed')).toEqual([expect.objectContaining({ removed: 1, failed: 0 })]);
    expect(lines.join('')).not.toContain('0123456789abcdef0123456789abcdef');
  });
});
