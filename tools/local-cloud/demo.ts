import type { CenterCounter, ItemRoute } from '../../src/core/centers';
import { ONLINE_ITEM_IDS, type ItemId } from '../../src/core/items';
import { LAUNCH_KEY, writeLaunch } from '../../cloudfunctions/_lib/runtime/launch-state';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { CLOSED } from '../../src/core/trial';

/**
 * Centers whose links did not jump properly in notice 建司局函金〔2021〕30号, annex 1 (39 centers):
 * the demo marks their links unhealthy so the fallback can be seen on the local host.
 */
export const ANNEX_UNHEALTHY = new Set([
  '150800', '210700', '211100', '211400', '220300', '220600', '231100', '320300', '320800', '320900', '340200', '340300', '340400',
  '340800', '341100', '341600', '341700', '341800', '360300', '361000', '370600', '410100', '411400', '420100', '421000', '421200',
  '422800', '429005', '430100', '431100', '431200', '433100', '451000', '451300', '460000', '511000', '520300', '610200', '621200',
]);

const DEMO_KEY = 'demo.links.origin';

/**
 * Local host only: every center goes live with a link per fully-online item pointing at the center
 * simulator's hall, so the whole flow can be tried. Real links come from centers' registrations.
 */
export async function seedDemoLinks(store: Store, simOrigin: string): Promise<number> {
  if ((await store.meta.get(DEMO_KEY)) === simOrigin) return 0; // a second start keeps what is there
  const centers = await store.centers.list();
  for (const center of centers) {
    await store.centers.setLive(center.code, true);
    for (const item of ONLINE_ITEM_IDS) {
      await store.links.put(center.code, { item, kind: 'web', url: `${simOrigin}/hall/${center.code}/${item}`, healthy: !ANNEX_UNHEALTHY.has(center.code) });
    }
  }
  await store.meta.set(DEMO_KEY, simOrigin);
  return centers.length;
}

const DEMO_ROUTES_KEY = 'demo.routes.origin';

/** Demo service halls, marked as such: a center gives its real address through the supervisors (later its portal). */
const DEMO_COUNTERS: Record<string, CenterCounter> = {
  '321000': { address: '（演示地址）扬州市某区某路 1 号 公积金服务大厅', hours: '工作日 9:00-12:00，13:30-17:00' },
  '320100': { address: '（演示地址）南京市某区某路 2 号 公积金服务大厅', hours: '工作日 9:00-17:00' },
};

/** Demo routes of items 扬州 does not offer fully online: item 5 by in-app request, item 6 at the counter. */
const DEMO_ROUTES: { centerCode: string; item: ItemId; kind: ItemRoute }[] = [
  { centerCode: '321000', item: 5, kind: 'in-app' },
  { centerCode: '321000', item: 6, kind: 'counter' },
  { centerCode: '320100', item: 6, kind: 'in-app' },
];

/**
 * Local host only: 扬州 and 南京 get a service hall, 扬州 routes items 5 and 6 to an in-app request and its
 * counter, and 南京 takes item 6 in the app, so those routes can be seen. Runs after seedDemoLinks and again whenever that one re-seeds
 * (the simulator's origin changed), since it puts web links back on those items. Answers whether it seeded.
 */
export async function seedDemoRoutes(store: Store, simOrigin: string): Promise<boolean> {
  if ((await store.meta.get(DEMO_ROUTES_KEY)) === simOrigin) return false;
  for (const [code, counter] of Object.entries(DEMO_COUNTERS)) await store.centers.setCounter(code, counter);
  for (const { centerCode, item, kind } of DEMO_ROUTES) await store.links.put(centerCode, { item, kind });
  await store.meta.set(DEMO_ROUTES_KEY, simOrigin);
  return true;
}

const DEMO_ENDPOINTS_KEY = 'demo.endpoints.origin';

/**
 * Local host only: every center takes deliveries at the center simulator, signed with the one demo
 * secret. Re-pointed when the simulator's origin changes (it takes a free port in tests).
 */
export async function seedDemoEndpoints(store: Store, sim: { origin: string; endpointFor(code: string): string }, sealSecret: (centerCode: string) => string): Promise<number> {
  if ((await store.meta.get(DEMO_ENDPOINTS_KEY)) === sim.origin) return 0;
  const centers = await store.centers.list();
  const now = new Date();
  for (const center of centers) {
    await store.endpoints.put({ centerCode: center.code, mode: 'api', url: sim.endpointFor(center.code), secretsSealed: [sealSecret(center.code)], updatedAt: now });
  }
  await store.meta.set(DEMO_ENDPOINTS_KEY, sim.origin);
  return centers.length;
}

/**
 * Local host only: the demo is open to everyone (a deployed store starts closed, issue 15) from its first start on;
 * a later start keeps what supervisors switched. `LAUNCH=closed` closes it at start, `LAUNCH=open` opens it again.
 */
export async function seedDemoLaunch(store: Store, launch: 'open' | 'closed' | undefined): Promise<void> {
  if (launch === 'closed') await writeLaunch(store, CLOSED);
  else if (launch === 'open' || (await store.meta.get(LAUNCH_KEY)) === undefined) await writeLaunch(store, { national: true, provinces: [] });
}

/**
 * Local host only: the simulator's halls are on a business domain of the mini-program from the first start (issue 16
 * point 1), so their links open in the web-view as a configured domain's do; a later start keeps what supervisors set.
 * Answers whether it marked it.
 */
export async function seedDemoDomains(store: Store, simOrigin: string): Promise<boolean> {
  const domain = new URL(simOrigin).hostname;
  if (await store.businessDomains.get(domain)) return false;
  await store.businessDomains.put({ domain, state: 'configured', verificationFile: null, checkedAt: null, problem: null, updatedAt: new Date(), updatedBy: 'local-host' });
  return true;
}
