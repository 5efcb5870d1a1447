import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as centers } from '../../cloudfunctions/centers';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as trial } from '../../cloudfunctions/trial';
import { DOWNLOAD_PATH, localFileStore } from '../../cloudfunctions/_lib/files/local';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { writeLaunch } from '../../cloudfunctions/_lib/runtime/launch-state';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { CENTER_PAGE, TRIAL_JOIN_ATTEMPTS_PER_HOUR, TRIAL_JOIN_PAGE, type CodeImage, type CreatedTrialInvite, type TesterView, type TrialInviteView } from '../../src/core/trial';
import { catalogStore, contextFor, testOutside } from '../support/function-context';

/**
 * Testers invited by QR code and every center's poster code (issue 15): invites for a province with uses and an
 * expiry, joined atomically, revoked, limited, scoped to the supervisor's province and audited; testers listed and
 * revoked; the poster code and its scans.
 */
jest.setTimeout(60_000);

const T0 = new Date('2026-11-20T10:00:00+08:00');
const national: Caller = { openid: 'ti-national', roles: [{ role: 'supervisor' }] };
const jiangsu: Caller = { openid: 'ti-jiangsu', roles: [{ role: 'provincial-supervisor', province: '320000' }] };
const zhejiang: Caller = { openid: 'ti-zhejiang', roles: [{ role: 'provincial-supervisor', province: '330000' }] };
const staff: Caller = { openid: 'ti-staff', roles: [{ role: 'center-staff', centerCode: '321000' }] };
const person = (openid: string): Caller => ({ openid, roles: [] });

let store: Store;
const files = localFileStore(mkdtempSync(path.join(tmpdir(), 'gjj-codes-')));
const outside = testOutside({ files: () => files });
beforeAll(async () => {
  store = await catalogStore();
});
afterAll(() => store.close());

const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const callAdmin = (caller: Caller, event: unknown, now = T0) => admin.handle(event, contextFor(store, caller, now, outside));
const join = (caller: Caller, code: string, now = T0) => trial.handle({ action: 'join', code }, contextFor(store, caller, now, outside));
const data = <T>(result: { ok: boolean; data?: unknown }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.data as T;
};
const invite = async (caller: Caller, province: string, uses = 2, days = 7, now = T0) =>
  data<CreatedTrialInvite>(await callAdmin(caller, { action: 'createTrialInvite', province, uses, days }, now));
/** The PNG behind a code's link, as its person downloads it, checked against the sha256 the answer names. */
const decodePng = async (code: CodeImage, openid: string) => {
  const got = await files.download(code.image.url.slice(DOWNLOAD_PATH.length), openid, T0);
  if (got.status !== 200) throw new Error(`the code's link answered ${got.status}`);
  expect(createHash('sha256').update(got.bytes).digest('hex')).toBe(code.image.sha256);
  return PNG.sync.read(got.bytes);
};

describe('trial invites', () => {
  it('lets a national supervisor invite testers of any province and a provincial one only of their own, storing nothing on refusal', async () => {
    const created = await invite(national, '330000');
    expect(created).toMatchObject({ province: '330000', provinceName: '浙江省', uses: 2, usesLeft: 2, state: 'active', createdBy: '本人', revokedAt: null });
    expect(created.id).toMatch(/^inv[a-z0-9]{20}$/);
    expect(created.code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(created.expiresAt).toBe(new Date(T0.getTime() + 7 * 86_400_000).toISOString());
    expect(await invite(jiangsu, '320000')).toMatchObject({ province: '320000' });
    const before = (await store.trialInvites.list()).length;
    expect(await callAdmin(jiangsu, { action: 'createTrialInvite', province: '330000', uses: 1, days: 1 })).toMatchObject({ ok: false, code: 'FORBIDDEN', fields: { province: '只能选择江苏省' } });
    expect(await callAdmin(staff, { action: 'createTrialInvite', province: '320000', uses: 1, days: 1 })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await callAdmin(national, { action: 'createTrialInvite', province: '320000', uses: 0, days: 1 })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { uses: '可使用人数至少为 1' } });
    expect(await callAdmin(national, { action: 'createTrialInvite', province: '320000', uses: 1, days: 31 })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { days: '有效天数不超过 30 天' } });
    expect((await store.trialInvites.list()).length).toBe(before);
  });

  it('answers WeChat’s mini-program code opening the join page with the code as its scene when asked', async () => {
    const created = data<CreatedTrialInvite & { image: CodeImage }>(await callAdmin(national, { action: 'createTrialInvite', province: '320000', uses: 1, days: 1, image: true }));
    expect(created.image).toMatchObject({ image: { contentType: 'image/png', name: '内部试用邀请码.png' }, page: TRIAL_JOIN_PAGE, scene: `t=${created.code}` });
    // a link, not the image: the answer stays small
    expect(Buffer.byteLength(JSON.stringify(created))).toBeLessThan(2048);
    expect((await decodePng(created.image, national.openid)).width).toBeGreaterThan(100);
    expect(outside.simulator.codesMade().at(-1)).toEqual({ scene: `t=${created.code}`, page: TRIAL_JOIN_PAGE });
  });

  it('makes the caller a tester of the invite’s province, once: joining again answers the same and uses nothing more', async () => {
    const created = await invite(jiangsu, '320000', 2);
    expect(data(await join(person('ti-p1'), created.code.toLowerCase()))).toEqual({ province: '320000', provinceName: '江苏省' });
    expect(await store.roles.rolesOf('ti-p1')).toEqual([{ role: 'tester', province: '320000' }]);
    expect(data(await join(person('ti-p1'), created.code, at(1)))).toEqual({ province: '320000', provinceName: '江苏省' });
    const listed = data<TrialInviteView[]>(await callAdmin(jiangsu, { action: 'trialInvites' })).find((i) => i.id === created.id);
    expect(listed).toMatchObject({ usesLeft: 1, state: 'active' });
    expect((await store.audit.listFor('roles:ti-p1')).map((e) => [e.action, e.detail])).toEqual([['trial.join', `内部测试人员 320000（试用邀请码 ${created.code.slice(0, 2)}******）`]]);
  });

  it('refuses a tester of one province an invite of another, with a clear message, using nothing of it', async () => {
    const first = await invite(national, '320000', 1);
    data(await join(person('ti-two'), first.code));
    const other = await invite(national, '110000', 1);
    expect(await join(person('ti-two'), other.code, at(1))).toEqual({
      ok: false,
      code: 'FORBIDDEN',
      message: '您已是江苏省的内部测试人员，不能再加入其他省份的试用；如需更换省份，请先请监管人员撤销原资格',
      fields: { code: '您已是江苏省的内部测试人员，不能再加入其他省份的试用；如需更换省份，请先请监管人员撤销原资格' },
    });
    expect(await store.roles.rolesOf('ti-two')).toEqual([{ role: 'tester', province: '320000' }]);
    expect(await store.trialInvites.get(other.id)).toMatchObject({ used: 0 });
    expect((await store.audit.listFor('roles:ti-two')).map((e) => e.action)).toEqual(['trial.join']);
  });

  it('refuses an unknown, expired, revoked and used-up code alike, granting nothing', async () => {
    const used = await invite(national, '320000', 1);
    data(await join(person('ti-u1'), used.code));
    const expiring = await invite(national, '320000', 5, 1);
    const revoked = await invite(national, '320000', 5);
    data(await callAdmin(national, { action: 'revokeTrialInvite', id: revoked.id }));
    const refusal = { ok: false, code: 'INVITE_NOT_FOUND', message: '邀请码无效、已过期或已用完，请向监管部门重新索取', fields: { code: '邀请码无效、已过期或已用完' } };
    expect(await join(person('ti-r1'), 'ABCDEFGH')).toEqual(refusal);
    expect(await join(person('ti-r2'), expiring.code, new Date(T0.getTime() + 86_400_000))).toEqual(refusal);
    expect(await join(person('ti-r3'), revoked.code)).toEqual(refusal);
    expect(await join(person('ti-r4'), used.code)).toEqual(refusal);
    for (const openid of ['ti-r1', 'ti-r2', 'ti-r3', 'ti-r4']) expect(await store.roles.rolesOf(openid)).toEqual([]);
    expect(await join(person('ti-r5'), 'bad')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { code: '邀请码应为 8 位字母或数字' } });
  });

  it('limits the tries a person makes in an hour, counting each before the code is looked at', async () => {
    const created = await invite(national, '320000', 5);
    for (let i = 0; i < TRIAL_JOIN_ATTEMPTS_PER_HOUR; i++) expect(await join(person('ti-guess'), `WXYZ${i + 2}AAA`, at(i))).toMatchObject({ code: 'INVITE_NOT_FOUND' });
    expect(await join(person('ti-guess'), created.code, at(10))).toMatchObject({ ok: false, code: 'TOO_MANY_ATTEMPTS', fields: { code: '邀请码输入次数过多' } });
    expect(await store.roles.rolesOf('ti-guess')).toEqual([]);
    // the next hour counts afresh
    expect(data(await join(person('ti-guess'), created.code, at(60)))).toMatchObject({ province: '320000' });
  });

  it('lets no more people join than the invite’s uses when they join at once', async () => {
    const created = await invite(national, '340000', 3);
    const people = Array.from({ length: 8 }, (_, i) => `ti-race-${i}`);
    const results = await Promise.all(people.map((openid) => join(person(openid), created.code)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.code === 'INVITE_NOT_FOUND')).toBe(true);
    expect((await store.trialInvites.get(created.id))?.used).toBe(3);
  });

  it('lets a person join before launch, when everything else is closed to them', async () => {
    const created = await invite(national, '320000', 1);
    await writeLaunch(store, { national: false, provinces: [] });
    try {
      expect(data(await join(person('ti-early'), created.code))).toMatchObject({ province: '320000' });
    } finally {
      await writeLaunch(store, { national: true, provinces: [] });
    }
  });

  it('revokes an invite within the supervisor’s province, once, audited under the province', async () => {
    const created = await invite(jiangsu, '320000', 3);
    expect(await callAdmin(zhejiang, { action: 'revokeTrialInvite', id: created.id })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(data(await callAdmin(jiangsu, { action: 'revokeTrialInvite', id: created.id }, at(5)))).toMatchObject({ state: 'revoked', usesLeft: 0, revokedAt: at(5).toISOString() });
    expect(data(await callAdmin(jiangsu, { action: 'revokeTrialInvite', id: created.id }, at(6)))).toMatchObject({ revokedAt: at(5).toISOString() });
    expect(await callAdmin(jiangsu, { action: 'revokeTrialInvite', id: 'inv00000000000000000000' })).toMatchObject({ ok: false, code: 'INVITE_NOT_FOUND', fields: { id: '没有找到这个试用邀请' } });
    const audit = (await store.audit.listFor('province:320000')).filter((e) => e.detail.includes(created.id));
    expect(audit.map((e) => [e.action, e.actor])).toEqual([['trial.invite', 'ti-jiangsu'], ['trial.invite.revoke', 'ti-jiangsu']]);
    expect(audit.map((e) => e.detail).join()).not.toContain(created.code);
  });

  it('lists only the invites of the caller’s provinces, with each one’s state, naming the maker without an openid', async () => {
    const mine = data<TrialInviteView[]>(await callAdmin(zhejiang, { action: 'trialInvites' }));
    expect(mine.map((i) => i.province)).toEqual(['330000']);
    expect(mine[0].createdBy).toBe('监管人员');
    expect(JSON.stringify(mine)).not.toContain('ti-national');
    const all = data<TrialInviteView[]>(await callAdmin(national, { action: 'trialInvites' }));
    expect(new Set(all.map((i) => i.state))).toEqual(new Set(['active', 'used-up', 'revoked']));
    expect(all.every((i) => !('code' in i))).toBe(true);
  });
});

describe('testers', () => {
  it('lists the testers of the caller’s provinces by a handle, never an openid, and lets a provincial supervisor revoke one of theirs by it, not of another province', async () => {
    const zj = await invite(national, '330000', 1);
    data(await join(person('ti-zj-tester'), zj.code));
    const listed = data<TesterView[]>(await callAdmin(jiangsu, { action: 'testers' }));
    expect(listed.length).toBeGreaterThan(1);
    expect(listed.every((t) => t.province === '320000' && /^[a-f0-9]{32}$/.test(t.tester))).toBe(true);
    // no openid anywhere: not the testers', not the invite makers' (本人, 监管人员), not in the handles
    expect(JSON.stringify(listed)).not.toContain('ti-');
    expect(JSON.stringify(listed)).not.toContain('invite:');
    // ti-p1 joined with this supervisor's own invite
    const mine = listed.filter((t) => t.grantedBy === '本人');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ name: '内部测试人员', provinceName: '江苏省', active: true, revokedAt: null, revokedBy: null });
    expect(data<TesterView[]>(await callAdmin(jiangsu, { action: 'testers' })).map((t) => t.tester)).toEqual(listed.map((t) => t.tester));
    const [zjTester] = data<TesterView[]>(await callAdmin(zhejiang, { action: 'testers' }));
    expect(await callAdmin(jiangsu, { action: 'revokeTester', tester: zjTester.tester })).toMatchObject({ ok: false, code: 'ROLE_NOT_FOUND', fields: { tester: '没有找到这位测试人员' } });
    expect(await store.roles.rolesOf('ti-zj-tester')).toEqual([{ role: 'tester', province: '330000' }]);
    // revokeRole (which names people by openid) is national supervisors' alone
    expect(await callAdmin(jiangsu, { action: 'revokeRole', openid: 'ti-p1', role: 'tester', province: '320000' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await callAdmin(jiangsu, { action: 'revokeRole', openid: 'some-staff', role: 'center-staff', centerCode: '321000' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const revoked = data<TesterView>(await callAdmin(jiangsu, { action: 'revokeTester', tester: mine[0].tester }, at(100)));
    expect(revoked).toMatchObject({ tester: mine[0].tester, active: false, revokedAt: at(100).toISOString(), revokedBy: '本人' });
    expect(JSON.stringify(revoked)).not.toContain('ti-');
    expect(await store.roles.rolesOf('ti-p1')).toEqual([]);
    expect((await store.audit.listFor('roles:ti-p1')).map((e) => [e.action, e.actor])).toEqual([['trial.join', 'ti-p1'], ['role.revoke', 'ti-jiangsu']]);
    // revoking again answers the revoked role and audits nothing more
    expect(data(await callAdmin(jiangsu, { action: 'revokeTester', tester: mine[0].tester }, at(101)))).toMatchObject({ active: false, revokedAt: at(100).toISOString() });
    expect(await store.audit.listFor('roles:ti-p1')).toHaveLength(2);
    // an invite does not give the role back: a supervisor grants it again
    const again = await invite(jiangsu, '320000', 1);
    expect(await join(person('ti-p1'), again.code, at(120))).toMatchObject({ ok: false, code: 'FORBIDDEN', fields: { code: '内部测试资格已被撤销' } });
    const all = data<TesterView[]>(await callAdmin(national, { action: 'testers' }));
    expect(all.map((t) => t.province)).toContain('330000');
    expect(all.find((t) => t.tester === mine[0].tester)).toMatchObject({ active: false, revokedBy: '监管人员' });
    expect(await callAdmin(staff, { action: 'testers' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await callAdmin(staff, { action: 'revokeTester', tester: zjTester.tester })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await callAdmin(jiangsu, { action: 'revokeTester', tester: 'ti-zj-tester' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { tester: '测试人员编号格式不正确' } });
  });
});

describe('every center’s poster code', () => {
  it('gives staff their center’s mini-program code opening the center page, and nobody else one', async () => {
    const image = data<CodeImage>(await portal.handle({ action: 'posterCode' }, contextFor(store, staff, T0, outside)));
    expect(image).toMatchObject({ image: { contentType: 'image/png', name: '本中心小程序码.png' }, page: CENTER_PAGE, scene: 'c=321000' });
    expect(Buffer.byteLength(JSON.stringify(image))).toBeLessThan(2048);
    expect((await decodePng(image, staff.openid)).height).toBeGreaterThan(100);
    // the link is the staff's own
    expect(await files.download(image.image.url.slice(DOWNLOAD_PATH.length), 'someone-else', T0)).toEqual({ status: 403 });
    expect(await portal.handle({ action: 'posterCode' }, contextFor(store, jiangsu, T0, outside))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('counts scans per center and China day, once a day for a signed-in person without a role, and refuses an unknown center', async () => {
    const scan = (caller: Caller | undefined, code: string, now: Date) => centers.handle({ action: 'scanned', code }, contextFor(store, caller, now, outside));
    expect(data(await scan(person('ti-scan'), '320100', T0))).toEqual({ counted: true });
    expect(data(await scan(person('ti-scan'), '320100', at(30)))).toEqual({ counted: false });
    // nobody signed in, however often, and people holding a role (a tester trying the poster, staff) count nothing
    expect(data(await scan(undefined, '320100', at(31)))).toEqual({ counted: false });
    expect(data(await scan(undefined, '320100', at(32)))).toEqual({ counted: false });
    expect(data(await scan({ openid: 'ti-scan-tester', roles: [{ role: 'tester', province: '320000' }] }, '320100', at(33)))).toEqual({ counted: false });
    expect(data(await scan(staff, '320100', at(34)))).toEqual({ counted: false });
    // 00:30 the next day in China (16:30 UTC the same day): a new day
    expect(data(await scan(person('ti-scan'), '320100', new Date('2026-11-21T00:30:00+08:00')))).toEqual({ counted: true });
    expect(await scan(undefined, '999999', T0)).toMatchObject({ ok: false, code: 'CENTER_NOT_FOUND' });
    expect(await store.scans.countByCenter('2026-11-20', '2026-11-21')).toEqual(new Map([['320100', 1]]));
    expect(await store.scans.countByCenter('2026-11-21', '2026-11-22')).toEqual(new Map([['320100', 1]]));
  });
});
