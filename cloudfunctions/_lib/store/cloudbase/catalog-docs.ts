import type { Center, StoredCenter } from '../../../../src/core/centers';
import type { CenterRepository, JumpCountFilter, JumpRepository, LinkRepository, MetaRepository } from '../port';
import { centerRow } from '../rows/catalog';
import { readRow } from '../rows/read';
import { approvedFixes } from './finding-docs';
import { channelFields, linkDocId, toLink } from './link-docs';
import { COLLECTIONS, fetchAll, forEachLimited, getById, retryConflicts, runTransaction, str, total, transactionDoc, WRITE_CONCURRENCY, type Db, type Doc } from './sdk';

/** The center catalog, its links, the jumps to them and the meta values. */

/** Everything of a center except `live`, which upsertCatalog never refreshes. */
function catalogFields(c: Center): Omit<Center, 'live'> {
  return {
    code: c.code,
    name: c.name,
    province: c.province,
    city: c.city,
    phone: c.phone,
    pinyin: c.pinyin,
    initials: c.initials,
    provincePinyin: c.provincePinyin,
    provinceInitials: c.provinceInitials,
  };
}

export const toCenter = (doc: Doc): StoredCenter => readRow(centerRow(), 'CloudBase centers', doc);


export function cloudbaseCenters(db: Db): CenterRepository {
  const _ = db.command;
  const centers = () => db.collection(COLLECTIONS.centers);
  return {
    async upsertCatalog(catalog) {
      if (catalog.length === 0) return;
      const known = new Set(
        (await fetchAll(COLLECTIONS.centers, centers().field({ _id: true }), '_id')).map((doc) => str(doc, '_id', COLLECTIONS.centers)),
      );
      // the corrections supervisors approved in the trial outlive a regenerated catalog
      const fixes = await approvedFixes(db);
      await forEachLimited(catalog, WRITE_CONCURRENCY, async (listed) => {
        const center = { ...listed, ...fixes.get(listed.code) };
        if (known.has(center.code)) {
          // update merges ($set) the catalog fields only: `live` and `counter` of a known center are not the catalog's
          await centers().doc(center.code).update(catalogFields(center));
        } else {
          await centers().doc(center.code).set({ ...catalogFields(center), live: center.live });
        }
      });
    },
    async get(code) {
      const doc = await getById(centers(), code);
      return doc ? toCenter(doc) : undefined;
    },
    async list() {
      return (await fetchAll(COLLECTIONS.centers, centers(), 'code')).map(toCenter);
    },
    async setLive(code, live) {
      // like SQL's UPDATE: an unknown code matches nothing and changes nothing
      await centers().doc(code).update({ live });
    },
    async setCounter(code, counter) {
      // _.set replaces the object whole; a plain object would be flattened to counter.address and counter.hours
      await centers().doc(code).update({ counter: _.set({ address: counter.address, hours: counter.hours }) });
    },
  };
}

export function cloudbaseLinks(db: Db): LinkRepository {
  const links = () => db.collection(COLLECTIONS.links);
  return {
    async listForCenter(centerCode) {
      return (await fetchAll(COLLECTIONS.links, links().where({ centerCode }), 'item')).map(toLink);
    },
    async put(centerCode, link) {
      // set replaces the whole document, so a link that changes kind leaves no stale url/appId/healthy behind
      await links()
        .doc(linkDocId(centerCode, link.item))
        .set({ centerCode, item: link.item, kind: link.kind, ...channelFields(link), updatedAt: new Date() });
    },
    async listAll() {
      // the document id is centerCode:item, so by id is by center, then item (items are one digit)
      return (await fetchAll(COLLECTIONS.links, links(), '_id')).map((doc) => ({ centerCode: str(doc, 'centerCode', COLLECTIONS.links), link: toLink(doc) }));
    },
  };
}

export function cloudbaseJumps(db: Db): JumpRepository {
  const _ = db.command;
  const jumps = () => db.collection(COLLECTIONS.jumps);
  return {
    async record(jump) {
      await jumps().add({ centerCode: jump.centerCode, item: jump.item, outcome: jump.outcome, at: jump.at });
    },
    async count(filter: JumpCountFilter) {
      const where: Doc = {};
      if (filter.centerCode !== undefined) where.centerCode = filter.centerCode;
      if (filter.item !== undefined) where.item = filter.item;
      if (filter.from !== undefined && filter.to !== undefined) where.at = _.gte(filter.from).and(_.lt(filter.to));
      else if (filter.from !== undefined) where.at = _.gte(filter.from);
      else if (filter.to !== undefined) where.at = _.lt(filter.to);
      const query = Object.keys(where).length > 0 ? jumps().where(where) : jumps();
      return total(await query.count(), COLLECTIONS.jumps);
    },
  };
}

export function cloudbaseMeta(db: Db): MetaRepository {
  const meta = () => db.collection(COLLECTIONS.meta);
  return {
    async get(key) {
      const doc = await getById(meta(), key);
      return doc ? str(doc, 'value', COLLECTIONS.meta) : undefined;
    },
    async set(key, value) {
      await meta().doc(key).set({ value });
    },
    compareAndSet: (key, expected, next) =>
      // a transaction over the one document: a concurrent writer makes one of them conflict, run again to read the winner's value
      retryConflicts(() =>
        runTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.meta).doc(key);
          const found = transactionDoc(await ref.get(), COLLECTIONS.meta);
          if ((found ? str(found, 'value', COLLECTIONS.meta) : undefined) !== expected) return false;
          await ref.set({ value: next });
          return true;
        }),
      ),
  };
}
