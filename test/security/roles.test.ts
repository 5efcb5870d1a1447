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
import { envRoles, LocalEnvSchema } from '../../tools/local-cloud/config';
import { FUNCTIONS } from '../../tools/local-cloud/functions';
import { createLocalCloud } from '../../tools/local-cloud/server';
import { handleCallbackHttp } from '../../cloudfunctions/callbacks';
import type { OutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { relayDue, SECRETS_RETIRED } from '../../cloudfunctions/_lib/services/relay';
import { newWebhookId, signHeaders, verifySigned } from '../../cloudfunctions/_lib/delivery/signing';
import { submitApplication } from '../../cloudfunctions/_lib/applications/submit';
import { SECRET_RETIRE_GRACE_HOURS } from '../../src/core/roles';
import { formatShanghai } from '../../src/core/time';
import { open, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { catalogStore, contextFor, launched, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

/**
 * Attacks on roles (issue 11, point 6): staff who left kept the workbench (full names, ID numbers, bank
 * accounts) and the signing secret, because no role could be revoked; on the local host the environment's
 * roles were merged into every call, out of reach of any revocation. After review: a revoked staff member could
 * still sign callbacks with the secret they had seen, and a revoked supervisor's invites still made staff.
 */
jest.setTimeout(60_000);

const T0 = new Date('2026-11-20T10:00:00+08:00');
const SUZHOU = '320500';
const YANGZHOU = '321000';
const hoursAfter = (at: Date, hours: number) => new Date(at.getTime() + hours * 3600_000);
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

/** Points a center's endpoint (holding the secrets its staff rotated) at its API address, keeping its secrets. */
async function pointAt(centerCode: string, url: string): Promise<void> {
  const live = await store.endpoints.get(centerCode);
  if (!live) throw new Error(`${centerCode} has no endpoint`);
  await store.endpoints.put({ ...live, mode: 'api', url, updatedAt: T0 });
}

async function joinedStaff(openid: string, centerCode: string): Promise<void> {
  const invited = await callAdmin(boss, { action: 'inviteStaff', centerCode });
  if (!invited.ok) throw new Error(invited.message);
  const joined = await portal.handle({ action: 'joinCenter', code: (invited.data as { code: string }).code }, ctx({ openid, roles: [] }));
  if (!joined.ok) throw new Error(joined.message);
  // staff use the workbench and the counter only with a verified identity of their own
  await verifiedPerson(store, outside, openid, T0);
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
    // the secret they rotated (and saw in clear) retires after the grace, for the center to rotate in time
    expect(await store.endpoints.secretHolders(SUZHOU)).toEqual([expect.objectContaining({ shownTo: 'sec-leaver', retiresAt: hoursAfter(T0, SECRET_RETIRE_GRACE_HOURS) })]);
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

describe('the signing secrets a revoked staff member saw', () => {
  const center = YANGZHOU;
  const sent: { body: string; headers: Record<string, string> }[] = [];
  const capture: OutboundClient = {
    postJson: async (_url, body, headers) => (sent.push({ body, headers }), { kind: 'answered', status: 200, retryAfterSeconds: undefined }),
    close: async () => undefined,
  };
  /** A center's status callback signed (now, by the wall clock the signature library checks) with `secrets`, received at `at`. */
  const callback = (secrets: string[], at: Date) => {
    const body = JSON.stringify({ junk: true });
    const headers = signHeaders(secrets, newWebhookId(), new Date(), body);
    return handleCallbackHttp({ path: `/callbacks/${center}`, httpMethod: 'POST', headers, body }, contextFor(store, undefined, at, outside, 'call'));
  };
  /** Whether a callback got past the signature: its junk body is then refused as such (400), not as unsigned (401). */
  const passes = async (secrets: string[], at: Date) => {
    const answer = await callback(secrets, at);
    expect([400, 401]).toContain(answer.statusCode);
    return answer.statusCode === 400;
  };
  const rotate = async (openid: string) => {
    const answer = await portal.handle({ action: 'rotateSecret' }, ctx(await person(openid)));
    if (!answer.ok) throw new Error(answer.message);
    return (answer.data as { secret: string }).secret;
  };

  it('stop verifying callbacks and signing deliveries after the grace; one another staff member rotated is unaffected; the others see by when to rotate', async () => {
    await joinedStaff('sec-signer-stays', center);
    await joinedStaff('sec-signer-leaves', center);
    const kept = await rotate('sec-signer-stays');
    const seen = await rotate('sec-signer-leaves');
    await pointAt(center, 'https://gjj.yangzhou.gov.cn/hooks');
    expect(await callAdmin(boss, { action: 'revokeRole', openid: 'sec-signer-leaves', role: 'center-staff', centerCode: center })).toMatchObject({ ok: true });
    const retiresAt = hoursAfter(T0, SECRET_RETIRE_GRACE_HOURS);

    // the staff who stay are told to rotate, and by when; the audit says so too
    const overview = await portal.handle({ action: 'overview' }, ctx(await person('sec-signer-stays')));
    expect(overview).toMatchObject({ ok: true, data: { secrets: { valid: 2, rotateBy: retiresAt.toISOString(), notice: expect.stringContaining(`请在 ${formatShanghai(retiresAt)} 前更换签名密钥`) } } });
    expect(await store.audit.listFor(`center:${center}`)).toContainEqual(expect.objectContaining({ action: 'secret.retire', actor: boss.openid, detail: expect.stringContaining('1 个签名密钥将于') }));

    // within the grace the secret they saw still verifies; after it, only the other one does
    expect(await passes([seen], hoursAfter(T0, SECRET_RETIRE_GRACE_HOURS - 1))).toBe(true);
    expect(await passes([seen], retiresAt)).toBe(false);
    expect(await callback([seen], hoursAfter(T0, SECRET_RETIRE_GRACE_HOURS + 1))).toMatchObject({ statusCode: 401, body: expect.stringContaining('BAD_SIGNATURE') });
    expect(await passes([kept], hoursAfter(T0, SECRET_RETIRE_GRACE_HOURS + 1))).toBe(true);

    // the relay signs a delivery after the grace with the other secret only
    await verifiedPerson(store, outside, 'sec-applicant', T0);
    const applicant = { ...contextFor(store, { openid: 'sec-applicant', roles: [] }, T0, outside), now: T0 };
    await submitApplication(applicant, 'sec-applicant', {
      type: 'transfer',
      requestId: 'req-secret-retired',
      payload: { transferOutCenter: '110000', transferInCenter: center, formerEmployer: '北京某某科技有限公司', newEmployer: '扬州某某制造有限公司', newAccount: '3210098765', phone: '13912345678' },
    });
    const later = hoursAfter(T0, SECRET_RETIRE_GRACE_HOURS + 1);
    const relayOutside = testOutside({ keyring: outside.keyring, outbound: () => capture });
    expect(await relayDue({ store, log: createLogger({ level: 'silent' }), now: () => later, outside: relayOutside })).toMatchObject({ delivered: 1 });
    const [delivery] = sent;
    expect(delivery.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(verifySigned([kept], delivery.body, delivery.headers)).toMatchObject({ ok: true });
    expect(verifySigned([seen], delivery.body, delivery.headers)).toMatchObject({ ok: false });
  });

  it('once every secret of the center retired: callbacks are refused, deliveries wait (each attempt failing with the reason) until the center rotates', async () => {
    const lone = '320900';
    await joinedStaff('sec-lone-signer', lone);
    await joinedStaff('sec-lone-other', lone);
    const seen = (await portal.handle({ action: 'rotateSecret' }, ctx(await person('sec-lone-signer')))) as { ok: true; data: { secret: string } };
    await pointAt(lone, 'https://gjj.yancheng.gov.cn/hooks');
    await callAdmin(boss, { action: 'revokeRole', openid: 'sec-lone-signer', role: 'center-staff', centerCode: lone });
    const after = hoursAfter(T0, SECRET_RETIRE_GRACE_HOURS + 1);
    const answer = await handleCallbackHttp(
      { path: `/callbacks/${lone}`, httpMethod: 'POST', headers: signHeaders([seen.data.secret], newWebhookId(), new Date(), '{}'), body: '{}' },
      contextFor(store, undefined, after, outside, 'call'),
    );
    expect(answer.statusCode).toBe(401);
    expect(await portal.handle({ action: 'overview' }, ctx(await person('sec-lone-other'), after))).toMatchObject({
      ok: true,
      data: { secrets: { valid: 0, rotateBy: null, notice: expect.stringContaining('签名密钥已全部停用') } },
    });

    // a delivery due then is not sent: the attempt fails with the reason and is retried; once rotated, it goes
    await verifiedPerson(store, outside, 'sec-applicant-2', T0);
    const { id } = await submitApplication({ ...contextFor(store, { openid: 'sec-applicant-2', roles: [] }, T0, outside), now: T0 }, 'sec-applicant-2', {
      type: 'transfer',
      requestId: 'req-secret-all-retired',
      payload: { transferOutCenter: '110000', transferInCenter: lone, formerEmployer: '北京某某科技有限公司', newEmployer: '盐城某某制造有限公司', newAccount: '3209098765', phone: '13912345678' },
    });
    const relayOutside = testOutside({ keyring: outside.keyring, outbound: () => capture });
    sent.length = 0;
    expect(await relayDue({ store, log: createLogger({ level: 'silent' }), now: () => after, outside: relayOutside })).toMatchObject({ claimed: 1, delivered: 0, retrying: 1 });
    expect(sent).toEqual([]);
    const [record] = await store.outbox.listForApplication(id);
    expect(await store.outbox.attempts(record.id)).toEqual([expect.objectContaining({ httpStatus: null, error: SECRETS_RETIRED })]);

    const fresh = ((await portal.handle({ action: 'rotateSecret' }, ctx(await person('sec-lone-other'), after))) as { ok: true; data: { secret: string } }).data.secret;
    const retryAt = (await store.outbox.listForApplication(id))[0].dueAt;
    expect(await relayDue({ store, log: createLogger({ level: 'silent' }), now: () => retryAt, outside: relayOutside })).toMatchObject({ delivered: 1 });
    expect(verifySigned([fresh], sent[0].body, sent[0].headers)).toMatchObject({ ok: true });
  });
});

describe('signing secrets whoever set them, through rotations and repeated revocations', () => {
  const lookup = async (host: string) => {
    if (host !== 'gjj.example.cn') throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return ['36.112.10.20'];
  };
  const rotate = async (openid: string, at = T0) => {
    const answer = await portal.handle({ action: 'rotateSecret' }, ctx(await person(openid), at));
    if (!answer.ok) throw new Error(answer.message);
    return (answer.data as { secret: string }).secret;
  };

  it('records a supervisor who set a secret as its holder: it retires with their revocation, not with a staff member’s who never saw it', async () => {
    const center = '320200';
    await callAdmin(boss, { action: 'grantRole', openid: 'sec-boss-setter', role: 'supervisor' });
    const setter = await person('sec-boss-setter');
    const withLookup = testOutside({ keyring: outside.keyring, urlChecks: { lookup } });
    const event = { action: 'setEndpoint', centerCode: center, url: 'https://gjj.example.cn/hooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };
    expect(await admin.handle(event, contextFor(store, setter, T0, withLookup))).toMatchObject({ ok: true });
    expect(await store.endpoints.secretHolders(center)).toEqual([expect.objectContaining({ shownTo: 'sec-boss-setter', retiresAt: null })]);

    await joinedStaff('sec-never-saw', center);
    expect(await callAdmin(boss, { action: 'revokeRole', openid: 'sec-never-saw', role: 'center-staff', centerCode: center })).toMatchObject({ ok: true });
    expect(await store.endpoints.secretHolders(center)).toEqual([expect.objectContaining({ retiresAt: null })]);

    expect(await callAdmin(boss, { action: 'revokeRole', openid: 'sec-boss-setter', role: 'supervisor' })).toMatchObject({ ok: true });
    expect(await store.endpoints.secretHolders(center)).toEqual([expect.objectContaining({ retiresAt: hoursAfter(T0, SECRET_RETIRE_GRACE_HOURS) })]);
    expect(await store.audit.listFor(`center:${center}`)).toContainEqual(expect.objectContaining({ action: 'secret.retire', detail: expect.stringContaining('设置它的监管人员') }));
  });

  it('keeps the secret still serving when the newest one retired, and tells the staff to rotate meanwhile', async () => {
    const center = '320300';
    await joinedStaff('sec-rotates-first', center);
    await joinedStaff('sec-rotates-then-leaves', center);
    const serving = await rotate('sec-rotates-first');
    await rotate('sec-rotates-then-leaves');
    expect(await callAdmin(boss, { action: 'revokeRole', openid: 'sec-rotates-then-leaves', role: 'center-staff', centerCode: center })).toMatchObject({ ok: true });
    const after = hoursAfter(T0, SECRET_RETIRE_GRACE_HOURS + 1);

    // the newest secret retired, the older one still serves: the staff are told to rotate
    expect(await portal.handle({ action: 'overview' }, ctx(await person('sec-rotates-first'), after))).toMatchObject({
      ok: true,
      data: { secrets: { valid: 1, notice: expect.stringContaining('请立即更换签名密钥') } },
    });
    const fresh = await rotate('sec-rotates-first', after);
    const endpoint = await store.endpoints.get(center);
    const secrets = endpoint!.secretsSealed.map((s) => open(outside.keyring(), sealedAs.endpointSecret(center), s));
    expect(secrets).toEqual([fresh, serving]);
  });

  it('finishes retiring the secrets when a revoke is repeated after a failure between revoking and retiring', async () => {
    const center = '320400';
    await joinedStaff('sec-half-revoked', center);
    await rotate('sec-half-revoked');
    // the role was revoked but the call failed before the secrets retired
    expect(await store.roles.revoke('sec-half-revoked', { role: 'center-staff', centerCode: center }, T0, boss.openid)).toBe(true);
    expect(await store.endpoints.secretHolders(center)).toEqual([expect.objectContaining({ retiresAt: null })]);

    expect(await callAdmin(boss, { action: 'revokeRole', openid: 'sec-half-revoked', role: 'center-staff', centerCode: center })).toMatchObject({ ok: true, data: { active: false } });
    expect(await store.endpoints.secretHolders(center)).toEqual([expect.objectContaining({ retiresAt: hoursAfter(T0, SECRET_RETIRE_GRACE_HOURS) })]);
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

  it('cancels the invites a revoked supervisor made and nobody used, audited; other supervisors’ invites still work', async () => {
    await callAdmin(boss, { action: 'grantRole', openid: 'sec-boss-inviter', role: 'supervisor' });
    const inviter = await person('sec-boss-inviter');
    const made = await admin.handle({ action: 'inviteStaff', centerCode: '321100' }, ctx(inviter));
    const theirs = (made as { ok: true; data: { code: string } }).data.code;
    const ours = ((await callAdmin(boss, { action: 'inviteStaff', centerCode: '321100' })) as { ok: true; data: { code: string } }).data.code;
    expect(await callAdmin(boss, { action: 'revokeRole', openid: 'sec-boss-inviter', role: 'supervisor' })).toMatchObject({ ok: true });

    expect(await portal.handle({ action: 'joinCenter', code: theirs }, ctx({ openid: 'sec-invited', roles: [] }))).toMatchObject({ ok: false, code: 'INVITE_NOT_FOUND' });
    expect(await store.roles.rolesOf('sec-invited')).toEqual([]);
    expect(await store.audit.listFor('center:321100')).toContainEqual(
      expect.objectContaining({ actor: boss.openid, action: 'invite.cancel', detail: `邀请码 ${theirs.slice(0, 2)}${'*'.repeat(theirs.length - 2)} 已作废：创建它的监管人员已被撤销角色` }),
    );
    expect(await portal.handle({ action: 'joinCenter', code: ours }, ctx({ openid: 'sec-invited', roles: [] }))).toMatchObject({ ok: true, data: { centerCode: '321100' } });
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
    await store.roles.grant('sec-tester', { role: 'tester', province: '320000' });
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
    expect(await callAdmin(boss, { action: 'revokeRole', openid: 'sec-nobody', role: 'tester', province: '320000' })).toMatchObject({ ok: false, code: 'ROLE_NOT_FOUND' });
    expect(await callAdmin(boss, { action: 'grantRole', openid: 'sec-staff', role: 'center-staff', centerCode: SUZHOU })).toMatchObject({ ok: false, code: 'ALREADY_STAFF' });
  });
});

describe('roles from the local host’s environment', () => {
  it('makes each tester of TESTER_OPENIDS a tester of the province named, or of 320000, and refuses a province that does not exist', () => {
    const env = LocalEnvSchema.parse({ TESTER_OPENIDS: 'env-tester, env-tester-zj:330000' });
    expect(envRoles({ ...env, SUPERVISOR_OPENIDS: [], CENTER_STAFF: [], PROVINCIAL_SUPERVISORS: [] })).toEqual(
      new Map([
        ['env-tester', [{ role: 'tester', province: '320000' }]],
        ['env-tester-zj', [{ role: 'tester', province: '330000' }]],
      ]),
    );
    expect(LocalEnvSchema.safeParse({ TESTER_OPENIDS: 'env-tester:990000' }).error?.issues.map((i) => i.message)).toEqual(['TESTER_OPENIDS 中的省份代码不存在']);
  });

  it('are seeded into the store, can be revoked like any other, and stay revoked after a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gjj-roles-'));
    const roles = envRoles({ SUPERVISOR_OPENIDS: ['env-boss', 'env-boss-2'], TESTER_OPENIDS: [], CENTER_STAFF: ['env-staff:321000'], PROVINCIAL_SUPERVISORS: [] });
    const log = createLogger({ level: 'silent' });
    let base = '';
    const ask = async (_host: unknown, openid: string, fn: string, event: unknown) =>
      (await (await fetch(`${base}/api/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify(event) })).json()) as { ok: boolean; code?: string };
    let local = await openPgliteStore(dir);
    try {
      // the app is open to everyone (the demo's own start opens it): a revoked person is refused for want of a role
      await ensureCatalog(await launched(local));
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
