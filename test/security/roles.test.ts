import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as identity } from '../../cloudfunctions/identity';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as workbench } from '../../cloudfunctions/workbench';
import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';
import type { RoleView } from '../../src/core/roles';
import { envRoles } from '../../tools/local-cloud/config';
import { FUNCTIONS } from '../../tools/local-cloud/functions';
import { createLocalCloud } from '../../tools/local-cloud/server';
import { catalogStore, contextFor, testOutside } from '../support/function-context';

/**
 * Attacks on roles (issue 11, point 6): staff who left kept the workbench (full names, ID numbers, bank
 * accounts) and the signing secret, because no role could be revoked; on the local host the environment's
 * roles were merged into every call, out of reach of any revocation.
 */
jest.setTimeout(60_000);

const T0 = new Date('2026-11-20T10:00:00+08:00');
const SUZHOU = '320500';
const boss: Caller = { openid: 'sec-boss', roles: [{ role: 'supervisor' }] };

let store: Store;
let outside: ReturnType<typeof testOutside>;
beforeAll(async () => {
  store = await catalogStore();
  outside = testOutside();
  await store.roles.grant(boss.openid, { role: 'supervisor' }, { at: T0, by: 'bootstrap' });
});
afterAll(() => store.close());

/** The caller as the deployed runtime builds it on every invocation: roles read from the store. */
const person = async (openid: string): Promise<Caller> => ({ openid, roles: await store.roles.rolesOf(openid) });
const ctx = (caller: Caller, now = T0) => contextFor(store, caller, now, outside);
const callAdmin = (caller: Caller, event: unknown) => admin.handle(event, ctx(caller));

async function joinedStaff(openid: string, centerCode: string): Promise<void> {
  const invited = await callAdmin(boss, { action: 'inviteStaff', centerCode });
  if (!invited.ok) throw new Error(invited.message);
  const joined = await portal.handle({ action: 'joinCenter', code: (invited.data as { code: string }).code }, ctx({ openid, roles: [] }));
  if (!joined.ok) throw new Error(joined.message);
}

describe('a revoked staff member', () => {
  it('loses the portal, the secret rotation, the workbench and the counter on their very next call', async () => {
    await joinedStaff('sec-leaver', SUZHOU);
    const before = await person('sec-leaver');
    expect(await portal.handle({ action: 'rotateSecret' }, ctx(before))).toMatchObject({ ok: true });
    expect(await workbench.handle({ action: 'list' }, ctx(before))).toMatchObject({ ok: true });

    const revoked = await callAdmin(boss, { action: 'revokeRole', openid: 'sec-leaver', role: 'center-staff', centerCode: SUZHOU });
    expect(revoked).toMatchObject({ ok: true, data: { openid: 'sec-leaver', role: 'center-staff', centerCode: SUZHOU, active: false, revokedBy: boss.openid } });

    const after = await person('sec-leaver');
    for (const [fn, event] of [
      [portal, { action: 'overview' }],
      [portal, { action: 'rotateSecret' }],
      [portal, { action: 'runConformance' }],
      [workbench, { action: 'list' }],
      [identity, { action: 'viewCounter', code: 'ABCD2345' }],
    ] as const) {
      expect(await fn.handle(event, ctx(after))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
    // the endpoint still has only the secret rotated while they served
    expect((await store.endpoints.get(SUZHOU))?.secretsSealed).toHaveLength(1);
    const audit = await store.audit.listFor('roles:sec-leaver');
    expect(audit).toEqual([expect.objectContaining({ actor: boss.openid, action: 'role.revoke', detail: `中心工作人员 ${SUZHOU}` })]);
  });

  it('gets the role back only when a supervisor grants it again, audited', async () => {
    await joinedStaff('sec-returner', '320600');
    await callAdmin(boss, { action: 'revokeRole', openid: 'sec-returner', role: 'center-staff', centerCode: '320600' });
    expect(await portal.handle({ action: 'overview' }, ctx(await person('sec-returner')))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await callAdmin(boss, { action: 'grantRole', openid: 'sec-returner', role: 'center-staff', centerCode: '320600', displayName: '回归的人' })).toMatchObject({
      ok: true,
      data: { active: true, grantedBy: boss.openid, displayName: '回归的人', revokedAt: null },
    });
    expect(await portal.handle({ action: 'overview' }, ctx(await person('sec-returner')))).toMatchObject({ ok: true, data: { center: { code: '320600' } } });
    expect((await store.audit.listFor('roles:sec-returner')).map((e) => e.action)).toEqual(['role.revoke', 'role.grant']);
  });
});

describe('who may manage roles', () => {
  it('refuses a supervisor revoking their own supervisor role, so nobody locks everyone out', async () => {
    const result = await callAdmin(boss, { action: 'revokeRole', openid: boss.openid, role: 'supervisor' });
    expect(result).toEqual({
      ok: false,
      code: 'FORBIDDEN',
      message: '不能撤销自己的监管人员角色：请由另一位监管人员操作，以免无人能够管理角色',
      fields: { openid: '不能撤销自己的监管人员角色' },
    });
    expect(await store.roles.rolesOf(boss.openid)).toEqual([{ role: 'supervisor' }]);
  });

  it('lets one supervisor revoke another, who is refused on their next call', async () => {
    await callAdmin(boss, { action: 'grantRole', openid: 'sec-boss-2', role: 'supervisor' });
    const second = await person('sec-boss-2');
    expect(await callAdmin(second, { action: 'roles' })).toMatchObject({ ok: true });
    expect(await callAdmin(boss, { action: 'revokeRole', openid: 'sec-boss-2', role: 'supervisor' })).toMatchObject({ ok: true, data: { active: false } });
    expect(await callAdmin(await person('sec-boss-2'), { action: 'revokeRole', openid: boss.openid, role: 'supervisor' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await store.roles.rolesOf(boss.openid)).toEqual([{ role: 'supervisor' }]);
  });

  it('refuses staff and testers listing, revoking or granting roles, changing nothing', async () => {
    await joinedStaff('sec-staff', '320700');
    await store.roles.grant('sec-tester', { role: 'tester' });
    for (const caller of [await person('sec-staff'), await person('sec-tester')]) {
      expect(await callAdmin(caller, { action: 'roles' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await callAdmin(caller, { action: 'grantRole', openid: caller.openid, role: 'supervisor' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await callAdmin(caller, { action: 'revokeRole', openid: 'sec-staff', role: 'center-staff', centerCode: '320700' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
    expect(await store.roles.rolesOf('sec-staff')).toEqual([{ role: 'center-staff', centerCode: '320700' }]);
  });

  it('lists roles with who granted them when, in force first, and names the field of a malformed target', async () => {
    const listed = await callAdmin(boss, { action: 'roles' });
    if (!listed.ok) throw new Error(listed.message);
    const roles = listed.data as RoleView[];
    const firstRevoked = roles.findIndex((r) => !r.active);
    expect(firstRevoked).toBeGreaterThan(0);
    expect(roles.slice(firstRevoked).every((r) => !r.active)).toBe(true);
    expect(roles).toContainEqual(
      expect.objectContaining({ openid: 'sec-leaver', role: 'center-staff', roleLabel: '中心工作人员', centerCode: SUZHOU, centerName: '苏州市住房公积金管理中心', grantedBy: `invite:${boss.openid}`, active: false }),
    );
    expect(await callAdmin(boss, { action: 'revokeRole', openid: 'sec-staff', role: 'center-staff' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { centerCode: '中心工作人员须指明中心代码' } });
    expect(await callAdmin(boss, { action: 'grantRole', openid: 'a b', role: 'tester' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { openid: expect.stringContaining('openid') } });
    expect(await callAdmin(boss, { action: 'revokeRole', openid: 'sec-nobody', role: 'tester' })).toMatchObject({ ok: false, code: 'ROLE_NOT_FOUND' });
    expect(await callAdmin(boss, { action: 'grantRole', openid: 'sec-staff', role: 'center-staff', centerCode: SUZHOU })).toMatchObject({ ok: false, code: 'ALREADY_STAFF' });
  });
});

describe('roles from the local host’s environment', () => {
  it('are seeded into the store, can be revoked like any other, and stay revoked after a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gjj-roles-'));
    const roles = envRoles({ SUPERVISOR_OPENIDS: ['env-boss', 'env-boss-2'], TESTER_OPENIDS: [], CENTER_STAFF: ['env-staff:321000'] });
    const log = createLogger({ level: 'silent' });
    let base = '';
    const ask = async (_host: unknown, openid: string, fn: string, event: unknown) =>
      (await (await fetch(`${base}/api/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify(event) })).json()) as { ok: boolean; code?: string };
    let local = await openPgliteStore(dir);
    try {
      await ensureCatalog(local);
      let host = await createLocalCloud({ store: local, functions: FUNCTIONS, envRoles: roles, log, outside: testOutside() });
      base = await host.listen({ port: 0, host: '127.0.0.1' });
      expect(await ask(host, 'env-staff', 'portal', { action: 'overview' })).toMatchObject({ ok: true });
      expect(await ask(host, 'env-boss', 'admin', { action: 'revokeRole', openid: 'env-staff', role: 'center-staff', centerCode: '321000' })).toMatchObject({ ok: true });
      expect(await ask(host, 'env-boss', 'admin', { action: 'revokeRole', openid: 'env-boss-2', role: 'supervisor' })).toMatchObject({ ok: true });
      expect(await ask(host, 'env-staff', 'portal', { action: 'overview' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await ask(host, 'env-boss-2', 'admin', { action: 'roles' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      await host.close();
      await local.close();

      // the next start, same environment, same data: revoked roles are not granted again
      local = await openPgliteStore(dir);
      host = await createLocalCloud({ store: local, functions: FUNCTIONS, envRoles: roles, log, outside: testOutside() });
      base = await host.listen({ port: 0, host: '127.0.0.1' });
      expect(await ask(host, 'env-staff', 'portal', { action: 'overview' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await ask(host, 'env-boss-2', 'admin', { action: 'roles' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await ask(host, 'env-boss', 'admin', { action: 'roles' })).toMatchObject({ ok: true });
      expect(await local.roles.recordsOf('env-staff')).toEqual([expect.objectContaining({ grantedBy: 'local-env', revokedBy: 'env-boss' })]);
      await host.close();
    } finally {
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
