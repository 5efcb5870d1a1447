import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as portal } from '../../cloudfunctions/portal';
import type { HostLookup } from '../../cloudfunctions/_lib/delivery/http';
import { generateKeyringEnv, open, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { localFileStore } from '../../cloudfunctions/_lib/files/local';
import type { Caller, Outside } from '../../cloudfunctions/_lib/runtime/define';
import { createOutside } from '../../cloudfunctions/_lib/runtime/outside';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { catalogStore, contextFor, testOutside } from '../support/function-context';

/**
 * Supervisors pointing a center at its API endpoint, or its workbench, at once (`admin.setEndpoint`,
 * `admin.setManual`): the URL rules as at review, and the center's signing secrets kept unless replaced.
 */
const T0 = new Date('2026-11-20T10:00:00+08:00');
const supervisor: Caller = { openid: 'sup', roles: [{ role: 'supervisor' }] };
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const names: Record<string, string[]> = { 'gjj.example.cn': ['36.112.10.20'], 'evil.example': ['127.0.0.1'] };
const lookup: HostLookup = async (host) => {
  const found = names[host];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found;
};

let store: Store;
const outside = testOutside({ urlChecks: { lookup } });
beforeAll(async () => {
  store = await catalogStore();
});
afterAll(() => store.close());

const callAdmin = (caller: Caller, event: unknown, out: Outside = outside) => admin.handle(event, contextFor(store, caller, T0, out));
const secretsOf = async (centerCode: string) => ((await store.endpoints.get(centerCode))?.secretsSealed ?? []).map((s) => open(outside.keyring(), sealedAs.endpointSecret(centerCode), s));

describe('admin.setEndpoint', () => {
  it('lets only supervisors point a center at an endpoint passing the URL rules, resolving now, with its secret sealed', async () => {
    const center = '310000';
    const event = { action: 'setEndpoint', centerCode: center, url: 'https://GJJ.example.cn/api/../applications', secret: SECRET };
    expect(await callAdmin({ openid: 'nobody', roles: [] }, event)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    for (const [url, why] of [
      ['http://gjj.example.cn/x', 'https'],
      ['https://gjj.example.cn:8443/x', '443'],
      ['https://127.0.0.1/x', 'IP 地址'],
      ['https://evil.example/x', '127.0.0.1'],
      ['https://not-yet.example.cn/x', '无法解析'],
    ]) {
      expect(await callAdmin(supervisor, { ...event, url })).toMatchObject({ ok: false, code: 'UNSAFE_URL', message: expect.stringContaining(why), fields: { url: expect.stringContaining(why) } });
    }
    expect(await store.endpoints.get(center)).toBeUndefined();

    expect(await callAdmin(supervisor, event)).toEqual({ ok: true, data: { centerCode: center, mode: 'api', url: 'https://gjj.example.cn/applications' } });
    const endpoint = await store.endpoints.get(center);
    expect(endpoint).toMatchObject({ mode: 'api', url: 'https://gjj.example.cn/applications' });
    expect(JSON.stringify(endpoint)).not.toContain(SECRET.slice(6));
    expect(await secretsOf(center)).toEqual([SECRET]);
  });

  it('keeps the center’s own secrets when none is given, replaces them when one is, and refuses a center without any', async () => {
    const center = '321000';
    const event = { action: 'setEndpoint', centerCode: center, url: 'https://gjj.example.cn/hooks' };
    expect(await callAdmin(supervisor, event)).toMatchObject({ ok: false, code: 'SECRET_NOT_SET', fields: { secret: expect.any(String) } });
    expect(await store.endpoints.get(center)).toBeUndefined();

    // the center's staff make two secrets in the portal
    const invited = await callAdmin(supervisor, { action: 'inviteStaff', centerCode: center });
    if (!invited.ok) throw new Error(invited.message);
    const staff: Caller = { openid: 'staff-321000', roles: [] };
    await portal.handle({ action: 'joinCenter', code: (invited.data as { code: string }).code }, contextFor(store, staff, T0, outside));
    const member: Caller = { openid: staff.openid, roles: await store.roles.rolesOf(staff.openid) };
    for (let i = 0; i < 2; i += 1) await portal.handle({ action: 'rotateSecret' }, contextFor(store, member, T0, outside));
    const own = await secretsOf(center);
    expect(own).toHaveLength(2);

    expect(await callAdmin(supervisor, event)).toMatchObject({ ok: true, data: { mode: 'api', url: 'https://gjj.example.cn/hooks' } });
    expect(await secretsOf(center)).toEqual(own);
    expect(await callAdmin(supervisor, { ...event, secret: SECRET })).toMatchObject({ ok: true });
    expect(await secretsOf(center)).toEqual([SECRET]);
  });

  it('reaches the local host’s own simulator through DEV_ALLOW_ENDPOINTS, as deliveries do', async () => {
    const local = createOutside(
      { ...generateKeyringEnv(), DEV_ALLOW_ENDPOINTS: '127.0.0.1:9443' },
      { productionBuild: false, files: () => localFileStore(mkdtempSync(path.join(tmpdir(), 'gjj-files-'))), nudgeRelay: () => undefined },
    );
    const event = { action: 'setEndpoint', centerCode: '320100', url: 'https://127.0.0.1:9443/hooks/320100', secret: SECRET };
    expect(await callAdmin(supervisor, event, local)).toMatchObject({ ok: true, data: { url: 'https://127.0.0.1:9443/hooks/320100' } });
    expect(await callAdmin(supervisor, { ...event, url: 'https://127.0.0.1:9444/hooks/320100' }, local)).toMatchObject({ ok: false, code: 'UNSAFE_URL' });
  });
});

describe('admin.setManual', () => {
  it('moves a center to the workbench keeping its secrets, for when it returns to its API', async () => {
    const center = '320200';
    expect(await callAdmin(supervisor, { action: 'setEndpoint', centerCode: center, url: 'https://gjj.example.cn/hooks', secret: SECRET })).toMatchObject({ ok: true });
    expect(await callAdmin(supervisor, { action: 'setManual', centerCode: center })).toEqual({ ok: true, data: { centerCode: center, mode: 'manual' } });
    expect(await store.endpoints.get(center)).toMatchObject({ mode: 'manual', url: null });
    expect(await secretsOf(center)).toEqual([SECRET]);
    // back to its API without giving the secret again
    expect(await callAdmin(supervisor, { action: 'setEndpoint', centerCode: center, url: 'https://gjj.example.cn/hooks' })).toMatchObject({ ok: true });
    expect(await secretsOf(center)).toEqual([SECRET]);

    // a center never set up gets the workbench with no secrets
    expect(await callAdmin(supervisor, { action: 'setManual', centerCode: '320300' })).toMatchObject({ ok: true });
    expect(await store.endpoints.get('320300')).toMatchObject({ mode: 'manual', url: null, secretsSealed: [] });
  });
});
