import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { CONSENT_VERSION } from '../../src/core/consent';
import { idCheckChar, maskDocNumber, MIN_AGE } from '../../src/core/identity';
import { handler } from '../../cloudfunctions/identity';
import { createLogger } from '../../cloudfunctions/_lib/log';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { MAX_FAILURES_PER_DOC, requireVerifiedIdentity } from '../../cloudfunctions/_lib/services/identity';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';
import { contextFor, launched, testOutside } from '../support/function-context';

/** A fresh valid resident ID per use, so tests share one database without sharing rate limits. */
let serial = 0;
function freshId(): string {
  const first17 = `11010519491231${String(++serial).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}
const T0 = new Date('2026-11-20T10:00:00+08:00');
const later = (ms: number) => new Date(T0.getTime() + ms);
const caller = (openid: string) => ({ openid, roles: [] });
let ID: string;
let form: { name: string; docType: string; docNumber: string };
let store: Store;
let outside: ReturnType<typeof testOutside>;
beforeAll(async () => {
  store = await launched(await openPgliteStore(undefined));
});
afterAll(() => store.close());
/** Each test's people are its own: openids carry the test's tag. */
let tag = '';
const who = (openid: string) => `${tag}-${openid}`;
beforeEach(() => {
  ID = freshId();
  tag = `t${serial}`;
  form = { name: '张三', docType: '01', docNumber: ID };
  outside = testOutside();
});

const call = (openid: string, event: unknown, at: Date = T0) => handler.handle(event, contextFor(store, caller(who(openid)), at, outside));
/** The person agrees to the current consent text, as the verify page does before sending the form. */
const consent = (openid: string, at: Date = T0) => call(openid, { action: 'consent', version: CONSENT_VERSION }, at);
/** The start event as the verify page sends it. */
const start = () => ({ action: 'start', ...form, consentVersion: CONSENT_VERSION });

async function verify(openid: string, at: Date = T0) {
  await consent(openid, at);
  const started = await call(openid, start(), at);
  if (!started.ok) throw new Error(started.message);
  const { verifyId } = started.data as { verifyId: string };
  return { verifyId, confirmed: await call(openid, { action: 'confirm', verifyId }, at) };
}

describe('identity verification with WeChat face verification 2.0', () => {
  it('verifies with start + confirm under the simulator default, showing only the masked number', async () => {
    const { confirmed } = await verify('o-1');
    expect(confirmed).toMatchObject({ ok: true, data: { status: 'verified', docNumberMasked: maskDocNumber(ID), nameMasked: '*三', method: 'face' } });
    expect(maskDocNumber(ID)).toMatch(/^1\*{16}[\dX]$/);
    expect(await call('o-1', { action: 'status' })).toMatchObject({ ok: true, data: { status: 'verified', docNumberMasked: maskDocNumber(ID) } });
    expect(JSON.stringify(await call('o-1', { action: 'status' }))).not.toContain(ID);
  });

  it('ignores whatever the client reports: only WeChat\'s own answer counts', async () => {
    outside.simulator.setOutcome('fail');
    await consent('o-1');
    const started = await call('o-1', start());
    const { verifyId } = (started as { data: { verifyId: string } }).data;
    const claimed = await call('o-1', { action: 'confirm', verifyId, verifyRet: 10000, errcode: 0, success: true });
    expect(claimed).toMatchObject({ ok: false, code: 'VERIFICATION_FAILED' });
    expect(await call('o-1', { action: 'status' })).toMatchObject({ ok: true, data: { status: 'none' } });
  });

  it('refuses a replayed confirmation and binds once: the session is gone once used', async () => {
    const { verifyId } = await verify('o-1');
    expect(await store.verifications.get(verifyId)).toBeUndefined();
    expect(await call('o-1', { action: 'confirm', verifyId })).toMatchObject({ ok: false, code: 'VERIFICATION_NOT_FOUND' });
    expect((await store.audit.listFor(`openid:${who('o-1')}`)).filter((e) => e.action === 'identity.bound')).toHaveLength(1);
  });

  it('refuses a verify_id older than 3600 s, deleting it, and one that belongs to someone else', async () => {
    await consent('o-1');
    const started = (await call('o-1', start())) as { data: { verifyId: string } };
    expect(await call('o-2', { action: 'confirm', verifyId: started.data.verifyId }, later(1000))).toMatchObject({ ok: false, code: 'VERIFICATION_NOT_FOUND' });
    expect(await call('o-1', { action: 'confirm', verifyId: started.data.verifyId }, later(3601 * 1000))).toMatchObject({ ok: false, code: 'VERIFICATION_EXPIRED' });
    expect(await store.verifications.get(started.data.verifyId)).toBeUndefined();
  });

  it('refuses when the sealed name no longer matches what WeChat was given: the cert_hash is computed from it at confirmation', async () => {
    await consent('o-1');
    const started = (await call('o-1', start())) as { data: { verifyId: string } };
    const session = (await store.verifications.get(started.data.verifyId))!;
    // a tampered record: another name sealed in its place; WeChat checks cert_hash against the verify_id it issued
    await store.verifications.remove(session.verifyId);
    await store.verifications.create({ ...session, nameSealed: seal(outside.keyring(), sealedAs.name(who('o-1')), '李四') });
    expect(await call('o-1', { action: 'confirm', verifyId: session.verifyId })).toMatchObject({ ok: false, code: 'VERIFICATION_FAILED' });
  });

  it('keeps the session when WeChat times out, so the person can confirm again', async () => {
    await consent('o-1');
    const started = (await call('o-1', start())) as { data: { verifyId: string } };
    outside.simulator.setOutcome('timeout');
    expect(await call('o-1', { action: 'confirm', verifyId: started.data.verifyId })).toMatchObject({ ok: false, code: 'WECHAT_UNAVAILABLE' });
    outside.simulator.setOutcome('pass');
    expect(await call('o-1', { action: 'confirm', verifyId: started.data.verifyId })).toMatchObject({ ok: true, data: { status: 'verified' } });
  });

  it('stops a person after 5 failures a day and says when to retry', async () => {
    outside.simulator.setOutcome('fail');
    // five different documents: the person's own limit, not the documents', is what stops them
    for (let i = 0; i < 5; i++) {
      form = { ...form, docNumber: freshId() };
      await verify('o-1', later(i * 60_000));
    }
    const refused = await call('o-1', start(), later(10 * 60_000));
    expect(refused).toMatchObject({ ok: false, code: 'TOO_MANY_ATTEMPTS', message: expect.stringContaining('2026-11-21 00:00') });
    // the next day (China time) counts afresh
    expect(await call('o-1', start(), new Date('2026-11-21T00:00:01+08:00'))).toMatchObject({ ok: true });
  });

  it(`stops an ID number after ${MAX_FAILURES_PER_DOC} failures a day across people`, async () => {
    outside.simulator.setOutcome('fail');
    for (let i = 0; i < MAX_FAILURES_PER_DOC; i++) await verify(`o-${i}`, later(i * 60_000));
    await consent('o-new');
    expect(await call('o-new', start(), later(20 * 60_000))).toMatchObject({ ok: false, code: 'TOO_MANY_ATTEMPTS' });
  });

  it('moves an ID bound to another openid after a new face verification, ending and logging the old binding', async () => {
    await verify('o-old');
    await verify('o-new', later(60_000));
    expect(await call('o-old', { action: 'status' })).toMatchObject({ ok: true, data: { status: 'none' } });
    expect(await call('o-new', { action: 'status' })).toMatchObject({ ok: true, data: { status: 'verified' } });
    expect(await store.audit.listFor(`openid:${who('o-old')}`)).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'identity.binding-ended', actor: who('o-new') })]),
    );
  });

  it('lasts 30 days, then asks to verify again', async () => {
    await verify('o-1');
    const ctx = (at: Date) => ({ store, outside, log: createLogger({ level: 'silent' }), now: at });
    await expect(requireVerifiedIdentity(ctx(later(29 * 86_400_000)), who('o-1'))).resolves.toMatchObject({ openid: who('o-1') });
    await expect(requireVerifiedIdentity(ctx(later(30 * 86_400_000 + 1)), who('o-1'))).rejects.toMatchObject({ code: 'IDENTITY_REQUIRED' });
    await expect(requireVerifiedIdentity(ctx(T0), who('o-never'))).rejects.toMatchObject({ code: 'IDENTITY_REQUIRED' });
    expect(await call('o-1', { action: 'status' }, later(31 * 86_400_000))).toMatchObject({ ok: true, data: { status: 'expired' } });
  });

  it('refuses a bad real-name form naming the field, and writes nothing', async () => {
    const wrongCheck = `${ID.slice(0, 17)}${idCheckChar(ID.slice(0, 17)) === '0' ? '1' : '0'}`;
    await consent('o-1');
    expect(await call('o-1', { ...start(), docNumber: wrongCheck })).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
      fields: { docNumber: expect.stringContaining('校验位') },
    });
    expect(await call('o-1', { ...start(), name: '' })).toMatchObject({ ok: false, fields: { name: expect.any(String) } });
    expect(await call('o-1', { ...start(), name: 'John Smith', docType: '03', docNumber: 'E12345678' })).toMatchObject({ ok: false, code: 'FACE_UNSUPPORTED' });
    expect(outside.simulator.issued()).toBe(0);
  });

  it('checks the real-name form as of the call’s own time, not the clock of the machine', async () => {
    // born 2010-11-25: under 16 on T0 (2026-11-20), 16 from 2026-11-25
    const first17 = `11010520101125${String(++serial).padStart(3, '0')}`;
    form = { ...form, docNumber: first17 + idCheckChar(first17) };
    await consent('o-1');
    expect(await call('o-1', start())).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { docNumber: `年满 ${MIN_AGE} 周岁方可办理` } });
    const onBirthday = new Date('2026-11-25T10:00:00+08:00');
    await consent('o-1', onBirthday);
    expect(await call('o-1', start(), onBirthday)).toMatchObject({ ok: true });
  });

  it('needs a signed-in caller', async () => {
    expect(await handler.handle({ action: 'status' }, contextFor(store, undefined, T0, outside))).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });

  it('records the consent with its text version and time, refusing an outdated version', async () => {
    expect(await call('o-1', { action: 'consent', version: CONSENT_VERSION })).toEqual({ ok: true, data: { version: CONSENT_VERSION, at: T0.toISOString() } });
    expect(await store.consents.latest(who('o-1'))).toEqual({ openid: who('o-1'), version: CONSENT_VERSION, at: T0 });
    expect(await call('o-1', { action: 'consent', version: '2020-01' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { version: expect.any(String) } });
  });

  it('exchanges the phone code server-side after verification and shows it masked', async () => {
    expect(await call('o-1', { action: 'bindPhone', code: 'sim-phone-13812345678' })).toMatchObject({ ok: false, code: 'IDENTITY_REQUIRED' });
    await verify('o-1');
    expect(await call('o-1', { action: 'bindPhone', code: 'sim-phone-13812345678' })).toMatchObject({ ok: true, data: { phoneMasked: '138****5678' } });
    expect(await call('o-1', { action: 'bindPhone', code: 'forged' })).toMatchObject({ ok: false, code: 'WECHAT_UNAVAILABLE' });
  });

  it('answers the person’s own verified name and bound phone for their forms, nothing before verification or after it expired', async () => {
    expect(await call('o-1', { action: 'prefill' })).toEqual({ ok: true, data: {} });
    await verify('o-1');
    expect(await call('o-1', { action: 'prefill' })).toEqual({ ok: true, data: { name: '张三' } });
    await call('o-1', { action: 'bindPhone', code: 'sim-phone-13812345678' });
    expect(await call('o-1', { action: 'prefill' })).toEqual({ ok: true, data: { name: '张三', phone: '13812345678' } });
    expect(await call('o-1', { action: 'prefill' }, later(3 * 366 * 24 * 3600 * 1000))).toEqual({ ok: true, data: {} });
  });

  it.each(['李䶮', '𠮷田花子', '阿依古丽・买买提'])('verifies the rare-character or minority name %s', async (name) => {
    form = { ...form, name };
    await verify('o-1');
    expect(await call('o-1', { action: 'prefill' })).toEqual({ ok: true, data: { name: name.replace('・', '·') } });
  });

  it('tells a 60-character name and an emoji-only name what is wrong with them', async () => {
    await consent('o-1');
    expect(await call('o-1', { ...start(), name: '张'.repeat(60) })).toMatchObject({ ok: false, fields: { name: expect.stringContaining('姓名过长（最多 40 字）') } });
    expect(await call('o-1', { ...start(), name: '😀😀' })).toMatchObject({ ok: false, fields: { name: '姓名只有表情或符号，请用文字填写' } });
  });
});

describe('verification at a center\'s counter, the way without face', () => {
  const staffCall = (openid: string, centerCode: string, event: unknown) =>
    handler.handle(event, contextFor(store, { openid: who(openid), roles: [{ role: 'center-staff', centerCode }] }, T0, outside));
  // staff work at the counter only with a verified identity of their own
  beforeEach(async () => {
    const personForm = form;
    form = { name: '周工', docType: '01', docNumber: freshId() };
    const { confirmed } = await verify('s-1', later(-3_600_000));
    if (!confirmed.ok) throw new Error(confirmed.message);
    form = personForm;
  });
  const requestCounter = async (openid: string, fields: Record<string, string>) => {
    await consent(openid);
    return call(openid, { action: 'requestCounter', ...fields, consentVersion: CONSENT_VERSION });
  };

  it('gives the person a code; staff see the name and the masked number, type the number from the document, and the identity binds as counter', async () => {
    const requested = await requestCounter('o-1', { name: 'John Smith', docType: '03', docNumber: 'E12345678' });
    expect(requested).toMatchObject({ ok: true, data: { code: expect.stringMatching(/^[A-HJ-NP-Z2-9]{8}$/) } });
    const { code } = (requested as { data: { code: string } }).data;
    expect(await call('o-1', { action: 'status' })).toMatchObject({ ok: true, data: { status: 'none' } });

    const viewed = await staffCall('s-1', '321000', { action: 'viewCounter', code });
    expect(viewed).toMatchObject({ ok: true, data: { name: 'John Smith', docType: '03', docNumberMasked: 'E*******8', status: 'pending', movesBinding: false } });
    expect(JSON.stringify(viewed)).not.toContain('E12345678');
    expect(await staffCall('s-1', '321000', { action: 'confirmCounter', code, docNumber: 'E12345670' })).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
      fields: { docNumber: expect.stringContaining('不一致') },
    });
    expect(await call('o-1', { action: 'status' })).toMatchObject({ ok: true, data: { status: 'none' } });
    expect(await staffCall('s-1', '321000', { action: 'confirmCounter', code, docNumber: 'e 1234 5678' })).toEqual({ ok: true, data: { status: 'confirmed' } });
    expect(await call('o-1', { action: 'status' })).toMatchObject({ ok: true, data: { status: 'verified', method: 'counter', docNumberMasked: 'E*******8' } });
    expect(await staffCall('s-1', '321000', { action: 'confirmCounter', code, docNumber: 'E12345678' })).toMatchObject({ ok: false, code: 'VERIFICATION_USED' });

    const audit = await store.audit.listFor(`openid:${who('o-1')}`);
    expect(audit.map((e) => [e.action, e.actor])).toEqual([
      ['identity.counter-viewed', who('s-1')],
      ['identity.counter-mismatch', who('s-1')],
      ['identity.bound', who('s-1')],
    ]);
  });

  it('lets only center staff view or confirm a code, and refuses unknown or expired codes', async () => {
    const { code } = ((await requestCounter('o-1', form)) as { data: { code: string } }).data;
    expect(await call('o-2', { action: 'viewCounter', code })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await call('o-2', { action: 'confirmCounter', code, docNumber: ID })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await staffCall('s-1', '321000', { action: 'viewCounter', code: 'ZZZZZZZZ' })).toMatchObject({ ok: false, code: 'VERIFICATION_NOT_FOUND' });
    const late = await handler.handle(
      { action: 'confirmCounter', code, docNumber: ID },
      contextFor(store, { openid: who('s-1'), roles: [{ role: 'center-staff', centerCode: '321000' }] }, later(8 * 86_400_000), outside),
    );
    expect(late).toMatchObject({ ok: false, code: 'VERIFICATION_NOT_FOUND' });
    expect(await call('o-1', { action: 'status' })).toMatchObject({ ok: true, data: { status: 'none' } });
  });

  it('refuses a bad form for a counter request naming the field', async () => {
    expect(await requestCounter('o-1', { name: '张三', docType: '01', docNumber: '123' })).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
      fields: { docNumber: expect.any(String) },
    });
  });
});

describe('personal data at rest and in logs', () => {
  it('leaves the plaintext ID and phone nowhere in the data directory or the logs after a verification', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gjj-scan-'));
    const lines: string[] = [];
    const log = createLogger({ level: 'trace', destination: new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }) });
    const diskStore = await launched(await openPgliteStore(dir));
    const ctx = (at: Date) => ({ store: diskStore, caller: caller('o-scan'), trigger: 'call' as const, log, now: () => at, outside });
    await handler.handle({ action: 'consent', version: CONSENT_VERSION }, ctx(T0));
    const started = await handler.handle({ action: 'start', ...form, consentVersion: CONSENT_VERSION }, ctx(T0));
    const { verifyId } = (started as { data: { verifyId: string } }).data;
    log.info({ event: { action: 'start', ...form }, docNumber: ID, phone: '13812345678' }, 'a careless log line');
    await handler.handle({ action: 'confirm', verifyId }, ctx(T0));
    await handler.handle({ action: 'bindPhone', code: 'sim-phone-13812345678' }, ctx(T0));
    await diskStore.close();

    const needles = [ID, '13812345678', Buffer.from(ID, 'utf16le').toString('latin1')];
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d).forEach((f) => (statSync(path.join(d, f)).isDirectory() ? walk(path.join(d, f)) : files.push(path.join(d, f))));
    walk(dir);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const bytes = readFileSync(file).toString('latin1');
      for (const needle of needles) expect(bytes.includes(needle) ? file : '').toBe('');
    }
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) for (const needle of needles) expect(line).not.toContain(needle);
    rmSync(dir, { recursive: true, force: true });
  });
});
