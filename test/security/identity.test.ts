import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkbenchEntry } from '../../src/core/applications';
import { CONSENT_VERSION } from '../../src/core/consent';
import { idCheckChar, type IdentityView } from '../../src/core/identity';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as identity } from '../../cloudfunctions/identity';
import { handler as workbench } from '../../cloudfunctions/workbench';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import {
  MAX_COUNTER_REQUESTS_PER_DOC,
  MAX_COUNTER_REQUESTS_PER_OPENID,
  MAX_STARTS_PER_DOC,
  MAX_STARTS_PER_OPENID,
} from '../../cloudfunctions/_lib/services/identity';
import { runCentersDaily } from '../../cloudfunctions/_lib/services/portal';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';
import { certHash } from '../../cloudfunctions/_lib/wechat';
import { catalogStore, contextFor, testOutside } from '../support/function-context';

jest.setTimeout(60_000);

/**
 * Attacks on identity (issue 11, points 1, 4 and 5), replayed against the functions: a center's staff member
 * taking over another person's identity at the counter, then handling that person's application themselves;
 * unlimited verification starts and counter requests; ID numbers taken without consent; an unkeyed hash of
 * name + ID kept for ever.
 */
const T0 = new Date('2026-11-20T10:00:00+08:00');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const YANGZHOU = '321000';
const NANJING = '320100';

let serial = 0;
/** A valid resident ID nobody else in this file uses (Beijing 东城, born 1975-06-15). */
function freshId(): string {
  const first17 = `11010119750615${String(++serial).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}
const person = (label: string) => `sec-id-${label}-${++serial}`;

let store: Store;
const outside = testOutside();
beforeAll(async () => {
  store = await catalogStore();
});
afterAll(() => store.close());

/** The caller as a deployed function sees them: roles read from the store. */
const callerOf = async (openid: string): Promise<Caller> => ({ openid, roles: await store.roles.rolesOf(openid) });
const id = async (openid: string, event: Record<string, unknown>, at = T0) => identity.handle(event, contextFor(store, await callerOf(openid), at, outside));
const bench = async (openid: string, event: Record<string, unknown>, at = T0) => workbench.handle(event, contextFor(store, await callerOf(openid), at, outside));

async function staffOf(centerCode: string, label: string): Promise<string> {
  const openid = person(label);
  await store.roles.grant(openid, { role: 'center-staff', centerCode });
  return openid;
}

const consent = (openid: string, at = T0) => id(openid, { action: 'consent', version: CONSENT_VERSION }, at);

async function faceVerified(openid: string, name: string, docNumber: string, at = T0): Promise<void> {
  await consent(openid, at);
  const started = await id(openid, { action: 'start', name, docType: '01', docNumber, consentVersion: CONSENT_VERSION }, at);
  if (!started.ok) throw new Error(started.message);
  const confirmed = await id(openid, { action: 'confirm', verifyId: (started.data as { verifyId: string }).verifyId }, at);
  if (!confirmed.ok) throw new Error(confirmed.message);
}

async function counterCode(openid: string, name: string, docNumber: string, at = T0): Promise<string> {
  await consent(openid, at);
  const requested = await id(openid, { action: 'requestCounter', name, docType: '01', docNumber, consentVersion: CONSENT_VERSION }, at);
  if (!requested.ok) throw new Error(requested.message);
  return (requested.data as { code: string }).code;
}

const status = async (openid: string, at = T0) => ((await id(openid, { action: 'status' }, at)) as { data: IdentityView }).data;

describe('a center’s staff member cannot take over another person’s identity at the counter', () => {
  it('refuses a counter request made by a staff member, and their confirmation of a code they asked for before they were staff', async () => {
    const victim = person('victim');
    const victimId = freshId();
    await faceVerified(victim, '王芳', victimId);
    const staff = await staffOf(YANGZHOU, 'staff');
    await consent(staff);

    // the attack as reproduced: staff ask for a code with the victim's name and number ...
    const asked = await id(staff, { action: 'requestCounter', name: '王芳', docType: '01', docNumber: victimId, consentVersion: CONSENT_VERSION });
    expect(asked).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('人脸核身') });

    // ... or asked before they held the role, then confirm it themselves
    const becameStaff = person('later-staff');
    const code = await counterCode(becameStaff, '王芳', victimId);
    await store.roles.grant(becameStaff, { role: 'center-staff', centerCode: YANGZHOU });
    expect(await id(becameStaff, { action: 'viewCounter', code })).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('本人') });
    expect(await id(becameStaff, { action: 'confirmCounter', code, docNumber: victimId })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    // nor may a colleague confirm a code a role-holder asked for
    expect(await id(staff, { action: 'viewCounter', code })).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('工作人员') });
    expect(await id(staff, { action: 'confirmCounter', code, docNumber: victimId })).toMatchObject({ ok: false, code: 'FORBIDDEN' });

    expect(await status(victim)).toMatchObject({ status: 'verified', method: 'face' });
    expect(await status(becameStaff)).toMatchObject({ status: 'none' });
  });

  it('shows staff only the masked number and wants the number typed from the document: a wrong one is refused, naming docNumber, and counted', async () => {
    const employee = person('employee');
    const docNumber = freshId();
    const code = await counterCode(employee, '赵六', docNumber);
    const staff = await staffOf(YANGZHOU, 'window');

    const viewed = await id(staff, { action: 'viewCounter', code });
    expect(viewed).toMatchObject({ ok: true, data: { name: '赵六', docNumberMasked: `1${'*'.repeat(16)}${docNumber[17]}` } });
    expect(JSON.stringify(viewed)).not.toContain(docNumber);
    // without the document the number cannot be typed: a guess is refused and counted as a failure
    expect(await id(staff, { action: 'confirmCounter', code })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { docNumber: expect.any(String) } });
    const wrong = freshId();
    expect(await id(staff, { action: 'confirmCounter', code, docNumber: wrong })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { docNumber: expect.stringContaining('不一致') } });
    expect(await store.attempts.failuresSince(`staff:${staff}`, later(-60))).toBe(1);
    expect(await status(employee)).toMatchObject({ status: 'none' });
    expect(await id(staff, { action: 'confirmCounter', code, docNumber })).toMatchObject({ ok: true, data: { status: 'confirmed' } });
    expect(await status(employee)).toMatchObject({ status: 'verified', method: 'counter' });
  });

  it('moves a face-verified binding only when a second staff member of the same center confirms, and tells the old holder when and where', async () => {
    const victim = person('victim');
    const victimId = freshId();
    await faceVerified(victim, '王芳', victimId);
    const accomplice = person('accomplice');
    const code = await counterCode(accomplice, '王芳', victimId, later(5));
    const first = await staffOf(YANGZHOU, 'first');
    const second = await staffOf(YANGZHOU, 'second');
    const elsewhere = await staffOf(NANJING, 'elsewhere');

    expect(await id(first, { action: 'viewCounter', code }, later(6))).toMatchObject({ ok: true, data: { movesBinding: true, status: 'pending' } });
    expect(await id(first, { action: 'confirmCounter', code, docNumber: victimId }, later(6))).toEqual({ ok: true, data: { status: 'awaiting-second' } });
    // one staff member alone changes nothing
    expect(await status(victim, later(6))).toMatchObject({ status: 'verified', method: 'face' });
    expect(await status(accomplice, later(6))).toMatchObject({ status: 'none' });
    expect(await id(first, { action: 'confirmCounter', code, docNumber: victimId }, later(7))).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('另一位') });
    expect(await id(first, { action: 'viewCounter', code }, later(7))).toMatchObject({ ok: true, data: { confirmedByYou: true, status: 'awaiting-second' } });
    expect(await id(elsewhere, { action: 'confirmCounter', code, docNumber: victimId }, later(7))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await status(victim, later(7))).toMatchObject({ status: 'verified' });

    expect(await id(second, { action: 'confirmCounter', code, docNumber: victimId }, later(8))).toEqual({ ok: true, data: { status: 'confirmed' } });
    expect(await status(accomplice, later(8))).toMatchObject({ status: 'verified', method: 'counter' });
    const told = await status(victim, later(9));
    expect(told.status).toBe('none');
    expect(told.notices).toEqual([
      {
        at: later(8).toISOString(),
        text: expect.stringMatching(/^您的证件已于 2026-11-20 10:08 在扬州市住房公积金管理中心柜台核验后绑定到另一个微信账号/),
      },
    ]);
    expect(outside.simulator.sentMessages().filter((m) => m.touser === victim)).toEqual([
      expect.objectContaining({ page: 'pages/mine/index', data: expect.objectContaining({ time3: '2026-11-20 10:08', thing4: '扬州市住房公积金管理中心' }) }),
    ]);
    const audit = await store.audit.listFor(`openid:${accomplice}`);
    expect(audit.filter((e) => e.action === 'identity.counter-first-confirmed' || e.action === 'identity.bound').map((e) => e.actor)).toEqual([first, second]);
  });
});

describe('staff never handle their own application in the workbench', () => {
  const payload = {
    transferOutCenter: '110000',
    transferInCenter: YANGZHOU,
    formerEmployer: '北京某某科技有限公司',
    newEmployer: '扬州某某制造有限公司',
    newAccount: '3210098765',
    phone: '13912345678',
  };
  const submit = async (openid: string) => {
    const result = await applications.handle(
      { action: 'submit', type: 'transfer', requestId: `req-${openid}`, payload },
      contextFor(store, await callerOf(openid), T0, outside),
    );
    if (!result.ok) throw new Error(result.message);
    return (result.data as { id: string }).id;
  };

  it('hides the staff member’s own application and refuses to open or move it, by openid and by their document on another account', async () => {
    const staff = await staffOf(YANGZHOU, 'bench');
    const colleague = await staffOf(YANGZHOU, 'colleague');
    const ownId = freshId();
    // their second WeChat account verifies with their document and applies, then they verify on the staff account
    const secondAccount = person('second-account');
    await faceVerified(secondAccount, '钱七', ownId);
    const viaSecond = await submit(secondAccount);
    await faceVerified(staff, '钱七', ownId, later(1));
    const own = await submit(staff);

    const listed = (await bench(staff, { action: 'list' })) as { ok: true; data: WorkbenchEntry[] };
    expect(listed.ok).toBe(true);
    expect(listed.data.map((e) => e.id)).not.toEqual(expect.arrayContaining([own]));
    expect(listed.data.map((e) => e.id)).not.toEqual(expect.arrayContaining([viaSecond]));
    for (const appId of [own, viaSecond]) {
      expect(await bench(staff, { action: 'get', id: appId })).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('本人') });
      expect(await bench(staff, { action: 'advance', id: appId, code: '01' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await bench(staff, { action: 'reject', id: appId, reason: '材料不全，请补充' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      // a colleague handles it
      expect(await bench(colleague, { action: 'get', id: appId })).toMatchObject({ ok: true });
    }
    expect((await store.applications.get(own))?.status).not.toBe('rejected');
  });
});

describe('verification starts and counter requests are limited per person and per ID number', () => {
  it(`lets a person start ${MAX_STARTS_PER_OPENID} face verifications a day, whatever the numbers`, async () => {
    const openid = person('starter');
    await consent(openid);
    for (let i = 0; i < MAX_STARTS_PER_OPENID; i++) {
      expect(await id(openid, { action: 'start', name: '张三', docType: '01', docNumber: freshId(), consentVersion: CONSENT_VERSION })).toMatchObject({ ok: true });
    }
    const refused = await id(openid, { action: 'start', name: '张三', docType: '01', docNumber: freshId(), consentVersion: CONSENT_VERSION });
    expect(refused).toMatchObject({ ok: false, code: 'TOO_MANY_ATTEMPTS', message: expect.stringContaining('2026-11-21 00:00') });
  });

  it(`lets ${MAX_STARTS_PER_DOC} starts a day name one ID number, across people, even when they race`, async () => {
    const docNumber = freshId();
    const people = Array.from({ length: MAX_STARTS_PER_DOC + 4 }, () => person('racer'));
    for (const p of people) await consent(p);
    const issued = outside.simulator.issued();
    const answers = await Promise.all(people.map((p) => id(p, { action: 'start', name: '张三', docType: '01', docNumber, consentVersion: CONSENT_VERSION })));
    expect(answers.filter((a) => a.ok)).toHaveLength(MAX_STARTS_PER_DOC);
    expect(answers.filter((a) => !a.ok && a.code === 'TOO_MANY_ATTEMPTS')).toHaveLength(4);
    expect(outside.simulator.issued() - issued).toBe(MAX_STARTS_PER_DOC);
  });

  it(`lets a person ask for ${MAX_COUNTER_REQUESTS_PER_OPENID} counter codes a day, and one ID number be named by ${MAX_COUNTER_REQUESTS_PER_DOC}`, async () => {
    const asker = person('asker');
    for (let i = 0; i < MAX_COUNTER_REQUESTS_PER_OPENID; i++) await counterCode(asker, '张三', freshId());
    await expect(counterCode(asker, '张三', freshId())).rejects.toThrow('今日申请柜台核验码的次数已达上限');

    const docNumber = freshId();
    for (let i = 0; i < MAX_COUNTER_REQUESTS_PER_DOC; i++) await counterCode(person('doc-asker'), '张三', docNumber);
    const refused = await id(person('doc-asker'), { action: 'requestCounter', name: '张三', docType: '01', docNumber, consentVersion: CONSENT_VERSION });
    expect(refused).toMatchObject({ ok: false, code: 'CONSENT_REQUIRED' }); // no consent recorded for this one yet
    const withConsent = person('doc-asker');
    await consent(withConsent);
    expect(await id(withConsent, { action: 'requestCounter', name: '张三', docType: '01', docNumber, consentVersion: CONSENT_VERSION })).toMatchObject({
      ok: false,
      code: 'TOO_MANY_ATTEMPTS',
    });
  });
});

describe('no ID number is taken without consent to the current text', () => {
  it.each(['start', 'requestCounter'])('refuses %s without consentVersion, without a recorded consent, or with an older version, taking nothing', async (action) => {
    const openid = person('no-consent');
    const form = { action, name: '张三', docType: '01', docNumber: freshId() };
    const issued = outside.simulator.issued();
    expect(await id(openid, form)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { consentVersion: expect.any(String) } });
    expect(await id(openid, { ...form, consentVersion: CONSENT_VERSION })).toMatchObject({ ok: false, code: 'CONSENT_REQUIRED', fields: { consentVersion: expect.any(String) } });
    await store.consents.record({ openid, version: '2020-01-v0', at: T0 });
    expect(await id(openid, { ...form, consentVersion: CONSENT_VERSION })).toMatchObject({ ok: false, code: 'CONSENT_REQUIRED' });
    await consent(openid);
    expect(await id(openid, { ...form, consentVersion: '2020-01-v0' })).toMatchObject({ ok: false, code: 'CONSENT_REQUIRED', message: expect.stringContaining('授权说明') });
    expect(outside.simulator.issued()).toBe(issued);
    expect(await store.attempts.failuresSince(`${action === 'start' ? 'start' : 'counter'}:openid:${openid}`, later(-600))).toBe(0);
    // with it, the same form goes through
    expect(await id(openid, { ...form, consentVersion: CONSENT_VERSION })).toMatchObject({ ok: true });
  });
});

describe('no unkeyed derivative of an ID number is kept, and sessions do not outlive their use', () => {
  it('stores no cert_hash (nor any sha256 of name and number) anywhere in the data directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gjj-sec-id-'));
    const diskStore = await openPgliteStore(dir);
    const openid = person('disk');
    const docNumber = freshId();
    const ctx = contextFor(diskStore, { openid, roles: [] }, T0, outside);
    await identity.handle({ action: 'consent', version: CONSENT_VERSION }, ctx);
    const started = await identity.handle({ action: 'start', name: '张三', docType: '01', docNumber, consentVersion: CONSENT_VERSION }, ctx);
    if (!started.ok) throw new Error(started.message);
    const session = await diskStore.verifications.get((started.data as { verifyId: string }).verifyId);
    expect(Object.keys(session ?? {})).not.toContain('certHash');
    await diskStore.close();

    const hash = certHash({ certType: 'IDENTITY_CARD', certName: '张三', certNo: docNumber });
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d).forEach((f) => (statSync(path.join(d, f)).isDirectory() ? walk(path.join(d, f)) : files.push(path.join(d, f))));
    walk(dir);
    for (const file of files) {
      const bytes = readFileSync(file).toString('latin1');
      expect(bytes.includes(hash) ? file : '').toBe('');
      expect(bytes.includes(Buffer.from(hash, 'hex').toString('latin1')) ? file : '').toBe('');
      expect(bytes.includes(docNumber) ? file : '').toBe('');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes a session once verified or failed, and one left unused an hour on the next start', async () => {
    const openid = person('sessions');
    await consent(openid);
    const start = async (at: Date) =>
      ((await id(openid, { action: 'start', name: '张三', docType: '01', docNumber: freshId(), consentVersion: CONSENT_VERSION }, at)) as { data: { verifyId: string } }).data.verifyId;

    const passed = await start(T0);
    expect(await id(openid, { action: 'confirm', verifyId: passed })).toMatchObject({ ok: true });
    expect(await store.verifications.get(passed)).toBeUndefined();

    outside.simulator.setOutcome('fail');
    const failed = await start(T0);
    expect(await id(openid, { action: 'confirm', verifyId: failed })).toMatchObject({ ok: false, code: 'VERIFICATION_FAILED' });
    expect(await store.verifications.get(failed)).toBeUndefined();
    outside.simulator.setOutcome('pass');

    const abandoned = await start(T0);
    expect(await store.verifications.get(abandoned)).toBeDefined();
    await start(later(61));
    expect(await store.verifications.get(abandoned)).toBeUndefined();
  });

  it('deletes sessions older than an hour in the daily timer run too', async () => {
    const own = await openPgliteStore(undefined); // no catalog: the run has no link to probe
    const session = { verifyId: 'v-daily', outSeqNo: 'seq-daily', openid: 'o', docType: '01' as const, nameSealed: 'n', docNumberSealed: 'd', docLookup: 'l', createdAt: T0 };
    await own.verifications.create(session);
    await runCentersDaily({ ...contextFor(own, undefined, later(59), outside), now: later(59) });
    expect(await own.verifications.get('v-daily')).toBeDefined();
    await runCentersDaily({ ...contextFor(own, undefined, later(61), outside), now: later(61) });
    expect(await own.verifications.get('v-daily')).toBeUndefined();
    await own.close();
  });
});
