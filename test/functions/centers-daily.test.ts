import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as centers } from '../../cloudfunctions/centers';
import { handler as daily } from '../../cloudfunctions/centers-daily';
import { handler as portal } from '../../cloudfunctions/portal';
import type { HostLookup } from '../../cloudfunctions/_lib/delivery/http';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { earliestEffectiveDate, runCentersDaily } from '../../cloudfunctions/_lib/services/portal';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { configureDomains } from '../support/business-domains';
import { catalogStore, contextFor, testOutside } from '../support/function-context';

/**
 * The centers' daily run (issue 6, parts 3 and 5): approved changes switch on their effective date, and every
 * live web link and API endpoint is probed; the loopback HTTPS server below stands in for centers' sites,
 * reached through the allow list as the local host reaches its center simulator.
 */
jest.setTimeout(60_000);

const DAY = 86_400_000;
const T0 = new Date('2026-11-20T10:00:00+08:00');
const supervisor: Caller = { openid: 'sup-1', roles: [{ role: 'supervisor' }] };

/** What the stand-in site answers, by path: a status (a GET to the endpoint gets 405), or nothing at all. */
const answers: Record<string, number | 'hang'> = { '/old': 200, '/new': 200, '/flaky': 500, '/hooks': 405 };
/** Awaited before the stand-in site answers a path: a test looks at the store mid-run, or makes the site slow. */
let beforeAnswer: ((path: string) => Promise<void>) | undefined;
let server: Server;
let origin: string;
const names: Record<string, string[]> = { 'gjj.yangzhou.gov.cn': ['36.112.10.20'] };
const lookup: HostLookup = async (host) => {
  const found = names[host];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found;
};

let store: Store;
let outside: ReturnType<typeof testOutside>;
beforeAll(async () => {
  const tls = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
  });
  server = createServer({ key: tls.private, cert: tls.cert }, async (req, res) => {
    await beforeAnswer?.(req.url ?? '');
    const answer = answers[req.url ?? ''] ?? 404;
    if (answer === 'hang') return;
    res.writeHead(answer, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<html><head><title>扬州市住房公积金网上服务大厅</title></head></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `https://localhost:${port}`;
  outside = testOutside({ urlChecks: { lookup, allow: new Set([`localhost:${port}`]), allowCa: tls.cert } });
  store = await catalogStore();
  await configureDomains(store, origin);
});
afterAll(async () => {
  await store.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const runDaily = (now: Date) => daily.handle({ Type: 'Timer', TriggerName: 'centers-daily-after-midnight', Time: now.toISOString() }, contextFor(store, undefined, now, outside, 'timer'));
const jump = async (code: string, item: number, now: Date) => {
  const result = await centers.handle({ action: 'jump', code, item }, contextFor(store, undefined, now, outside));
  if (!result.ok) throw new Error(result.message);
  return (result.data as { target: unknown }).target;
};
/** 00:10 in China on a date: when the timer fires. */
const tenPastMidnight = (date: string) => new Date(`${date}T00:10:00+08:00`);

async function staffOf(centerCode: string, openid: string): Promise<Caller> {
  const invited = await admin.handle({ action: 'inviteStaff', centerCode }, contextFor(store, supervisor, T0, outside));
  if (!invited.ok) throw new Error(invited.message);
  const joined = await portal.handle({ action: 'joinCenter', code: (invited.data as { code: string }).code }, contextFor(store, { openid, roles: [] }, T0, outside));
  if (!joined.ok) throw new Error(joined.message);
  return { openid, roles: await store.roles.rolesOf(openid) };
}

async function approvedChange(staff: Caller, event: Record<string, unknown>): Promise<string> {
  const proposed = await portal.handle(event, contextFor(store, staff, T0, outside));
  if (!proposed.ok) throw new Error(proposed.message);
  // an endpoint proposal answers the change beside the secret it may bring
  const { id } = event.action === 'proposeEndpoint' ? (proposed.data as { change: { id: string } }).change : (proposed.data as { id: string });
  const reviewed = await admin.handle({ action: 'reviewChange', id, approve: true }, contextFor(store, supervisor, T0, outside));
  if (!reviewed.ok) throw new Error(reviewed.message);
  return id;
}

describe('the daily switch of approved changes', () => {
  it('keeps the old link live until the effective date, then the new one, with the history old -> new, once', async () => {
    const center = '321000';
    await store.centers.setLive(center, true);
    await store.links.put(center, { item: 1, kind: 'web', url: `${origin}/old`, healthy: true });
    const staff = await staffOf(center, 'staff-switch');
    const effectiveDate = (await earliestEffectiveDate({ store }, '2026-11-20')).date;
    const id = await approvedChange(staff, { action: 'proposeLink', item: 1, url: `${origin}/new`, effectiveDate });

    const dayBefore = new Date(tenPastMidnight(effectiveDate).getTime() - DAY);
    expect(await runDaily(dayBefore)).toMatchObject({ ok: true, data: { switched: [], held: [] } });
    expect(await jump(center, 1, dayBefore)).toEqual({ kind: 'web', url: `${origin}/old` });

    const onTheDay = tenPastMidnight(effectiveDate);
    expect(await runDaily(onTheDay)).toMatchObject({ ok: true, data: { switched: [id] } });
    expect(await jump(center, 1, onTheDay)).toEqual({ kind: 'web', url: `${origin}/new` });
    expect(await store.linkChanges.get(id)).toMatchObject({ status: 'live', appliedAt: onTheDay, previous: { kind: 'web', url: `${origin}/old` } });

    const history = await admin.handle({ action: 'centerHistory', centerCode: center }, contextFor(store, supervisor, onTheDay, outside));
    expect(history).toMatchObject({
      ok: true,
      data: [{ id, status: 'live', statusLabel: '已生效', proposedBy: '中心工作人员', reviewedBy: '本人', appliedAt: onTheDay.toISOString(), previous: { kind: 'web', url: `${origin}/old` }, target: { link: { url: `${origin}/new` } } }],
    });
    const live = (await store.audit.listFor(`center:${center}`)).filter((e) => e.action === 'change.live');
    expect(live).toEqual([expect.objectContaining({ actor: 'centers-daily', detail: expect.stringContaining(`${origin}/old → ${origin}/new`) })]);

    // the next day's run finds nothing to switch
    expect(await runDaily(new Date(onTheDay.getTime() + DAY))).toMatchObject({ ok: true, data: { switched: [] } });
  });

  it('switches an endpoint, keeping the center’s secrets, and puts a mini-program in place of an item’s route', async () => {
    const center = '320100';
    const staff = await staffOf(center, 'staff-endpoint');
    await portal.handle({ action: 'rotateSecret' }, contextFor(store, staff, T0, outside));
    await store.links.put(center, { item: 3, kind: 'counter' });
    const effectiveDate = (await earliestEffectiveDate({ store }, '2026-11-20')).date;
    const endpointChange = await approvedChange(staff, { action: 'proposeEndpoint', url: `${origin}/hooks`, effectiveDate });
    const linkChange = await approvedChange(staff, { action: 'proposeLink', item: 3, appId: 'wx0123456789abcdef', path: 'pages/retire/index', effectiveDate });
    const secrets = (await store.endpoints.get(center))?.secretsSealed;

    expect(await runDaily(tenPastMidnight(effectiveDate))).toMatchObject({ ok: true, data: { switched: expect.arrayContaining([endpointChange, linkChange]) } });
    expect(await store.endpoints.get(center)).toMatchObject({ mode: 'api', url: `${origin}/hooks`, secretsSealed: secrets });
    expect(await store.linkChanges.get(endpointChange)).toMatchObject({ previous: { kind: 'manual' } });
    expect(await store.links.listForCenter(center)).toEqual([{ item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: true }]);
    expect(await store.linkChanges.get(linkChange)).toMatchObject({ previous: { kind: 'counter' } });
  });

  it('does not switch an address the URL rules refuse on the day: the old link stays, the change is held with the reason for supervisors', async () => {
    const center = '320500';
    await store.centers.setLive(center, true);
    await store.links.put(center, { item: 4, kind: 'web', url: `${origin}/old`, healthy: true });
    const staff = await staffOf(center, 'staff-held');
    const effectiveDate = (await earliestEffectiveDate({ store }, '2026-11-20')).date;
    const id = await approvedChange(staff, { action: 'proposeLink', item: 4, url: 'https://gjj.yangzhou.gov.cn/open', effectiveDate });
    const onTheDay = tenPastMidnight(effectiveDate);
    names['gjj.yangzhou.gov.cn'] = ['10.1.2.3']; // the name now points inside a private network
    try {
      const result = await runDaily(onTheDay);
      expect(result).toMatchObject({ ok: true, data: { switched: [], held: [{ id, reason: expect.stringContaining('10.1.2.3') }] } });
    } finally {
      names['gjj.yangzhou.gov.cn'] = ['36.112.10.20'];
    }
    expect(await jump(center, 4, onTheDay)).toEqual({ kind: 'web', url: `${origin}/old` });
    expect(await store.linkChanges.get(id)).toMatchObject({ status: 'approved', heldReason: expect.stringContaining('不是公网地址'), heldAt: onTheDay });
    const seen = await admin.handle({ action: 'linkHealth' }, contextFor(store, supervisor, onTheDay, outside));
    expect(seen).toMatchObject({ ok: true, data: { held: [{ id, centerCode: center, held: { reason: expect.stringContaining('10.1.2.3') } }] } });
  });
});

describe('the daily health check', () => {
  it('marks a link failing twice in a row unhealthy (the directory falls back) and heals it on a success', async () => {
    const center = '320600';
    await store.centers.setLive(center, true);
    await store.links.put(center, { item: 1, kind: 'web', url: `${origin}/flaky`, healthy: true });
    await store.endpoints.put({ centerCode: center, mode: 'api', url: `${origin}/hooks`, secretsSealed: [], updatedAt: T0 });
    const day = (n: number) => new Date(T0.getTime() + n * DAY);

    answers['/flaky'] = 500;
    expect(await runDaily(day(1))).toMatchObject({ ok: true });
    expect(await jump(center, 1, day(1))).toEqual({ kind: 'web', url: `${origin}/flaky` });
    expect(await runDaily(day(2))).toMatchObject({ ok: true });
    expect(await jump(center, 1, day(2))).toMatchObject({ kind: 'unavailable', reason: 'unhealthy' });

    const seen = await admin.handle({ action: 'linkHealth' }, contextFor(store, supervisor, day(2), outside));
    expect(seen).toMatchObject({
      ok: true,
      data: {
        unhealthy: [
          {
            centerCode: center,
            centerName: '南通市住房公积金管理中心',
            channelLabel: '事项 1 缴存贷款信息查询',
            url: `${origin}/flaky`,
            health: expect.objectContaining({ consecutiveFailures: 2, status: 500, error: expect.stringContaining('500') }),
          },
        ],
      },
    });
    const staff = await staffOf(center, 'staff-health');
    const view = await portal.handle({ action: 'overview' }, contextFor(store, staff, day(2), outside));
    expect(view).toMatchObject({
      ok: true,
      data: {
        links: expect.arrayContaining([expect.objectContaining({ item: 1, healthy: false, health: expect.objectContaining({ healthy: false, consecutiveFailures: 2 }) })]),
        // a POST-only endpoint answering a GET with 405 is up
        endpoint: { mode: 'api', health: { healthy: true, status: 405, consecutiveFailures: 0 } },
      },
    });

    answers['/flaky'] = 200;
    expect(await runDaily(day(3))).toMatchObject({ ok: true });
    expect(await jump(center, 1, day(3))).toEqual({ kind: 'web', url: `${origin}/flaky` });
    expect(await store.health.listForCenter(center)).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'link:1', healthy: true, consecutiveFailures: 0, status: 200, title: '扬州市住房公积金网上服务大厅' })]),
    );
    const audit = (await store.audit.listFor(`center:${center}`)).filter((e) => e.action.startsWith('health.'));
    expect(audit.map((e) => [e.actor, e.action])).toEqual([
      ['centers-daily', 'health.unhealthy'],
      ['centers-daily', 'health.recovered'],
    ]);
  });

  it('counts an endpoint whose name no longer resolves as down, unhealthy after two runs', async () => {
    const center = '320700';
    await store.endpoints.put({ centerCode: center, mode: 'api', url: 'https://gone.yangzhou.gov.cn/hooks', secretsSealed: [], updatedAt: T0 });
    await runDaily(new Date(T0.getTime() + 10 * DAY));
    expect(await store.health.listForCenter(center)).toEqual([expect.objectContaining({ channel: 'endpoint', healthy: true, consecutiveFailures: 1, error: expect.stringContaining('无法解析') })]);
    await runDaily(new Date(T0.getTime() + 11 * DAY));
    expect(await store.health.listForCenter(center)).toEqual([expect.objectContaining({ channel: 'endpoint', healthy: false, consecutiveFailures: 2 })]);
  });

  it('runs for its timer only, never for a person', async () => {
    expect(await daily.handle({}, contextFor(store, supervisor, T0, outside))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});

// after the health checks: its runs on and after the effective date switch what earlier tests left approved
describe('the daily switch of an API endpoint', () => {
  it('holds an endpoint whose center has no signing secret, and switches it the day after the center makes one', async () => {
    const center = '320800';
    const staff = await staffOf(center, 'staff-unsigned');
    const effectiveDate = (await earliestEffectiveDate({ store }, '2026-11-20')).date;
    // approved before approval needed a secret
    const id = 'chg000000000000unsigned';
    await store.linkChanges.create({
      id, centerCode: center, target: { kind: 'endpoint', endpoint: { kind: 'api', url: `${origin}/hooks` } }, effectiveDate, status: 'approved',
      proposedBy: 'staff-unsigned', proposedAt: T0, reviewedBy: 'sup-1', reviewedAt: T0, reason: null, appliedAt: null, previous: null, heldReason: null, heldAt: null,
    });
    const onTheDay = tenPastMidnight(effectiveDate);
    expect(await runDaily(onTheDay)).toMatchObject({ ok: true, data: { held: [{ id, reason: expect.stringContaining('尚未生成签名密钥') }] } });
    expect(await store.endpoints.get(center)).toBeUndefined();
    expect(await store.linkChanges.get(id)).toMatchObject({ status: 'approved', heldReason: expect.stringContaining('请中心先在门户生成密钥'), heldAt: onTheDay });
    const seen = await admin.handle({ action: 'linkHealth' }, contextFor(store, supervisor, onTheDay, outside));
    expect(seen).toMatchObject({ ok: true, data: { held: expect.arrayContaining([expect.objectContaining({ id, held: { reason: expect.stringContaining('签名密钥'), at: onTheDay.toISOString() } })]) } });

    await portal.handle({ action: 'rotateSecret' }, contextFor(store, staff, onTheDay, outside));
    const nextDay = new Date(onTheDay.getTime() + DAY);
    expect(await runDaily(nextDay)).toMatchObject({ ok: true, data: { switched: [id] } });
    expect(await store.endpoints.get(center)).toMatchObject({ mode: 'api', url: `${origin}/hooks`, secretsSealed: [expect.any(String)] });
  });
});

describe('a daily health check with many links', () => {
  const CENTER = '330100';
  let own: Store;
  const day = (n: number) => new Date(T0.getTime() + n * DAY);
  /** The run as the function makes it, with this test's batch size and time for probes. */
  const run = (now: Date, options: Parameters<typeof runCentersDaily>[1]) => runCentersDaily({ ...contextFor(own, undefined, now, outside), now }, options);
  const checked = async () => Object.fromEntries((await own.health.listForCenter(CENTER)).map((h) => [h.channel, h.checkedAt.toISOString()]));

  beforeEach(async () => {
    // a store of its own: these tests count every live link and endpoint
    own = await catalogStore();
    await own.links.put(CENTER, { item: 1, kind: 'web', url: `${origin}/old`, healthy: true });
    await own.links.put(CENTER, { item: 3, kind: 'web', url: `${origin}/new`, healthy: true });
    await own.endpoints.put({ centerCode: CENTER, mode: 'api', url: `${origin}/hooks`, secretsSealed: [], updatedAt: T0 });
  });
  afterEach(async () => {
    beforeAnswer = undefined;
    await own.close();
  });

  it('records each batch as it ends, so a run that dies keeps what it found', async () => {
    // links by item, then endpoints: the endpoint is probed in the second batch of two
    let storedWhenEndpointProbed: number | undefined;
    beforeAnswer = async (path) => {
      if (path === '/hooks') storedWhenEndpointProbed = (await own.health.listForCenter(CENTER)).length;
    };
    expect(await run(day(1), { batchSize: 2 })).toMatchObject({ probed: 3, unhealthy: 0, deferred: 0 });
    expect(storedWhenEndpointProbed).toBe(2);
  });

  it('starts no probe once its time is up, leaving the rest to the next day’s run, which takes them first', async () => {
    beforeAnswer = (path) => new Promise((resolve) => setTimeout(resolve, path === '/old' ? 1500 : 0));
    expect(await run(day(1), { batchSize: 1, probeStartBudgetMs: 1000 })).toMatchObject({ probed: 1, deferred: 2 });
    expect(await checked()).toEqual({ 'link:1': day(1).toISOString() });

    // the next day every probe is slow: the first batch has the two never checked, and the time is up after it
    beforeAnswer = () => new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await run(day(2), { batchSize: 2, probeStartBudgetMs: 1000 })).toMatchObject({ probed: 2, deferred: 1 });
    expect(await checked()).toEqual({ 'link:1': day(1).toISOString(), 'link:3': day(2).toISOString(), endpoint: day(2).toISOString() });
  });
});
