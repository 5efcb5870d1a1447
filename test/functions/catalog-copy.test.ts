import { catalogCenter } from '../../cloudfunctions/_lib/services/centers';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { catalogStore } from '../support/function-context';

/**
 * The instance's copy of the center catalog (services/centers.ts): calls that find no fresh copy at the same moment
 * (a cold instance taking a burst of submissions) share one read of the catalog instead of one read each.
 */
jest.setTimeout(60_000);

describe("the instance's copy of the center catalog", () => {
  let store: Store;
  beforeAll(async () => {
    store = await catalogStore();
  });
  afterAll(() => store.close());

  it('is read once for 50 calls that miss it together, and again once it is older than a minute', async () => {
    let reads = 0;
    const counted: Store = { ...store, centers: { ...store.centers, list: () => ((reads += 1), store.centers.list()) } };
    const now = new Date('2026-12-06T10:00:00+08:00');
    const found = await Promise.all(Array.from({ length: 50 }, () => catalogCenter(counted, '321000', now)));
    expect(found.every((c) => c?.code === '321000')).toBe(true);
    expect(reads).toBe(1);
    await catalogCenter(counted, '110000', new Date(now.getTime() + 30_000));
    expect(reads).toBe(1);
    await Promise.all([catalogCenter(counted, '110000', new Date(now.getTime() + 61_000)), catalogCenter(counted, '321000', new Date(now.getTime() + 61_000))]);
    expect(reads).toBe(2);
  });

  it('reads again after a read that failed', async () => {
    let fail = true;
    const flaky: Store = { ...store, centers: { ...store.centers, list: () => (fail ? Promise.reject(new Error('store down')) : store.centers.list()) } };
    const now = new Date('2026-12-06T10:00:00+08:00');
    await expect(catalogCenter(flaky, '321000', now)).rejects.toThrow('store down');
    fail = false;
    await expect(catalogCenter(flaky, '321000', now)).resolves.toMatchObject({ code: '321000' });
  });
});
