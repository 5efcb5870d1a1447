import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalHost, type RunningHost } from '../support/local-host';

jest.setTimeout(120_000);

/** whoami's launch on the demo, open to everyone from its first start. */
const OPEN = { open: true, national: true, provinces: [] };

describe('the local host (npm start)', () => {
  let host: RunningHost;
  afterEach(async () => {
    await host?.stop();
  });

  it('answers /healthz once the store is ready and runs functions at POST /api/<fn>', async () => {
    host = await startLocalHost();
    const health = await fetch(`${host.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, store: 'pglite' });

    const res = await fetch(`${host.url}/api/centers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'get', code: '321000' }) });
    const body = await res.json();
    expect(body.ok).toBe(true);
    expect(body.data.center).toMatchObject({ name: '扬州市住房公积金管理中心', phone: '0514-12329' });
  });

  it('takes the caller from x-wx-openid and roles from its environment', async () => {
    host = await startLocalHost({ SUPERVISOR_OPENIDS: 'boss-1', TESTER_OPENIDS: '', CENTER_STAFF: 'staff-9:320100' });
    const whoami = (openid?: string) =>
      fetch(`${host.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) },
        body: JSON.stringify({ action: 'whoami' }),
      }).then((r) => r.json());
    expect(await whoami('boss-1')).toEqual({ ok: true, data: { roles: [{ role: 'supervisor' }], launch: OPEN } });
    expect(await whoami('staff-9')).toEqual({ ok: true, data: { roles: [{ role: 'center-staff', centerCode: '320100' }], launch: OPEN } });
    expect(await whoami('someone')).toEqual({ ok: true, data: { roles: [], launch: OPEN } });
    expect(await whoami()).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });

  it('starts closed to people without a role with LAUNCH=closed, as a freshly deployed store is, until a supervisor opens it', async () => {
    host = await startLocalHost({ LAUNCH: 'closed' });
    const call = (fn: string, openid: string, event: object) =>
      fetch(`${host.url}/api/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify(event) }).then((r) => r.json());
    expect(await call('session', 'someone', { action: 'whoami' })).toEqual({ ok: true, data: { roles: [], launch: { open: false, national: false, provinces: [] } } });
    expect(await call('centers', 'someone', { action: 'get', code: '321000' })).toMatchObject({ ok: false, code: 'NOT_LAUNCHED', message: expect.stringContaining('12329') });
    expect(await call('centers', 'dev-supervisor', { action: 'get', code: '321000' })).toMatchObject({ ok: true });
    expect(await call('admin', 'dev-supervisor', { action: 'setLaunch', open: true })).toMatchObject({ ok: true, data: { national: true } });
    expect(await call('centers', 'someone', { action: 'get', code: '321000' })).toMatchObject({ ok: true });
  });

  it('never builds the H5 pages itself, as only npm start does: without them it serves its functions and names the folder and the build command', async () => {
    const pages = mkdtempSync(path.join(tmpdir(), 'gjj-no-h5-'));
    try {
      host = await startLocalHost({ H5_DIR: pages });
      expect(host.output()).toContain(`没有 H5 页面（${pages} 中没有 index.html）`);
      expect(host.output()).toContain(`H5_DIR=${pages} NODE_ENV=production npx taro build --type h5`);
      expect(readdirSync(pages)).toEqual([]);
      expect((await fetch(`${host.url}/healthz`)).status).toBe(200);
    } finally {
      rmSync(pages, { recursive: true, force: true });
    }
  });

  it('answers an unknown function with 404 and a body that is not JSON with VALIDATION_FAILED', async () => {
    host = await startLocalHost();
    const unknown = await fetch(`${host.url}/api/nope`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ ok: false, code: 'UNKNOWN_FUNCTION' });
    const broken = await fetch(`${host.url}/api/centers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"action":' });
    expect(await broken.json()).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });

  it('takes an employee’s upload at POST /upload (what wx.cloud.uploadFile is deployed): named uploads/<random>, stored as sent, an empty one refused', async () => {
    host = await startLocalHost();
    const upload = (body: Buffer, openid?: string) =>
      fetch(`${host.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...(openid ? { 'x-wx-openid': openid } : {}) }, body: new Uint8Array(body) });
    const bytes = Buffer.from('%PDF-1.4 a contract %%EOF');
    const res = await upload(bytes, 'someone');
    const body = (await res.json()) as { ok: true; data: { fileId: string } };
    expect(body.data.fileId).toMatch(/^uploads\/[a-z0-9]{24}$/);
    const { readFile } = await import('node:fs/promises');
    const path = await import('node:path');
    expect(await readFile(path.join(host.dataDir, 'files', body.data.fileId))).toEqual(bytes);
    expect(await (await upload(bytes)).json()).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await (await upload(Buffer.alloc(0), 'someone')).json()).toMatchObject({ ok: false, fields: { file: '文件是空的' } });
  });

  it('stops cleanly on Ctrl-C and a second start reuses the data directory', async () => {
    host = await startLocalHost();
    const jump = await fetch(`${host.url}/api/centers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'jump', code: '321000', item: 1 }) });
    expect((await jump.json()).data.target.kind).toBe('web');
    const dataDir = host.dataDir;
    const code = await host.stop({ keepData: true });
    expect({ code, output: host.output() }).toMatchObject({ code: 0 }); // the output tells why, if it did not exit cleanly

    host = await startLocalHost({}, dataDir);
    const res = await fetch(`${host.url}/healthz`);
    expect(res.status).toBe(200);
    const { openPgliteStore } = await import('../../cloudfunctions/_lib/store/sql/pglite');
    await host.stop({ keepData: true });
    // the jump recorded by the first run is still there: same data directory, nothing reloaded over it
    const store = await openPgliteStore(dataDir);
    expect(await store.jumps.count({ centerCode: '321000' })).toBe(1);
    await store.close();
    host = await startLocalHost({}, dataDir);
  });
});
