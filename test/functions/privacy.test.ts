import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { CONSENT_VERSION } from '../../src/core/consent';
import type { Fail, Ok } from '../../src/core/errors';
import { DELETION_DAYS, type DeletionView } from '../../src/core/privacy';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as centersDaily } from '../../cloudfunctions/centers-daily';
import { handler as identity } from '../../cloudfunctions/identity';
import { handler as session } from '../../cloudfunctions/session';
import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import { open, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { DOWNLOAD_COPIES_KEY } from '../../cloudfunctions/_lib/files/downloads';
import type { MadeFileLink } from '../../src/core/files';
import { ATTEMPTS_KEPT_MS, documentLookup } from '../../cloudfunctions/_lib/services/identity';
import { carryOutDeletions } from '../../cloudfunctions/_lib/services/privacy';
import { atCallTime, type Caller, type CloudFunction } from '../../cloudfunctions/_lib/runtime/define';
import { pgliteStoreOver } from '../../cloudfunctions/_lib/store/sql/pglite';
import type { AuditEntry, Store } from '../../cloudfunctions/_lib/store/port';
import { startFakeCloudbase, type FakeCloudbaseSite } from '../support/fake-cloudbase';
import { contextFor, launched, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

/**
 * Issue 17, privacy promises (PIPL arts. 45 and 47): 解除绑定 removes the identity at once and leaves cases going;
 * 注销账号 is refused while a case is in progress, cancellable, and carried out by the daily timer after its 30 days,
 * leaving no personal data of the person in the store but the cases the centers keep (opened for them still);
 * a copy of one's own data is a download; each step audited without personal data. On PGlite and the CloudBase double.
 */
jest.setTimeout(180_000);

const YANGZHOU = '321000';
const BEIJING = '110000';
const T0 = new Date('2026-12-06T10:00:00+08:00');
const DAY = 24 * 3600 * 1000;
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const transfer = {
  transferOutCenter: BEIJING,
  transferInCenter: YANGZHOU,
  formerEmployer: '北京某某科技有限公司',
  formerAccount: '110012345678',
  newEmployer: '扬州某某制造有限公司',
  newAccount: '3210098765',
  phone: '13912345678',
};

interface Site {
  store: Store;
  /** The subjects of every recorded attempt (and CloudBase's window counters), read past the store. */
  attemptSubjects(): Promise<string[]>;
  close(): Promise<void>;
}

const SITES: [string, () => Promise<Site>][] = [
  [
    'PGlite',
    async () => {
      const db = await PGlite.create();
      const store = await launched(await pgliteStoreOver(db));
      await ensureCatalog(store);
      return {
        store,
        attemptSubjects: async () => (await db.query<{ subject: string }>('select subject from attempts')).rows.map((r) => r.subject),
        close: () => store.close(),
      };
    },
  ],
  [
    'the CloudBase double',
    async () => {
      const site: FakeCloudbaseSite = await startFakeCloudbase();
      const store = site.open();
      await ensureCatalog(store);
      await launched(store);
      const subjects = (collection: string) => [...site.fake.collection(collection).values()].map((doc) => String(doc.subject));
      return { store, attemptSubjects: async () => [...subjects('attempts'), ...subjects('attemptCounters')], close: () => site.stop() };
    },
  ],
];

describe.each(SITES)('on %s', (_name, openSite) => {
  let site: Site;
  const outside = testOutside();
  const keyring = outside.keyring();
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(() => site.close());

  let serial = 0;
  const person = (): Caller => ({ openid: `privacy-${++serial}-${Date.now()}`, roles: [] });
  const call = (fn: CloudFunction, caller: Caller | undefined, event: unknown, when = T0, trigger: 'call' | 'timer' = 'call') =>
    fn.handle(event, contextFor(site.store, caller, when, outside, trigger));
  const ok = <T>(answer: Awaited<ReturnType<CloudFunction['handle']>>): T => {
    if (!answer.ok) throw new Error(`${answer.code}: ${answer.message}`);
    return (answer as Ok<T>).data;
  };
  const submitted = async (caller: Caller): Promise<string> =>
    ok<{ id: string }>(await call(applications, caller, { action: 'submit', type: 'transfer', requestId: `req-${caller.openid}`, payload: transfer })).id;
  /** Every audit entry of the deletion whose id the first entry of `subjects` names. */
  const audits = async (subject: string): Promise<AuditEntry[]> => site.store.audit.listFor(subject);
  const noPersonalData = (entries: readonly AuditEntry[], ...values: string[]) => {
    for (const entry of entries) for (const value of values) expect(JSON.stringify(entry)).not.toContain(value);
  };

  it('unbinds: the sealed identity and its lookup are gone at once, the case in progress goes on, and unbinding again is refused', async () => {
    const caller = person();
    const docNumber = await verifiedPerson(site.store, outside, caller.openid, T0, '李䶮');
    const id = await submitted(caller);
    expect(ok(await call(identity, caller, { action: 'unbind' }))).toEqual({ unbound: true });

    expect(await site.store.identities.get(caller.openid)).toBeUndefined();
    expect(await site.store.identities.holderOf(documentLookup(keyring, docNumber))).toBeUndefined();
    expect(ok<{ status: string }>(await call(identity, caller, { action: 'status' })).status).toBe('none');
    // the case stays the person's and the center's: listed, in progress
    expect((await site.store.applications.get(id))?.inFlightKey).not.toBeNull();
    expect((await site.store.applications.listByApplicant(caller.openid)).map((a) => a.id)).toEqual([id]);
    const [entry] = (await audits(`openid:${caller.openid}`)).filter((e) => e.action === 'identity.unbound');
    expect(entry).toBeDefined();
    noPersonalData([entry], docNumber, '李䶮');

    const again = (await call(identity, caller, { action: 'unbind' })) as Fail;
    expect(again).toMatchObject({ ok: false, code: 'IDENTITY_REQUIRED' });
  });

  it('unbinds: no recorded attempt names the ID’s lookup or the openid any more, another person’s stay', async () => {
    const [caller, other] = [person(), person()];
    const lookup = documentLookup(keyring, await verifiedPerson(site.store, outside, caller.openid, T0));
    await verifiedPerson(site.store, outside, other.openid, T0);
    const naming = async (...values: string[]) => (await site.attemptSubjects()).filter((subject) => values.some((v) => subject.includes(v)));
    expect(await naming(lookup)).not.toEqual([]);
    expect(await naming(caller.openid)).not.toEqual([]);

    ok(await call(identity, caller, { action: 'unbind' }));
    expect(await naming(lookup, caller.openid)).toEqual([]);
    expect(await naming(other.openid)).not.toEqual([]);
  });

  it('removes by the daily run the attempts no limit counts any more (older than a counter code’s life)', async () => {
    const caller = person();
    const verifiedAt = at(40);
    await verifiedPerson(site.store, outside, caller.openid, verifiedAt);
    const naming = async () => (await site.attemptSubjects()).filter((subject) => subject.includes(caller.openid));
    ok(await call(centersDaily, undefined, {}, new Date(verifiedAt.getTime() + ATTEMPTS_KEPT_MS), 'timer'));
    expect(await naming()).not.toEqual([]);
    ok(await call(centersDaily, undefined, {}, new Date(verifiedAt.getTime() + ATTEMPTS_KEPT_MS + 1), 'timer'));
    expect(await naming()).toEqual([]);
  });

  it('refuses to delete an account while a case is in progress, and role holders until their role is ended', async () => {
    const caller = person();
    await verifiedPerson(site.store, outside, caller.openid, T0);
    await submitted(caller);
    expect(await call(session, caller, { action: 'requestDeletion' })).toMatchObject({ ok: false, code: 'APPLICATION_IN_FLIGHT', message: expect.stringContaining('1 件申请正在办理中') });
    expect(await site.store.privacy.deletionOf(caller.openid)).toBeUndefined();

    const staff: Caller = { openid: `privacy-staff-${Date.now()}`, roles: [{ role: 'center-staff', centerCode: YANGZHOU }] };
    expect(await call(session, staff, { action: 'requestDeletion' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('cancels a deletion within the period: the daily run after the period then deletes nothing', async () => {
    const caller = person();
    const docNumber = await verifiedPerson(site.store, outside, caller.openid, T0, '王五');
    const asked = ok<DeletionView>(await call(session, caller, { action: 'requestDeletion' }));
    expect(asked.pending).toEqual({ requestedAt: T0.toISOString(), dueAt: at(DELETION_DAYS).toISOString() });
    const deletion = await site.store.privacy.deletionOf(caller.openid);
    if (!deletion) throw new Error('no deletion recorded');

    expect(ok<DeletionView>(await call(session, caller, { action: 'cancelDeletion' }, at(3)))).toEqual({ pending: null });
    expect(await call(session, caller, { action: 'cancelDeletion' }, at(3))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    ok(await call(centersDaily, undefined, {}, at(DELETION_DAYS + 1), 'timer'));

    expect(await site.store.identities.get(caller.openid)).toBeDefined();
    const entries = await audits(`deletion:${deletion.id}`);
    expect(entries.map((e) => e.action)).toEqual(['account.deletion-requested', 'account.deletion-cancelled']);
    noPersonalData(entries, caller.openid, docNumber, '王五');
  });

  it('deletes an account by the daily timer once its 30 days have passed: nothing personal left, the cases kept for the centers and still opened for them', async () => {
    const caller = person();
    const docNumber = await verifiedPerson(site.store, outside, caller.openid, T0, '赵六');
    const id = await submitted(caller);
    ok(await call(applications, caller, { action: 'withdraw', id }));
    await site.store.ratings.create({
      applicationId: id,
      openid: caller.openid,
      centerCode: YANGZHOU,
      score: 2,
      comment: '赵六：窗口电话一直打不通',
      at: T0,
      followUp: 'open',
      followUpNote: null,
      followUpBy: null,
      followUpAt: null, fixNote: null, fixedBy: null, fixedAt: null, fixScore: null, fixRatedAt: null,
    });
    const lookup = documentLookup(keyring, docNumber);
    ok(await call(session, caller, { action: 'requestDeletion' }));
    const deletion = await site.store.privacy.deletionOf(caller.openid);
    if (!deletion) throw new Error('no deletion recorded');

    // a day before the period ends: still there; a face check started then leaves attempts every window still counts
    ok(await call(centersDaily, undefined, {}, at(DELETION_DAYS - 1), 'timer'));
    expect(await site.store.identities.get(caller.openid)).toBeDefined();
    ok(await call(identity, caller, { action: 'start', name: '赵六', docType: '01', docNumber, consentVersion: CONSENT_VERSION }, at(DELETION_DAYS - 1)));
    const naming = async () => (await site.attemptSubjects()).filter((subject) => subject.includes(lookup) || subject.includes(caller.openid));
    expect(await naming()).not.toEqual([]);

    ok(await call(centersDaily, undefined, {}, at(DELETION_DAYS), 'timer'));
    expect(await site.store.identities.get(caller.openid)).toBeUndefined();
    expect(await site.store.identities.holderOf(lookup)).toBeUndefined();
    expect(await naming()).toEqual([]);
    expect(await site.store.consents.latest(caller.openid)).toBeUndefined();
    expect(await site.store.roles.recordsOf(caller.openid)).toEqual([]);
    expect(await site.store.applications.listByApplicant(caller.openid)).toEqual([]);
    expect(await site.store.privacy.deletionOf(caller.openid)).toBeUndefined();
    // the case is the center's record: kept, no longer the account's, its applicant still opened for the center
    const kept = await site.store.applications.get(id);
    if (!kept) throw new Error('the case was not kept');
    expect(kept.openid).toBe(`erased:${deletion.id}`);
    expect(open(keyring, sealedAs.name(kept.openid), kept.applicant.nameSealed)).toBe('赵六');
    expect((await site.store.applications.events(id)).map((e) => e.actorId)).not.toContain(caller.openid);
    const rating = await site.store.ratings.get(id);
    expect(rating).toMatchObject({ score: 2, comment: null });
    expect(rating?.openid).not.toBe(caller.openid);

    const entries = await audits(`deletion:${deletion.id}`);
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['account.deletion-requested', 'account-holder'],
      ['account.deleted', 'timer'],
    ]);
    expect(entries[1].detail).toContain('identities=1');
    expect(entries[1].detail).toContain('applicationsDetached=1');
    expect(entries[1].detail).toContain('ratingComments=1');
    expect(entries[1].detail).toMatch(/attempts=[1-9]/);
    noPersonalData(entries, caller.openid, docNumber, '赵六');
    // the person signing in again is a stranger to the app
    expect(ok<DeletionView>(await call(session, caller, { action: 'deletionStatus' }, at(DELETION_DAYS + 1)))).toEqual({ pending: null });
  });

  it('goes on with the other deletions when one fails, counts it, and carries it out by a later run', async () => {
    const [first, second] = [person(), person()];
    for (const caller of [first, second]) {
      await verifiedPerson(site.store, outside, caller.openid, T0);
      ok(await call(applications, caller, { action: 'withdraw', id: await submitted(caller) }));
    }
    ok(await call(session, first, { action: 'requestDeletion' }));
    ok(await call(session, second, { action: 'requestDeletion' }, new Date(T0.getTime() + 60_000)));
    // the first person's applicant copy cannot be opened (sealed under a key since retired)
    const applicationsOf = site.store.applications;
    const unopenable: Store = {
      ...site.store,
      applications: {
        ...applicationsOf,
        listByApplicant: async (openid) =>
          (await applicationsOf.listByApplicant(openid)).map((app) => (openid === first.openid ? { ...app, applicant: { ...app.applicant, nameSealed: 'v1.retired.key' } } : app)),
      },
    };
    const run = await carryOutDeletions(atCallTime(contextFor(unopenable, undefined, at(DELETION_DAYS + 1), outside, 'timer')));
    expect(run.failed).toBe(1);
    expect(await site.store.identities.get(second.openid)).toBeUndefined();
    expect(await site.store.privacy.deletionOf(second.openid)).toBeUndefined();
    expect(await site.store.identities.get(first.openid)).toBeDefined();
    expect(await site.store.privacy.deletionOf(first.openid)).toBeDefined();

    ok(await call(centersDaily, undefined, {}, at(DELETION_DAYS + 2), 'timer'));
    expect(await site.store.identities.get(first.openid)).toBeUndefined();
  });

  it('waits with a deletion while a case submitted in the period is in progress, and carries it out the day after it ends', async () => {
    const caller = person();
    await verifiedPerson(site.store, outside, caller.openid, T0);
    ok(await call(session, caller, { action: 'requestDeletion' }));
    const id = await submitted(caller);
    ok(await call(centersDaily, undefined, {}, at(DELETION_DAYS), 'timer'));
    expect(await site.store.identities.get(caller.openid)).toBeDefined();
    ok(await call(applications, caller, { action: 'withdraw', id }, at(DELETION_DAYS)));
    ok(await call(centersDaily, undefined, {}, at(DELETION_DAYS + 1), 'timer'));
    expect(await site.store.identities.get(caller.openid)).toBeUndefined();
  });

  it('hands a copy of one’s own data as a download: the identity unmasked, the applications with their forms, the ratings; audited without it', async () => {
    const caller = person();
    const docNumber = await verifiedPerson(site.store, outside, caller.openid, T0, '钱七');
    const id = await submitted(caller);
    const link = ok<MadeFileLink>(await call(session, caller, { action: 'myData' }));
    expect(link).toMatchObject({ name: '我的公积金小程序数据.json', contentType: 'application/json' });
    expect(Date.parse(link.expiresAt) - T0.getTime()).toBe(10 * 60_000);

    // the file behind the link, found by the copy record the relay's timer removes it by
    const copies = JSON.parse((await site.store.meta.get(DOWNLOAD_COPIES_KEY)) ?? '[]') as { key: string; size: number }[];
    const copy = copies.find((c) => c.size === link.size);
    if (!copy) throw new Error('the copy was not recorded');
    const bytes = await outside.files().get(copy.key);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(link.sha256);
    const data = JSON.parse(bytes.toString('utf8')) as { 实名信息: Record<string, string>; 申请: { 编号: string; 申请人: Record<string, string>; 申请内容: Record<string, string> }[]; 评价: unknown[] };
    expect(data.实名信息).toMatchObject({ 姓名: '钱七', 证件号码: docNumber, 证件类型: '居民身份证' });
    expect(data.申请.map((a) => a.编号)).toEqual([id]);
    expect(data.申请[0].申请人.证件号码).toBe(docNumber);
    expect(data.申请[0].申请内容.newAccount).toBe('3210098765');
    expect(data.评价).toEqual([]);

    const [entry] = (await audits(`openid:${caller.openid}`)).filter((e) => e.action === 'privacy.data-copy');
    expect(entry.detail).toBe('实名信息 1，申请 1，评价 0');
    noPersonalData([entry], docNumber, '钱七');
  });
});
