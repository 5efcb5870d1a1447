import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CodeCheckResult, CodeReadResult, CodeReads, ShownCode } from '../../src/core/certificate-code';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as centers } from '../../cloudfunctions/centers';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as workbench } from '../../cloudfunctions/workbench';
import { checkToken, codeKeyId, generateCodeKeyEnv, type PublishedCodeKey } from '../../cloudfunctions/_lib/crypto/code-signing';
import { generateKeyringEnv } from '../../cloudfunctions/_lib/crypto/personal-data';
import { createOutside } from '../../cloudfunctions/_lib/runtime/outside';
import { localFileStore } from '../../cloudfunctions/_lib/files/local';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { FUNCTIONS } from '../../tools/local-cloud/functions';
import { createLocalCloud } from '../../tools/local-cloud/server';
import { pdfOf, uploadOf } from '../support/files';
import { catalogStore, contextFor, dataOf, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

/**
 * Issue 18 point 1 (亮码): the holder of a completed certificate shows a code signed by the platform (Ed25519), valid
 * until 24:00 China time, read once by a center unless the holder allows more, revocable; staff read it in the portal,
 * anyone checks it (valid / invalid / expired / used), and the public key alone checks it offline.
 */
jest.setTimeout(90_000);

const SUZHOU = '320500'; // a business-locale center working in its workbench
const BEIJING = '110000';
const STAFF: Caller = { openid: 'code-staff-320500', roles: [{ role: 'center-staff', centerCode: SUZHOU }] };
const OTHER_STAFF: Caller = { openid: 'code-staff-110000', roles: [{ role: 'center-staff', centerCode: BEIJING }] };
const PDF = pdfOf('Certificate of loan cleared for the code');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** 2026-12-06 10:00 in Shanghai. */
const T0 = new Date('2026-12-06T10:00:00+08:00');
const HOUR = 3600_000;

const files = localFileStore(mkdtempSync(path.join(tmpdir(), 'gjj-code-files-')));
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
const read = (token: string, at = T0, caller = STAFF) => portal.handle({ action: 'readCode', token }, contextFor(store, caller, at, outside));
const check = (token: string, at = T0) => centers.handle({ action: 'verifyCode', token }, contextFor(store, undefined, at, outside));

/** A loan-cleared certificate completed in 苏州's workbench with a PDF, its holder verified at `verifiedAt`. */
async function completedCertificate(verifiedAt = new Date(T0.getTime() - HOUR)): Promise<{ id: string; openid: string }> {
  const openid = `code-holder-${++serial}`;
  await verifiedPerson(store, outside, openid, verifiedAt, '张三');
  const submitted = dataOf<{ id: string }>(await call(openid, { action: 'submit', type: 'certificate-loan-cleared', requestId: `req-code-${serial}`, payload: { businessCenter: SUZHOU, acceptingCenter: BEIJING, phone: '13912345678' } }, verifiedAt));
  const bench = (event: unknown) => workbench.handle(event, contextFor(store, STAFF, new Date(), outside));
  for (const status of ['accepted', 'processing']) dataOf(await bench({ action: 'setStatus', id: submitted.id, status }));
  dataOf(await bench({ action: 'setStatus', id: submitted.id, status: 'completed', document: { name: '贷款结清证明.pdf', fileId: await uploadOf(outside.files(), PDF) } }));
  return { id: submitted.id, openid };
}

/** The token with its payload changed by `change` and its signature kept. */
function altered(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [prefix, body, signature] = token.split('.');
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(payload);
  return `${prefix}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

describe('applications showCode', () => {
  it('answers a signed token valid until 24:00 China time, and exactly what the reader will see, masked', async () => {
    const { id, openid } = await completedCertificate();
    const shown = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }));

    expect(shown.token).toMatch(/^GJJC1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
    expect(shown.token.length).toBeLessThan(400); // a QR code of version 15 or below at level M
    expect(shown.expiresAt).toBe(new Date('2026-12-07T00:00:00+08:00').toISOString());
    expect(shown.shows).toEqual({
      title: '个人住房贷款全部还清证明',
      holderName: '*三',
      holderDocNumber: expect.stringMatching(/^1\*{16}[\dX]$/),
      issuingCenter: { code: SUZHOU, name: expect.stringContaining('苏州') },
      document: { name: '贷款结清证明.pdf', sha256: sha(PDF), issuedAt: expect.any(String) },
    });
    expect(shown).toMatchObject({ readsAllowed: 1, readsUsed: 0 });
    // shown again while it can be read: the same code
    expect(dataOf<ShownCode>(await call(openid, { action: 'showCode', id }, new Date(T0.getTime() + HOUR))).token).toBe(shown.token);
    expect((await store.audit.listFor(`code:${id}`)).map((e) => e.action)).toEqual(['code.show']);
  });

  it('answers two calls at once with one code, the one a center can read, and again when they replace a used code', async () => {
    const { id, openid } = await completedCertificate();
    const twice = async (at: Date) => (await Promise.all([call(openid, { action: 'showCode', id }, at), call(openid, { action: 'showCode', id }, at)])).map((a) => dataOf<ShownCode>(a).token);
    const readBoth = async (tokens: string[], at: Date) => (await Promise.all(tokens.map((t) => read(t, at)))).map((r) => dataOf<CodeReadResult>(r).status);

    const first = await twice(T0);
    expect(first[1]).toBe(first[0]);
    expect((await readBoth(first, new Date(T0.getTime() + 60_000))).sort()).toEqual(['refused', 'valid']);
    // the first code is used up: both calls replace it, with one new code
    const second = await twice(new Date(T0.getTime() + 120_000));
    expect(second[1]).toBe(second[0]);
    expect(second[0]).not.toBe(first[0]);
    expect((await readBoth(second, new Date(T0.getTime() + 180_000))).sort()).toEqual(['refused', 'valid']);
    expect((await store.audit.listFor(`code:${id}`)).filter((e) => e.action === 'code.show')).toHaveLength(2);
  });

  it('puts no personal data in the token: only the key, the code, the type, the center, the hash and the expiry', async () => {
    const { id, openid } = await completedCertificate();
    const { token } = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }));
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(payload).sort()).toEqual(['c', 'e', 'h', 'k', 't', 'z']);
    expect(payload).toMatchObject({ t: 'certificate-loan-cleared', z: SUZHOU, h: sha(PDF), e: new Date('2026-12-07T00:00:00+08:00').getTime() / 1000 });
    expect(token).not.toContain(openid);
  });

  it('asks for the identity again when it was checked more than 24 hours ago, saying where', async () => {
    const { id, openid } = await completedCertificate(new Date(T0.getTime() - 25 * HOUR));
    const answer = await call(openid, { action: 'showCode', id });
    expect(answer).toMatchObject({ ok: false, code: 'IDENTITY_REQUIRED', message: expect.stringContaining('实名核验') });
    expect(await store.certificateCodes.latest(id)).toBeUndefined();
  });

  it('refuses when the identity verified on the account is not the certificate holder’s, and makes no code', async () => {
    const { id, openid } = await completedCertificate();
    await verifiedPerson(store, outside, openid, new Date(T0.getTime() - HOUR / 2), '李四'); // another person's ID bound to the same account
    const answer = await call(openid, { action: 'showCode', id });
    expect(answer).toMatchObject({ ok: false, code: 'IDENTITY_REQUIRED', message: expect.stringContaining('证明持有人本人') });
    expect(await store.certificateCodes.latest(id)).toBeUndefined();
  });

  it('refuses when the holder unbinds while the code is being made, and leaves no code (review 1, finding 5)', async () => {
    const { id, openid } = await completedCertificate();
    const { certificateCodes } = store;
    const create = certificateCodes.create.bind(certificateCodes);
    // 解除绑定 lands between the identity check and the code's creation
    const spy = jest.spyOn(certificateCodes, 'create').mockImplementationOnce(async (code, replacing) => {
      await store.privacy.unbind(openid, T0);
      return create(code, replacing);
    });
    try {
      expect(await call(openid, { action: 'showCode', id })).toMatchObject({ ok: false, code: 'IDENTITY_REQUIRED', message: expect.stringContaining('重新核验') });
    } finally {
      spy.mockRestore();
    }
    expect(await store.certificateCodes.latest(id)).toBeUndefined();
  });

  it('refuses a certificate not completed yet, and someone else’s case', async () => {
    const openid = `code-holder-${++serial}`;
    await verifiedPerson(store, outside, openid, T0);
    const { id } = dataOf<{ id: string }>(await call(openid, { action: 'submit', type: 'certificate-loan-cleared', requestId: `req-code-${serial}`, payload: { businessCenter: SUZHOU, acceptingCenter: BEIJING, phone: '13912345678' } }));
    expect(await call(openid, { action: 'showCode', id })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { id: expect.any(String) } });
    const done = await completedCertificate();
    expect(await call(openid, { action: 'showCode', id: done.id })).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
  });
});

describe('portal readCode', () => {
  it('shows the staff the certificate the holder saw, once; a second read is refused as used; the holder sees the read', async () => {
    const { id, openid } = await completedCertificate();
    const shown = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }));

    const first = dataOf<CodeReadResult>(await read(shown.token, new Date(T0.getTime() + 60_000)));
    expect(first).toEqual({ status: 'valid', certificate: shown.shows, readAt: new Date(T0.getTime() + 60_000).toISOString(), expiresAt: shown.expiresAt });
    const second = dataOf<CodeReadResult>(await read(shown.token, new Date(T0.getTime() + 120_000), OTHER_STAFF));
    expect(second).toEqual({ status: 'refused', reason: 'used', message: expect.stringContaining('只能读取一次') });

    const history = dataOf<CodeReads>(await call(openid, { action: 'codeReads', id }));
    expect(history.current).toEqual({ expiresAt: shown.expiresAt, readsAllowed: 1, readsUsed: 1, revoked: false });
    expect(history.reads).toEqual([
      { at: new Date(T0.getTime() + 60_000).toISOString(), centerCode: SUZHOU, centerName: expect.stringContaining('苏州'), outcome: 'valid' },
      { at: new Date(T0.getTime() + 120_000).toISOString(), centerCode: BEIJING, centerName: expect.stringContaining('北京'), outcome: 'used' },
    ]);
    // every read audited on the case, with the reader
    expect((await store.audit.listFor(`code:${id}`)).filter((e) => e.action === 'code.read').map((e) => [e.actor, e.detail.split(' ').slice(0, 2).join(' ')])).toEqual([
      [STAFF.openid, `${SUZHOU} valid`],
      [OTHER_STAFF.openid, `${BEIJING} used`],
    ]);
  });

  it('lets the holder allow one more read, and a new code is shown once the old one is used', async () => {
    const { id, openid } = await completedCertificate();
    const { token } = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }));
    expect(dataOf<CodeReadResult>(await read(token)).status).toBe('valid');
    expect(dataOf<CodeReads>(await call(openid, { action: 'allowCodeRead', id })).current).toMatchObject({ readsAllowed: 2, readsUsed: 1 });
    expect(dataOf<CodeReadResult>(await read(token)).status).toBe('valid');
    expect(dataOf<CodeReadResult>(await read(token))).toMatchObject({ status: 'refused', reason: 'used' });
    const next = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }));
    expect(next.token).not.toBe(token);
    expect(dataOf<CodeReadResult>(await read(next.token)).status).toBe('valid');
  });

  it('never counts two concurrent reads of a one-read code as valid', async () => {
    const { id, openid } = await completedCertificate();
    const { token } = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }));
    const results = await Promise.all(Array.from({ length: 5 }, () => read(token)));
    expect(results.map((r) => dataOf<CodeReadResult>(r).status).filter((s) => s === 'valid')).toHaveLength(1);
  });

  it('voids the earlier code of the case when a newer one is made, so only the code the holder sees can be read', async () => {
    const { id, openid } = await completedCertificate();
    // a code still valid, shown for a document the center has since replaced
    const earlier = { id: `earlier-${id}`, applicationId: id, openid, documentId: 'replaced-document', issuedAt: T0, expiresAt: new Date('2026-12-07T00:00:00+08:00'), readsAllowed: 1, readsUsed: 0, revokedAt: null };
    await store.certificateCodes.create(earlier);
    const shown = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }));
    expect(dataOf<CodeReadResult>(await read(shown.token)).status).toBe('valid');
    expect((await store.certificateCodes.get(earlier.id))?.revokedAt).toEqual(T0);
  });

  it('refuses a revoked code at once, and the public check answers it invalid', async () => {
    const { id, openid } = await completedCertificate();
    const { token } = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }));
    expect(dataOf<CodeReads>(await call(openid, { action: 'revokeCode', id })).current).toMatchObject({ revoked: true });
    expect(dataOf<CodeReadResult>(await read(token))).toEqual({ status: 'refused', reason: 'revoked', message: expect.stringContaining('作废') });
    expect(dataOf<CodeCheckResult>(await check(token))).toEqual({ result: 'invalid', label: '无效' });
    expect((await store.audit.listFor(`code:${id}`)).map((e) => e.action)).toContain('code.revoke');
  });

  it('ends a code at 24:00 in Shanghai: valid a second before midnight, expired at midnight, and a new one lasts the next day', async () => {
    const lateEvening = new Date('2026-12-06T23:58:00+08:00');
    const { id, openid } = await completedCertificate(new Date(lateEvening.getTime() - HOUR));
    const shown = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }, lateEvening));
    expect(shown.expiresAt).toBe('2026-12-06T16:00:00.000Z');

    expect(dataOf<CodeCheckResult>(await check(shown.token, new Date('2026-12-06T23:59:59+08:00'))).result).toBe('valid');
    expect(dataOf<CodeReadResult>(await read(shown.token, new Date('2026-12-07T00:00:00+08:00')))).toMatchObject({ status: 'refused', reason: 'expired' });
    expect(dataOf<CodeCheckResult>(await check(shown.token, new Date('2026-12-07T00:00:00+08:00')))).toEqual({ result: 'expired', label: '已过期' });

    const next = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }, new Date('2026-12-07T00:00:30+08:00')));
    expect(next.token).not.toBe(shown.token);
    expect(next.expiresAt).toBe('2026-12-07T16:00:00.000Z');
  });

  it('refuses a forged token (another key, or not a token at all) and an altered one, naming which, and records the altered read on the case', async () => {
    const { id, openid } = await completedCertificate();
    const { token } = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }));

    // the same payload signed with a key that is not the platform's
    const { privateKey } = generateKeyPairSync('ed25519');
    const [prefix, body] = token.split('.');
    const otherKey = `${prefix}.${body}.${sign(null, Buffer.from(`${prefix}.${body}`), privateKey).toString('base64url')}`;
    const longer = altered(token, (p) => (p.e = Number(p.e) + 86_400));
    const forgedCode = altered(token, (p) => (p.c = 'AAAAAAAAAAAAAAAA'));

    expect(dataOf<CodeReadResult>(await read(longer))).toEqual({ status: 'refused', reason: 'altered', message: expect.stringContaining('改动') });
    expect(dataOf<CodeReadResult>(await read(otherKey))).toMatchObject({ status: 'refused', reason: 'altered' });
    expect(dataOf<CodeReadResult>(await read(forgedCode))).toEqual({ status: 'refused', reason: 'forged', message: expect.stringContaining('签名不符') });
    expect(dataOf<CodeReadResult>(await read('not a code at all'))).toMatchObject({ status: 'refused', reason: 'forged' });
    for (const bad of [longer, otherKey, forgedCode]) expect(dataOf<CodeCheckResult>(await check(bad)).result).toBe('invalid');

    // the real code is untouched: still readable once
    expect(dataOf<CodeReadResult>(await read(token)).status).toBe('valid');
    expect((await store.certificateCodes.reads(id)).map((r) => r.outcome)).toEqual(['altered', 'altered', 'valid']);
    // the holder's history lists every read, the changed copies' too, with the center that presented them
    expect(dataOf<CodeReads>(await call(openid, { action: 'codeReads', id })).reads.map((r) => [r.centerCode, r.outcome])).toEqual([
      [SUZHOU, 'altered'],
      [SUZHOU, 'altered'],
      [SUZHOU, 'valid'],
    ]);
    expect((await store.audit.listFor(`code-reader:${STAFF.openid}`)).map((e) => e.detail)).toEqual(expect.arrayContaining([`${SUZHOU} forged`]));
  });

  it('is for center staff only', async () => {
    const { id, openid } = await completedCertificate();
    const { token } = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }));
    expect(await read(token, T0, { openid: 'someone', roles: [{ role: 'supervisor' }] })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(dataOf<CodeReads>(await call(openid, { action: 'codeReads', id })).reads).toEqual([]);
  });

  it('limits each staff member to 60 reads an hour, valid or not, and counts again the next hour', async () => {
    const busy: Caller = { openid: 'code-staff-busy', roles: [{ role: 'center-staff', centerCode: SUZHOU }] };
    const at = new Date('2026-12-06T14:05:00+08:00');
    for (let i = 0; i < 60; i++) expect(dataOf<CodeReadResult>(await read(`guess-${i}`, at, busy)).status).toBe('refused');
    expect(await read('guess-61', at, busy)).toMatchObject({ ok: false, code: 'TOO_MANY_ATTEMPTS', message: expect.stringContaining('15:00') });
    expect(dataOf<CodeReadResult>(await read('guess-next-hour', new Date('2026-12-06T15:00:00+08:00'), busy)).status).toBe('refused');
  });
});

describe('the key pair', () => {
  it('stops at start, naming both variables, when the signing key is not the checking key’s pair', () => {
    const parts = { productionBuild: false, files: () => files, nudgeRelay: () => undefined };
    const env = { ...generateKeyringEnv(), CODE_SIGNING_KEY: generateCodeKeyEnv().CODE_SIGNING_KEY, CODE_PUBLIC_KEY: generateCodeKeyEnv().CODE_PUBLIC_KEY };
    expect(() => createOutside(env, parts)).toThrow(/CODE_SIGNING_KEY.*CODE_PUBLIC_KEY/);
    expect(() => createOutside({ ...env, ...generateCodeKeyEnv() }, parts)).not.toThrow();
  });
});

describe('the public check and the offline check', () => {
  it('answers valid, used or expired and nothing of whose it is, and counts no read', async () => {
    const { id, openid } = await completedCertificate();
    const { token } = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }));
    const valid = dataOf<CodeCheckResult>(await check(token));
    expect(valid).toEqual({ result: 'valid', label: '有效' });
    expect(dataOf<CodeCheckResult>(await check(token)).result).toBe('valid');
    expect(dataOf<CodeReadResult>(await read(token)).status).toBe('valid');
    expect(dataOf<CodeCheckResult>(await check(token))).toEqual({ result: 'used', label: '已使用' });
  });

  it('checks a token with the published public key alone (node:crypto, nothing of the platform)', async () => {
    const { id, openid } = await completedCertificate();
    const { token } = dataOf<ShownCode>(await call(openid, { action: 'showCode', id }));
    const host = await createLocalCloud({ store, functions: FUNCTIONS, envRoles: new Map(), log: createLogger({ level: 'silent' }), outside });
    try {
      const origin = await host.listen({ port: 0, host: '127.0.0.1' });
      const wellKnown = await fetch(`${origin}/.well-known/gjj-code-key`);
      expect(wellKnown.status).toBe(200);
      const published = (await wellKnown.json()) as PublishedCodeKey;
      // the deployed path answers the same key
      expect(await (await fetch(`${origin}/callbacks/code-key`)).json()).toEqual(published);

      // docs/certificate-code.md, "Checking a code offline", step by step
      const [prefix, body, signature] = token.split('.');
      const publicKey = createPublicKey(published.publicKeyPem);
      expect(verify(null, Buffer.from(`${prefix}.${body}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { k: string; e: number; h: string };
      expect(payload.k).toBe(published.kid);
      expect(payload.e * 1000).toBeGreaterThan(T0.getTime());
      expect(payload.h).toBe(sha(PDF));
      // the JWK form is the same key
      expect(createPublicKey({ key: published.jwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' })).toBe(published.publicKeyPem);
      expect(codeKeyId(publicKey)).toBe(published.kid);

      // an altered token fails the same check; the platform's own checker agrees
      const changed = altered(token, (p) => (p.e = Number(p.e) + 86_400)).split('.');
      expect(verify(null, Buffer.from(`${changed[0]}.${changed[1]}`), publicKey, Buffer.from(changed[2], 'base64url'))).toBe(false);
      expect(checkToken(token, published.publicKeyPem)).toEqual({ ok: true, payload: expect.objectContaining({ e: payload.e, h: payload.h }) });
      expect(checkToken(changed.join('.'), published.publicKeyPem)).toMatchObject({ ok: false });
    } finally {
      await host.close();
    }
  });
});
