import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkbenchEntry } from '../../src/core/applications/views';
import { CONSENT_VERSION } from '../../src/core/consent';
import { idCheckChar, type IdentityView } from '../../src/core/identity';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as identity } from '../../cloudfunctions/identity';
import { handler as workbench } from '../../cloudfunctions/workbench';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import {
  failuresSince,
  MAX_COUNTER_REQUESTS_PER_DOC,
  MAX_COUNTER_REQUESTS_PER_DOC_PER_OPENID,
  MAX_COUNTER_REQUESTS_PER_OPENID,
  MAX_FAILURES_PER_DOC,
  MAX_FAILURES_PER_DOC_PER_OPENID,
  MAX_MISMATCHES_PER_REQUEST,
  MAX_MISMATCHES_PER_STAFF,
  MAX_STARTS_PER_DOC,
  MAX_STARTS_PER_DOC_PER_OPENID,
  MAX_STARTS_PER_OPENID,
} from '../../cloudfunctions/_lib/services/identity';
import { runCentersDaily } from '../../cloudfunctions/_lib/services/portal';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';
import { certHash } from '../../cloudfunctions/_lib/wechat';
import { catalogStore, contextFor, launched, testOutside } from '../support/function-context';

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

/** A staff member of `centerCode`, face-verified on their staff account (staff work only with an identity of their own). */
async function staffOf(centerCode: string, label: string): Promise<string> {
  const openid = person(label);
  await store.roles.grant(openid, { role: 'center-staff', centerCode });
  await faceVerified(openid, '周工', freshId(), later(-60));
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

async function counterCode(openid: string, name: string, docNumber: string, at = T0, docType = '01'): Promise<string> {
  await consent(openid, at);
  const requested = await id(openid, { action: 'requestCounter', name, docType, docNumber, consentVersion: CONSENT_VERSION }, at);
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
    await faceVerified(becameStaff, '李四', freshId());
    expect(await id(becameStaff, { action: 'viewCounter', code })).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('本人') });
    expect(await id(becameStaff, { action: 'confirmCounter', code, docNumber: victimId })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    // nor may a colleague confirm a code a role-holder asked for
    expect(await id(staff, { action: 'viewCounter', code })).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('工作人员') });
    expect(await id(staff, { action: 'confirmCounter', code, docNumber: victimId })).toMatchObject({ ok: false, code: 'FORBIDDEN' });

    expect(await status(victim)).toMatchObject({ status: 'verified', method: 'face' });
    // their own face verification only: the code they asked for bound nothing
    expect(await status(becameStaff)).toMatchObject({ status: 'verified', method: 'face', nameMasked: '*四' });
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
    expect(await failuresSince(store, `staff:${staff}`, later(-60))).toBe(1);
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

describe('one person is never both staff members of the two-staff rule', () => {
  it('refuses the second confirmation from another staff account the first confirmer moved their identity to by face', async () => {
    const victim = person('victim-alias');
    const victimId = freshId();
    await faceVerified(victim, '王芳', victimId);
    const accomplice = person('accomplice-alias');
    const code = await counterCode(accomplice, '王芳', victimId, later(5));
    const staffId = freshId();
    const first = person('alias-a');
    await store.roles.grant(first, { role: 'center-staff', centerCode: YANGZHOU });
    await faceVerified(first, '周工', staffId, later(-60));
    const alias = person('alias-b');
    await store.roles.grant(alias, { role: 'center-staff', centerCode: YANGZHOU });

    expect(await id(first, { action: 'confirmCounter', code, docNumber: victimId }, later(6))).toEqual({ ok: true, data: { status: 'awaiting-second' } });
    // the same person verifies by face on their second staff account: the identity moves there
    await faceVerified(alias, '周工', staffId, later(7));
    expect(await id(alias, { action: 'confirmCounter', code, docNumber: victimId }, later(8))).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('另一位') });
    expect(await status(victim, later(9))).toMatchObject({ status: 'verified', method: 'face' });
    expect(await status(accomplice, later(9))).toMatchObject({ status: 'none' });
    expect(await store.counterRequests.get(code)).toMatchObject({ status: 'awaiting-second', confirmedBy: first, secondConfirmedBy: null });
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
    const diskStore = await launched(await openPgliteStore(dir));
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

describe('another document type is no way round the two-staff rule, the per-ID limits or the own-application check', () => {
  it('refuses a resident ID number under any type but 居民身份证, naming docNumber, and takes nothing', async () => {
    const victimId = freshId();
    const accomplice = person('other-type');
    await consent(accomplice);
    for (const docType of ['02', '03', '04', '99']) {
      expect(await id(accomplice, { action: 'requestCounter', name: '王芳', docType, docNumber: victimId, consentVersion: CONSENT_VERSION })).toMatchObject({
        ok: false,
        code: 'VALIDATION_FAILED',
        fields: { docNumber: expect.stringContaining('居民身份证') },
      });
    }
    expect(await store.attempts.failuresSince(`counter:openid:${accomplice}`, later(-600))).toBe(0);
  });

  it('refuses a resident ID with marks or a 汉字 added under another type, and keys numbers by their letters and digits alone', async () => {
    const victimId = freshId();
    const accomplice = person('padded');
    await consent(accomplice);
    for (const [docType, docNumber] of [['99', `${victimId}-`], ['99', `A-${victimId}`], ['02', `${victimId}号`], ['02', `南${victimId}`]]) {
      expect(await id(accomplice, { action: 'requestCounter', name: '王芳', docType, docNumber, consentVersion: CONSENT_VERSION })).toMatchObject({
        ok: false,
        code: 'VALIDATION_FAILED',
        fields: { docNumber: expect.stringContaining('居民身份证') },
      });
    }
    expect(await store.attempts.failuresSince(`counter:openid:${accomplice}`, later(-600))).toBe(0);
    // another number with a hyphen added is the same key: a type-99 code for it moves the binding only with two staff
    const holder = person('hyphen-holder');
    const passport = `E${String(++serial).padStart(8, '0')}`;
    const windowStaff = await staffOf(YANGZHOU, 'hyphen-window');
    const own = await counterCode(holder, '王芳', passport, T0, '03');
    expect(await id(windowStaff, { action: 'confirmCounter', code: own, docNumber: passport })).toEqual({ ok: true, data: { status: 'confirmed' } });
    const code = await counterCode(accomplice, '王芳', `${passport.slice(0, 3)}-${passport.slice(3)}`, later(5), '99');
    expect(await id(windowStaff, { action: 'viewCounter', code }, later(6))).toMatchObject({ ok: true, data: { movesBinding: true } });
  });

  it('sends a type-99 request with the number of a person verified under another type to a second staff member, and the person is told', async () => {
    // a passport holder verified at a counter (passports are not resident IDs, so any type may carry them)
    const victim = person('passport-holder');
    const passport = `E${String(++serial).padStart(8, '0')}`;
    const windowStaff = await staffOf(YANGZHOU, 'passport-window');
    const own = await counterCode(victim, '王芳', passport, T0, '03');
    expect(await id(windowStaff, { action: 'confirmCounter', code: own, docNumber: passport })).toEqual({ ok: true, data: { status: 'confirmed' } });

    const accomplice = person('type-99');
    const code = await counterCode(accomplice, '王芳', passport, later(5), '99');
    const first = await staffOf(YANGZHOU, 'first-99');
    const second = await staffOf(YANGZHOU, 'second-99');
    expect(await id(first, { action: 'viewCounter', code }, later(6))).toMatchObject({ ok: true, data: { movesBinding: true, docType: '99' } });
    expect(await id(first, { action: 'confirmCounter', code, docNumber: passport }, later(6))).toEqual({ ok: true, data: { status: 'awaiting-second' } });
    expect(await status(victim, later(6))).toMatchObject({ status: 'verified', docType: '03' });
    expect(await id(second, { action: 'confirmCounter', code, docNumber: passport }, later(8))).toEqual({ ok: true, data: { status: 'confirmed' } });
    const told = await status(victim, later(9));
    expect(told).toMatchObject({ status: 'none', notices: [expect.objectContaining({ text: expect.stringContaining('扬州市住房公积金管理中心柜台核验') })] });
    expect(outside.simulator.sentMessages().filter((m) => m.touser === victim)).toHaveLength(1);
  });

  it(`counts counter codes for one number together whatever the type: ${MAX_COUNTER_REQUESTS_PER_DOC_PER_OPENID} a day per person`, async () => {
    const asker = person('types');
    const passport = `G${String(++serial).padStart(8, '0')}`;
    for (const docType of ['03', '99', '02'].slice(0, MAX_COUNTER_REQUESTS_PER_DOC_PER_OPENID)) await counterCode(asker, '张三', passport, T0, docType);
    expect(await id(asker, { action: 'requestCounter', name: '张三', docType: '99', docNumber: passport.toLowerCase(), consentVersion: CONSENT_VERSION })).toMatchObject({
      ok: false,
      code: 'TOO_MANY_ATTEMPTS',
    });
  });
});

describe('a first counter confirmation counts only while its staff member still holds the role', () => {
  it('takes back the first confirmation of a revoked staff member: the request is pending again and needs two current staff members', async () => {
    const victim = person('victim-revoked');
    const victimId = freshId();
    await faceVerified(victim, '王芳', victimId);
    const accomplice = person('accomplice-revoked');
    const code = await counterCode(accomplice, '王芳', victimId, later(5));
    const leaver = await staffOf(YANGZHOU, 'leaver');
    const second = await staffOf(YANGZHOU, 'after-leaver');
    const third = await staffOf(YANGZHOU, 'third');

    expect(await id(leaver, { action: 'confirmCounter', code, docNumber: victimId }, later(6))).toEqual({ ok: true, data: { status: 'awaiting-second' } });
    expect(await store.roles.revoke(leaver, { role: 'center-staff', centerCode: YANGZHOU }, later(7), 'boss')).toBe(true);

    expect(await id(second, { action: 'viewCounter', code }, later(8))).toMatchObject({ ok: true, data: { status: 'pending', movesBinding: true, confirmedByYou: false } });
    // the second staff member's confirmation is a first one again: the binding does not move
    expect(await id(second, { action: 'confirmCounter', code, docNumber: victimId }, later(8))).toEqual({ ok: true, data: { status: 'awaiting-second' } });
    expect(await status(victim, later(8))).toMatchObject({ status: 'verified', method: 'face' });
    expect(await status(accomplice, later(8))).toMatchObject({ status: 'none' });
    expect((await store.audit.listFor(`openid:${accomplice}`)).map((e) => e.action)).toContain('identity.counter-first-withdrawn');

    expect(await id(third, { action: 'confirmCounter', code, docNumber: victimId }, later(9))).toEqual({ ok: true, data: { status: 'confirmed' } });
    expect(await store.counterRequests.get(code)).toMatchObject({ confirmedBy: second, secondConfirmedBy: third });
  });
});

describe('staff work at the counter and in the workbench only with a verified identity of their own', () => {
  it('refuses an unverified staff account, so an application from their personal account is caught once they verify', async () => {
    const staff = person('unverified-staff');
    await store.roles.grant(staff, { role: 'center-staff', centerCode: YANGZHOU });
    const ownId = freshId();
    // the staff member's personal account verifies and applies; the staff account never verifies
    const personal = person('personal');
    await faceVerified(personal, '孙八', ownId);
    const submitted = await applications.handle(
      {
        action: 'submit',
        type: 'transfer',
        requestId: `req-${personal}`,
        payload: { transferOutCenter: '110000', transferInCenter: YANGZHOU, formerEmployer: '北京某某科技有限公司', newEmployer: '扬州某某制造有限公司', newAccount: '3210098765', phone: '13912345678' },
      },
      contextFor(store, await callerOf(personal), T0, outside),
    );
    if (!submitted.ok) throw new Error(submitted.message);
    const appId = (submitted.data as { id: string }).id;

    const refused = { ok: false, code: 'IDENTITY_REQUIRED', message: expect.stringContaining('实名核验') };
    expect(await bench(staff, { action: 'list' })).toMatchObject(refused);
    expect(await bench(staff, { action: 'get', id: appId })).toMatchObject(refused);
    expect(await bench(staff, { action: 'advance', id: appId, code: '01' })).toMatchObject(refused);
    expect(await bench(staff, { action: 'followUps' })).toMatchObject(refused);
    const code = await counterCode(person('at-window'), '张三', freshId());
    expect(await id(staff, { action: 'viewCounter', code })).toMatchObject(refused);
    expect(await id(staff, { action: 'confirmCounter', code, docNumber: freshId() })).toMatchObject(refused);

    // verified with their own ID, the personal account's application is theirs
    await faceVerified(staff, '孙八', ownId, later(1));
    const listed = (await bench(staff, { action: 'list' }, later(2))) as { ok: true; data: WorkbenchEntry[] };
    expect(listed.ok).toBe(true);
    expect(listed.data.map((e) => e.id)).not.toContain(appId);
    expect(await bench(staff, { action: 'get', id: appId }, later(2))).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('本人') });
  });
});

describe('failure limits hold when attempts race', () => {
  it(`compares at most ${MAX_MISMATCHES_PER_REQUEST} wrong numbers for one code, and ${MAX_MISMATCHES_PER_STAFF} a day for one staff member, however many are sent at once`, async () => {
    const code = await counterCode(person('race-target'), '张三', freshId());
    const staff = await staffOf(YANGZHOU, 'racer');
    const guesses = Array.from({ length: 8 }, () => freshId());
    const answers = await Promise.all(guesses.map((docNumber) => id(staff, { action: 'confirmCounter', code, docNumber })));
    expect(answers.filter((a) => !a.ok && a.code === 'VALIDATION_FAILED')).toHaveLength(MAX_MISMATCHES_PER_REQUEST);
    expect(answers.filter((a) => !a.ok && a.code === 'TOO_MANY_ATTEMPTS')).toHaveLength(8 - MAX_MISMATCHES_PER_REQUEST);
    expect((await store.audit.listFor(`openid:${(await store.counterRequests.get(code))?.openid}`)).filter((e) => e.action === 'identity.counter-mismatch')).toHaveLength(
      MAX_MISMATCHES_PER_REQUEST,
    );

    const other = await staffOf(YANGZHOU, 'racer-2');
    const codes = await Promise.all(Array.from({ length: 8 }, () => counterCode(person('race-many'), '张三', freshId())));
    const spread = await Promise.all(codes.map((c) => id(other, { action: 'confirmCounter', code: c, docNumber: freshId() })));
    expect(spread.filter((a) => !a.ok && a.code === 'VALIDATION_FAILED')).toHaveLength(MAX_MISMATCHES_PER_STAFF);
    expect(await failuresSince(store, `staff:${other}`, later(-60))).toBe(MAX_MISMATCHES_PER_STAFF);
  });

  it(`counts at most ${MAX_FAILURES_PER_DOC_PER_OPENID} failed face verifications of one person and ID when they are confirmed at once`, async () => {
    const openid = person('face-race');
    const docNumber = freshId();
    await consent(openid);
    const verifyIds: string[] = [];
    for (let i = 0; i < MAX_STARTS_PER_DOC_PER_OPENID; i++) {
      const started = await id(openid, { action: 'start', name: '张三', docType: '01', docNumber, consentVersion: CONSENT_VERSION });
      verifyIds.push((started as { data: { verifyId: string } }).data.verifyId);
    }
    outside.simulator.setOutcome('fail');
    try {
      const answers = await Promise.all(verifyIds.map((verifyId) => id(openid, { action: 'confirm', verifyId })));
      expect(answers.filter((a) => !a.ok && a.code === 'VERIFICATION_FAILED')).toHaveLength(MAX_FAILURES_PER_DOC_PER_OPENID);
      expect(answers.filter((a) => !a.ok && a.code === 'TOO_MANY_ATTEMPTS')).toHaveLength(MAX_STARTS_PER_DOC_PER_OPENID - MAX_FAILURES_PER_DOC_PER_OPENID);
    } finally {
      outside.simulator.setOutcome('pass');
    }
  });
});

describe('knowing an ID number is not enough to lock its owner out for the day', () => {
  it('lets the owner verify after a stranger failed face verification with their number and staff typed it wrong', async () => {
    const owner = person('owner');
    const ownerId = freshId();
    const stranger = person('stranger');
    await consent(stranger);
    outside.simulator.setOutcome('fail');
    try {
      for (let i = 0; i < MAX_FAILURES_PER_DOC_PER_OPENID; i++) {
        const started = (await id(stranger, { action: 'start', name: '王芳', docType: '01', docNumber: ownerId, consentVersion: CONSENT_VERSION })) as { data: { verifyId: string } };
        expect(await id(stranger, { action: 'confirm', verifyId: started.data.verifyId })).toMatchObject({ ok: false, code: 'VERIFICATION_FAILED' });
      }
    } finally {
      outside.simulator.setOutcome('pass');
    }
    expect(await id(stranger, { action: 'start', name: '王芳', docType: '01', docNumber: ownerId, consentVersion: CONSENT_VERSION })).toMatchObject({
      ok: false,
      code: 'TOO_MANY_ATTEMPTS',
    });
    // a counter code in the owner's name, typed wrong by staff: counted against the staff member and the code
    const code = await counterCode(person('stranger-2'), '王芳', ownerId);
    const staff = await staffOf(YANGZHOU, 'typist');
    for (let i = 0; i < MAX_MISMATCHES_PER_REQUEST; i++) {
      expect(await id(staff, { action: 'confirmCounter', code, docNumber: freshId() })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    }
    expect(await id(staff, { action: 'confirmCounter', code, docNumber: ownerId })).toMatchObject({ ok: false, code: 'TOO_MANY_ATTEMPTS', message: expect.stringContaining('重新申请') });

    await faceVerified(owner, '王芳', ownerId);
    expect(await status(owner)).toMatchObject({ status: 'verified', method: 'face' });
  });

  it(`stops every account once ${MAX_FAILURES_PER_DOC} face verifications of one ID failed across accounts`, async () => {
    const ownerId = freshId();
    outside.simulator.setOutcome('fail');
    try {
      for (let i = 0; i < MAX_FAILURES_PER_DOC; i++) {
        const p = person('many');
        await consent(p);
        const started = (await id(p, { action: 'start', name: '王芳', docType: '01', docNumber: ownerId, consentVersion: CONSENT_VERSION })) as { ok: boolean; data: { verifyId: string } };
        expect(started.ok).toBe(true);
        await id(p, { action: 'confirm', verifyId: started.data.verifyId });
      }
    } finally {
      outside.simulator.setOutcome('pass');
    }
    const owner = person('owner-late');
    await consent(owner);
    expect(await id(owner, { action: 'start', name: '王芳', docType: '01', docNumber: ownerId, consentVersion: CONSENT_VERSION })).toMatchObject({ ok: false, code: 'TOO_MANY_ATTEMPTS' });
  });
});
