import { CLOUDBASE_COLLECTIONS, indexName, type CollectionDeclaration } from '../../cloudfunctions/_lib/store/cloudbase/collections';
import { COLLECTIONS } from '../../cloudfunctions/_lib/store/cloudbase/sdk';
import type { IdentityRecord, Store } from '../../cloudfunctions/_lib/store/port';
import { ejsonDate, servingIndex, startFakeCloudbase, type FakeCloudbaseSite } from '../support/fake-cloudbase';

/**
 * The collections declared in collections.ts are what the CloudBase test double knows: a store call on a collection,
 * an index or a unique key taken out of the declarations fails, so the declarations `npm run cloud:setup` creates
 * are the ones the store needs (the whole store suite runs on the double with them: cloudbase.test.ts, contract.test.ts).
 */

type Declarations = Record<string, CollectionDeclaration>;

/** The declarations with one collection changed (or left out when `change` answers undefined). */
function without(name: string, change: (d: CollectionDeclaration) => CollectionDeclaration | undefined): Declarations {
  const changed = change(CLOUDBASE_COLLECTIONS[name] ?? { indexes: [], rule: { read: false, write: false } });
  const rest = Object.fromEntries(Object.entries(CLOUDBASE_COLLECTIONS).filter(([n]) => n !== name));
  return changed ? { ...rest, [name]: changed } : rest;
}

const sites: FakeCloudbaseSite[] = [];

async function storeOn(declarations: Declarations): Promise<{ site: FakeCloudbaseSite; store: Store }> {
  const site = await startFakeCloudbase(declarations);
  sites.push(site);
  return { site, store: site.open() };
}

afterEach(async () => {
  for (const site of sites.splice(0)) await site.stop();
});

const identity = (openid: string): IdentityRecord => ({
  openid,
  method: 'face',
  docType: '01',
  nameSealed: 'k1.name-sealed',
  docNumberSealed: 'k1.doc-sealed',
  docLookup: 'lookup-A',
  phoneSealed: null,
  verifiedAt: new Date('2026-12-06T10:00:00+08:00'),
  expiresAt: new Date('2027-12-06T10:00:00+08:00'),
});

describe('the declared collections', () => {
  it('declare every collection the CloudBase store names, and no other', () => {
    expect(Object.keys(CLOUDBASE_COLLECTIONS).sort()).toEqual(Object.values(COLLECTIONS).sort());
  });

  it('deny every client read and write: only the functions reach the database', () => {
    for (const declaration of Object.values(CLOUDBASE_COLLECTIONS)) expect(declaration.rule).toEqual({ read: false, write: false });
  });

  it('name each index after its fields and directions, one name once per collection', () => {
    expect(indexName({ fields: { centerCode: 'asc', proposedAt: 'desc' } })).toBe('centerCode_1_proposedAt_-1');
    for (const declaration of Object.values(CLOUDBASE_COLLECTIONS)) {
      const names = declaration.indexes.map(indexName);
      expect(new Set(names).size).toBe(names.length);
    }
  });
});

describe('which declared index serves a query', () => {
  const links: CollectionDeclaration = { indexes: [{ fields: { centerCode: 'asc', item: 'asc' } }], rule: { read: false, write: false } };
  const identities: CollectionDeclaration = { indexes: [{ fields: { docLookup: 'asc' }, unique: true }], rule: { read: false, write: false } };

  it('is the _id index for a query by id, and for a listing ordered by id alone', () => {
    expect(servingIndex(links, { _id: '321000:1', kind: 'web' }, [])).toBe('_id');
    expect(servingIndex(links, undefined, ['_id'])).toBe('_id');
  });

  it('is an index whose first field the query narrows by and that holds every field it sorts by', () => {
    expect(servingIndex(links, { centerCode: '321000' }, ['item'])).toBe('centerCode_1_item_1');
    expect(servingIndex(links, { centerCode: '321000', kind: 'web' }, [])).toBe('centerCode_1_item_1');
  });

  it('is none for a filter on a later field only, a sort on a field the index lacks, or a leading field only excluded', () => {
    expect(servingIndex(links, { item: 1 }, [])).toBeUndefined();
    expect(servingIndex(links, { centerCode: '321000' }, ['updatedAt'])).toBeUndefined();
    expect(servingIndex(links, { centerCode: { $ne: '321000' } }, ['item'])).toBeUndefined();
    expect(servingIndex(links, undefined, ['item'])).toBeUndefined();
  });

  it('is, of several, the one whose leading fields the query narrows by the most', () => {
    const applications: CollectionDeclaration = {
      indexes: [{ fields: { centerCodes: 'asc', createdAt: 'desc' } }, { fields: { test: 'asc', centerCodes: 'asc', createdAt: 'desc' } }],
      rule: { read: false, write: false },
    };
    expect(servingIndex(applications, { test: true, centerCodes: { $in: ['321000'] } }, ['createdAt', '_id'])).toBe('test_1_centerCodes_1_createdAt_-1');
    expect(servingIndex(applications, { centerCodes: '321000' }, ['createdAt', '_id'])).toBe('centerCodes_1_createdAt_-1');
  });

  it('is a unique index whose every field the query matches exactly, whatever it sorts by', () => {
    expect(servingIndex(identities, { docLookup: 'lookup-A' }, ['verifiedAt'])).toBe('docLookup_1');
    expect(servingIndex(identities, { $or: [{ docLookup: 'lookup-A' }, { docLookup: 'lookup-B' }] }, ['verifiedAt'])).toBeUndefined();
  });
});

describe('the CloudBase test double on the declarations', () => {
  it('answers a call on a collection left out of the declarations as CloudBase answers a missing collection', async () => {
    const { store } = await storeOn(without('links', () => undefined));
    await expect(store.links.listForCenter('321000')).rejects.toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST' });
  });

  it('fails a store query once the index it needs is taken out of the declarations', async () => {
    const declared = await storeOn(CLOUDBASE_COLLECTIONS);
    await expect(declared.store.links.listForCenter('321000')).resolves.toEqual([]);

    const { store } = await storeOn(without('links', (d) => ({ ...d, indexes: d.indexes.filter((i) => indexName(i) !== 'centerCode_1_item_1') })));
    await expect(store.links.listForCenter('321000')).rejects.toMatchObject({ code: 'FAKE_NO_INDEX' });
  });

  it('fails an aggregation once the index of its first match is taken out of the declarations', async () => {
    const declared = await storeOn(CLOUDBASE_COLLECTIONS);
    await expect(declared.store.dashboard.openFollowUps()).resolves.toEqual([]);

    const { store } = await storeOn(without('ratings', (d) => ({ ...d, indexes: d.indexes.filter((i) => Object.keys(i.fields)[0] !== 'followUp') })));
    await expect(store.dashboard.openFollowUps()).rejects.toMatchObject({ code: 'FAKE_NO_INDEX' });
  });

  it('refuses a second holder of one document bound concurrently, as the unique docLookup does', async () => {
    const { site, store } = await storeOn(CLOUDBASE_COLLECTIONS);
    // another bind of the same document sets its identity between this bind's look-up of holders and its own set
    let once = true;
    site.fake.afterAnswer = (request) => {
      if (!once || request.action !== 'database.getDocument' || request.collection !== 'identities') return;
      once = false;
      const other = identity('o-2');
      site.fake.seed('identities', 'o-2', { ...other, verifiedAt: ejsonDate(other.verifiedAt), expiresAt: ejsonDate(other.expiresAt) });
    };
    await expect(store.identities.bind(identity('o-1'))).rejects.toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' });
    await expect(store.identities.get('o-1')).resolves.toBeUndefined();
  });

  it('refuses a second invite with a taken code, and lets it stand once the unique key is taken out of the declarations', async () => {
    const T = new Date('2026-12-06T02:00:00Z');
    const invite = { id: 'inv-1', code: 'TRIALAA2', province: '320000', uses: 2, used: 0, createdBy: 'sup-1', createdAt: T, expiresAt: new Date(T.getTime() + 86_400_000), revokedAt: null };
    // two supervisors create invites whose random codes collide: the other's is stored after this one's look-up
    const race = (site: FakeCloudbaseSite) => {
      let once = true;
      site.fake.afterAnswer = (request) => {
        if (!once || request.collection !== 'trialInvites') return;
        once = false;
        site.fake.seed('trialInvites', 'inv-2', { ...invite, id: 'inv-2', createdAt: ejsonDate(T), expiresAt: ejsonDate(invite.expiresAt) });
      };
    };

    const declared = await storeOn(CLOUDBASE_COLLECTIONS);
    race(declared.site);
    await expect(declared.store.trialInvites.create(invite)).rejects.toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' });

    const notUnique = await storeOn(without('trialInvites', (d) => ({ ...d, indexes: d.indexes.map((i) => ({ fields: i.fields })) })));
    race(notUnique.site);
    await expect(notUnique.store.trialInvites.create(invite)).resolves.toBeUndefined();
    expect([...notUnique.site.fake.collection('trialInvites').keys()].sort()).toEqual(['inv-1', 'inv-2']);
  });
});
