import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';
import { seedDemoDomains } from '../../tools/local-cloud/demo';

/** The local host's demo halls open in the web-view from its first start (issue 16 point 1); what supervisors set later stays. */
describe('the local host’s demo business domain', () => {
  it('marks the simulator’s domain configured on the first start only, keeping a supervisor’s change on a later start', async () => {
    const store = await openPgliteStore(undefined);
    try {
      expect(await seedDemoDomains(store, 'https://localhost:8443')).toBe(true);
      expect(await store.businessDomains.get('localhost')).toMatchObject({ state: 'configured', updatedBy: 'local-host' });
      await store.businessDomains.put({ domain: 'localhost', state: 'unlisted', verificationFile: null, checkedAt: null, problem: null, updatedAt: new Date(), updatedBy: 'sup-1' });
      expect(await seedDemoDomains(store, 'https://localhost:9443')).toBe(false);
      expect(await store.businessDomains.get('localhost')).toMatchObject({ state: 'unlisted', updatedBy: 'sup-1' });
    } finally {
      await store.close();
    }
  }, 30_000);
});
