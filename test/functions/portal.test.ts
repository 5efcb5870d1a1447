import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { HAND_CODE_PATTERN } from '../../src/core/codes';
import { handler as admin } from '../../cloudfunctions/admin';
import { handleCallbackHttp } from '../../cloudfunctions/callbacks';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as relay } from '../../cloudfunctions/relay';
import type { ConformanceReport, ConformanceRunView } from '../../src/core/center-portal';
import type { HostLookup } from '../../cloudfunctions/_lib/delivery/http';
import { newSecret } from '../../cloudfunctions/_lib/delivery/signing';
import { createOutboundClient, hostPort, type OutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { earliestEffectiveDate } from '../../cloudfunctions/_lib/services/portal';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { FUNCTIONS } from '../../tools/local-cloud/functions';
import { createLocalCloud } from '../../tools/local-cloud/server';
import { startCenterSim, type CenterSim } from '../../tools/center-sim/server';
import { catalogStore, contextFor, testOutside } from '../support/function-context';

/**
 * The center portal (issue 6, parts 1-3 and 7): invites, proposals with the URL rules and the
 * ten-working-day rule, supervisors' review, secret rotation, and interface testing through the platform's
 * own callback endpoint.
 */
jest.setTimeout(60_000);

const YANGZHOU = '321000';
const NANJING = '320100';
const WUXI = '320200';
const T0 = new Date('2026-11-20T10:00:00+08:00');
const DAY = 86_400_000;
const supervisor: Caller = { openid: 'sup-1', roles: [{ role: 'supervisor' }] };

/** Names the tests resolve: public ones, one that resolves to loopback, and (by omission) ones not live yet. */
const names: Record<string, string[]> = {
  'gjj.yangzhou.gov.cn': ['36.112.10.20'],
  'hall.yangzhou.gov.cn': ['36.112.10.21'],
  'evil.example': ['127.0.0.1'],
};
const lookup: HostLookup = async (host) => {
  const found = names[host];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found;
};

// one store for the file: each test works with centers of its own
let store: Store;
let outside: ReturnType<typeof testOutside>;
beforeAll(async () => {
  store = await catalogStore();
});
beforeEach(() => {
  outside = testOutside({ urlChecks: { lookup } });
});
afterAll(() => store.close());

/** A person's roles as the deployed runtime reads them: from the store. */
async function person(openid: string): Promise<Caller> {
  return { openid, roles: await store.roles.rolesOf(openid) };
}
const callPortal = async (caller: Caller | undefined, event: unknown, now = T0) => portal.handle(event, contextFor(store, caller, now, outside));
const callAdmin = async (caller: Caller, event: unknown, now = T0) => admin.handle(event, contextFor(store, caller, now, outside));
const data = <T>(result: { ok: boolean; data?: unknown }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.data as T;
};

async function invite(centerCode: string, now = T0): Promise<string> {
  return data<{ code: string }>(await callAdmin(supervisor, { action: 'inviteStaff', centerCode }, now)).code;
}
async function staffOf(centerCode: string, openid: string): Promise<Caller> {
  data(await callPortal({ openid, roles: [] }, { action: 'joinCenter', code: await invite(centerCode) }));
  return person(openid);
}
const earliest = async (now: Date) => (await earliestEffectiveDate({ store }, now.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }))).date;

describe('center staff invites', () => {
  it('makes the first user of a supervisor’s invite staff of that center only, once, and logs both', async () => {
    const result = await callAdmin(supervisor, { action: 'inviteStaff', centerCode: WUXI });
    const { code, expiresAt } = data<{ code: string; expiresAt: string }>(result);
    expect(code).toMatch(HAND_CODE_PATTERN);
    expect(expiresAt).toBe(new Date(T0.getTime() + 7 * DAY).toISOString());

    // typed by hand: spaces and lower case are fine
    expect(await callPortal({ openid: 'p-1', roles: [] }, { action: 'joinCenter', code: ` ${code.toLowerCase()} ` })).toEqual({
      ok: true,
      data: { centerCode: WUXI, centerName: '无锡市住房公积金管理中心' },
    });
    expect(await store.roles.rolesOf('p-1')).toEqual([{ role: 'center-staff', centerCode: WUXI }]);
    expect(await callPortal({ openid: 'p-2', roles: [] }, { action: 'joinCenter', code })).toMatchObject({ ok: false, code: 'INVITE_NOT_FOUND' });
    expect(await store.roles.rolesOf('p-2')).toEqual([]);

    // staff of one center only: another center's invite is refused and stays unused, for someone else
    const other = await invite(NANJING);
    expect(await callPortal(await person('p-1'), { action: 'joinCenter', code: other })).toMatchObject({ ok: false, code: 'ALREADY_STAFF', message: expect.stringContaining('无锡市住房公积金管理中心') });
    expect(await store.roles.rolesOf('p-1')).toEqual([{ role: 'center-staff', centerCode: WUXI }]);
    expect(await callPortal({ openid: 'p-1b', roles: [] }, { action: 'joinCenter', code: other })).toMatchObject({ ok: true, data: { centerCode: NANJING } });

    const audit = await store.audit.listFor(`center:${WUXI}`);
    expect(audit.map((e) => [e.actor, e.action])).toEqual([
      ['sup-1', 'staff.invite'],
      ['p-1', 'staff.join'],
    ]);
    expect(audit.map((e) => e.detail).join()).not.toContain(code);
  });

  it('refuses an unknown code, a used one and one past its 7 days alike, and a malformed one, changing nothing', async () => {
    const refused = { ok: false, code: 'INVITE_NOT_FOUND', message: '邀请码无效或已过期，请向监管部门重新索取', fields: { code: '邀请码无效或已过期' } };
    expect(await callPortal({ openid: 'p-3', roles: [] }, { action: 'joinCenter', code: 'ABCDEFGH' })).toEqual(refused);
    expect(await callPortal({ openid: 'p-3', roles: [] }, { action: 'joinCenter', code: 'AB10' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { code: expect.stringContaining('8 位') } });
    const code = await invite('320400');
    expect(await callPortal({ openid: 'p-3', roles: [] }, { action: 'joinCenter', code }, new Date(T0.getTime() + 7 * DAY))).toEqual(refused);
    expect(await store.roles.rolesOf('p-3')).toEqual([]);
    expect(await callPortal({ openid: 'p-3', roles: [] }, { action: 'joinCenter', code }, new Date(T0.getTime() + 7 * DAY - 60_000))).toMatchObject({ ok: true });
    expect(await callPortal({ openid: 'p-3b', roles: [] }, { action: 'joinCenter', code })).toEqual(refused);
  });

  it('refuses a person who entered 5 wrong codes today, even a good one, until China midnight; others are not held up', async () => {
    const guesser = { openid: 'p-guess', roles: [] };
    for (const guess of ['ABCDEFGH', 'BCDEFGHJ', 'CDEFGHJK', 'DEFGHJKL', 'EFGHJKLM']) {
      expect(await callPortal(guesser, { action: 'joinCenter', code: guess })).toMatchObject({ ok: false, code: 'INVITE_NOT_FOUND' });
    }
    const code = await invite('320800');
    expect(await callPortal(guesser, { action: 'joinCenter', code })).toMatchObject({
      ok: false,
      code: 'TOO_MANY_ATTEMPTS',
      message: expect.stringContaining('2026-11-21 00:00'),
      fields: { code: expect.any(String) },
    });
    expect(await store.roles.rolesOf('p-guess')).toEqual([]);
    expect(await callPortal(guesser, { action: 'joinCenter', code }, new Date('2026-11-21T00:00:00+08:00'))).toMatchObject({ ok: true, data: { centerCode: '320800' } });
    // the count is the guesser's own
    expect(await callPortal({ openid: 'p-guess-2', roles: [] }, { action: 'joinCenter', code: await invite('320800') })).toMatchObject({ ok: true });
  });

  it('lets only supervisors invite, and only signed-in people join', async () => {
    const staff = await staffOf('320500', 'p-4');
    expect(await callAdmin(staff, { action: 'inviteStaff', centerCode: '320500' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await callAdmin(supervisor, { action: 'inviteStaff', centerCode: '999999' })).toMatchObject({ ok: false, code: 'CENTER_NOT_FOUND' });
    expect(await callPortal(undefined, { action: 'joinCenter', code: 'ABCDEFGH' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await callPortal({ openid: 'p-5', roles: [] }, { action: 'overview' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});

describe('proposing links and endpoints', () => {
  it('files a link change for the staff’s own center only, whatever center the event names', async () => {
    const staff = await staffOf('320600', 'p-10');
    const effectiveDate = (await earliest(T0));
    const result = await callPortal(staff, { action: 'proposeLink', item: 1, url: 'https://GJJ.yangzhou.gov.cn/wx/../query', effectiveDate, centerCode: '320700' });
    expect(result).toMatchObject({
      ok: true,
      data: {
        centerCode: '320600',
        target: { kind: 'link', item: 1, link: { kind: 'web', url: 'https://gjj.yangzhou.gov.cn/query' } },
        status: 'pending',
        statusLabel: '待审核',
        // staff are shown people, never openids: themselves as 本人
        proposedBy: '本人',
        effectiveDate,
      },
    });
    expect(await store.linkChanges.listForCenter('320700')).toEqual([]);
    const mini = await callPortal(staff, { action: 'proposeLink', item: 3, appId: 'wx0123456789abcdef', path: 'pages/retire/index', effectiveDate });
    expect(mini).toMatchObject({ ok: true, data: { target: { kind: 'link', item: 3, link: { kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index' } } } });
    expect((await store.audit.listFor('center:320600')).filter((e) => e.action === 'change.propose')).toHaveLength(2);
  });

  it.each([
    ['http://gjj.yangzhou.gov.cn/query', 'https'],
    ['https://127.0.0.1/query', 'IP 地址'],
    ['https://2130706433/query', 'IP 地址'],
    ['https://[::ffff:127.0.0.1]/query', 'IP 地址'],
    ['https://admin:pw@gjj.yangzhou.gov.cn/query', '用户名或密码'],
    ['https://gjj.yangzhou.gov.cn:8443/query', '443'],
    ['https://evil.example/query', '127.0.0.1'],
  ])('refuses %s with UNSAFE_URL saying why, and stores nothing', async (url, why) => {
    const staff = await staffOf(YANGZHOU, `p-11-${url}`.slice(0, 60).replace(/[^\w-]/g, '-'));
    const before = await store.audit.listFor(`center:${YANGZHOU}`);
    const changes = await store.linkChanges.listForCenter(YANGZHOU);
    const result = await callPortal(staff, { action: 'proposeLink', item: 1, url, effectiveDate: (await earliest(T0)) });
    expect(result).toMatchObject({ ok: false, code: 'UNSAFE_URL', message: expect.stringContaining(why), fields: { url: expect.stringContaining(why) } });
    const endpoint = await callPortal(staff, { action: 'proposeEndpoint', url, effectiveDate: (await earliest(T0)) });
    expect(endpoint).toMatchObject({ ok: false, code: 'UNSAFE_URL', message: expect.stringContaining(why) });
    expect(await store.linkChanges.listForCenter(YANGZHOU)).toEqual(changes);
    expect(await store.audit.listFor(`center:${YANGZHOU}`)).toEqual(before);
  });

  it('refuses a proposal naming both a page and a mini-program, or an item handled in the app, by field', async () => {
    const staff = await staffOf('320900', 'p-12');
    const date = (await earliest(T0));
    expect(await callPortal(staff, { action: 'proposeLink', item: 1, url: 'https://gjj.yangzhou.gov.cn/', appId: 'wx0123456789abcdef', path: 'p', effectiveDate: date })).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
      fields: { url: '网页链接与小程序只能登记一种' },
    });
    expect(await callPortal(staff, { action: 'proposeLink', item: 1, appId: 'wx0123456789abcdef', effectiveDate: date })).toMatchObject({ fields: { path: '请填写小程序页面路径' } });
    expect(await callPortal(staff, { action: 'proposeLink', item: 7, url: 'https://gjj.yangzhou.gov.cn/', effectiveDate: date })).toMatchObject({ fields: { item: expect.stringContaining('全程网办') } });
    expect(await callPortal(staff, { action: 'proposeEndpoint', effectiveDate: date })).toMatchObject({ fields: { url: expect.stringContaining('二选一') } });
    expect(await callPortal(staff, { action: 'proposeLink', item: 1, url: 'https://gjj.yangzhou.gov.cn/', effectiveDate: '2026-02-30' })).toMatchObject({ fields: { effectiveDate: '生效日期不是有效日期' } });
    expect(await store.linkChanges.listForCenter('320900')).toEqual([]);
  });

  it('files an endpoint change, or manual delivery, on the earliest date when none is given', async () => {
    const staff = await staffOf('321100', 'p-13');
    const api = data<{ change: unknown; secret?: string }>(await callPortal(staff, { action: 'proposeEndpoint', url: 'https://gjj.yangzhou.gov.cn/hooks/gjj' }));
    expect(api.change).toMatchObject({ target: { kind: 'endpoint', endpoint: { kind: 'api', url: 'https://gjj.yangzhou.gov.cn/hooks/gjj' } }, effectiveDate: (await earliest(T0)), targetLabel: '接收推送的接口' });
    expect(await callPortal(staff, { action: 'proposeEndpoint', manual: true })).toEqual({ ok: true, data: { change: expect.objectContaining({ target: { kind: 'endpoint', endpoint: { kind: 'manual' } } }) } });
  });

  it('gives a center without a secret its first one with its first API endpoint, shown this once', async () => {
    const center = '321200';
    const staff = await staffOf(center, 'p-14');
    // the workbench needs no secret
    expect(data<object>(await callPortal(staff, { action: 'proposeEndpoint', manual: true }))).not.toHaveProperty('secret');
    expect(await store.endpoints.get(center)).toBeUndefined();

    const first = data<{ change: { id: string }; secret?: string }>(await callPortal(staff, { action: 'proposeEndpoint', url: 'https://gjj.yangzhou.gov.cn/hooks/a' }));
    expect(first.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{24,}$/);
    expect(await store.endpoints.get(center)).toMatchObject({ mode: 'manual', url: null, secretsSealed: [expect.any(String)] });
    expect(await callPortal(staff, { action: 'overview' })).toMatchObject({ ok: true, data: { secrets: { valid: 1, rotatedAt: T0.toISOString() } } });
    expect((await store.audit.listFor(`center:${center}`)).filter((e) => e.action === 'secret.rotate')).toEqual([expect.objectContaining({ actor: 'p-14' })]);
    // so the change can be approved at once
    expect(await callAdmin(supervisor, { action: 'reviewChange', id: first.change.id, approve: true })).toMatchObject({ ok: true, data: { status: 'approved' } });

    // with a secret already, none is made or shown
    expect(data<object>(await callPortal(staff, { action: 'proposeEndpoint', url: 'https://gjj.yangzhou.gov.cn/hooks/b' }))).not.toHaveProperty('secret');
    expect((await store.endpoints.get(center))?.secretsSealed).toHaveLength(1);
  });
});

describe('the ten-working-day rule (official calendar, make-up working days included)', () => {
  // counted by hand on the State Council notices: National Day 2025 is 10-01..10-08 with make-up Sunday 09-28 and
  // Saturday 10-11; Spring Festival 2026 is 02-15..02-23 with make-up Saturdays 02-14 and 02-28
  it.each([
    ['2025-09-26', '2025-10-16', 'before National Day: the make-up Sunday 09-28 and Saturday 10-11 count', '330100'],
    ['2025-09-30', '2025-10-21', 'the eve of National Day: the holiday does not count, the make-up Saturday does', '440100'],
    ['2026-02-13', '2026-03-05', 'before Spring Festival: the make-up Saturdays 02-14 and 02-28 count', '110000'],
    ['2026-02-27', '2026-03-12', 'the day before the make-up Saturday 02-28, which counts', '310000'],
  ])('submitted %s: the earliest effective date is %s (%s)', async (submitted, expected, _why, center) => {
    expect((await earliestEffectiveDate({ store }, submitted)).date).toBe(expected);
    const now = new Date(`${submitted}T10:00:00+08:00`);
    const staff = await staffOf(center, `p-date-${submitted}`);
    const dayBefore = new Date(Date.parse(`${expected}T00:00:00Z`) - DAY).toISOString().slice(0, 10);
    const early = await callPortal(staff, { action: 'proposeLink', item: 1, url: 'https://gjj.yangzhou.gov.cn/q', effectiveDate: dayBefore }, now);
    expect(early).toMatchObject({ ok: false, code: 'EFFECTIVE_DATE_TOO_EARLY', message: expect.stringContaining(expected), fields: { effectiveDate: expect.stringContaining(expected) } });
    expect(await store.linkChanges.listForCenter(center)).toEqual([]);
    const endpointEarly = await callPortal(staff, { action: 'proposeEndpoint', manual: true, effectiveDate: dayBefore }, now);
    expect(endpointEarly).toMatchObject({ ok: false, code: 'EFFECTIVE_DATE_TOO_EARLY' });
    expect(await callPortal(staff, { action: 'proposeLink', item: 1, url: 'https://gjj.yangzhou.gov.cn/q', effectiveDate: expected }, now)).toMatchObject({ ok: true, data: { effectiveDate: expected } });
    expect(await callPortal(staff, { action: 'overview' }, now)).toMatchObject({ ok: true, data: { earliestEffectiveDate: expected } });
  });
});

describe('review of work orders', () => {
  it('lists pending changes oldest first; supervisors approve, or reject with a reason; each once, each logged', async () => {
    const center = '340100';
    const staff = await staffOf(center, 'p-20');
    const date = (await earliest(T0));
    const first = data<{ id: string }>(await callPortal(staff, { action: 'proposeLink', item: 1, url: 'https://gjj.yangzhou.gov.cn/a', effectiveDate: date }));
    const second = data<{ id: string }>(await callPortal(staff, { action: 'proposeLink', item: 3, url: 'https://gjj.yangzhou.gov.cn/b', effectiveDate: date }, new Date(T0.getTime() + 1000)));
    const pending = async () => data<{ id: string; centerCode: string }[]>(await callAdmin(supervisor, { action: 'pendingChanges' })).filter((c) => c.centerCode === center);
    expect((await pending()).map((c) => c.id)).toEqual([first.id, second.id]);

    expect(await callAdmin(staff, { action: 'reviewChange', id: first.id, approve: true })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await callAdmin(supervisor, { action: 'reviewChange', id: second.id, approve: false })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { reason: '不通过时请写明理由' } });
    expect((await store.linkChanges.get(second.id))?.status).toBe('pending');

    // people by name and role, never by openid: the deciding supervisor is 本人 to themself, the staff member without a name their role
    expect(await callAdmin(supervisor, { action: 'reviewChange', id: first.id, approve: true })).toMatchObject({ ok: true, data: { status: 'approved', reviewedBy: '本人', proposedBy: '中心工作人员' } });
    expect(await callAdmin(supervisor, { action: 'reviewChange', id: second.id, approve: false, reason: '链接页面与所选事项不符' })).toMatchObject({
      ok: true,
      data: { status: 'rejected', statusLabel: '未通过', reason: '链接页面与所选事项不符' },
    });
    expect(await callAdmin(supervisor, { action: 'reviewChange', id: first.id, approve: false, reason: '再看看' })).toMatchObject({ ok: false, code: 'CHANGE_NOT_PENDING' });
    expect(await callAdmin(supervisor, { action: 'reviewChange', id: 'chg0123456789abcdef0123', approve: true })).toMatchObject({ ok: false, code: 'CHANGE_NOT_FOUND' });
    expect(await pending()).toEqual([]);
    const actions = (await store.audit.listFor(`center:${center}`)).map((e) => [e.actor, e.action]);
    expect(actions).toEqual(expect.arrayContaining([['sup-1', 'change.approve'], ['sup-1', 'change.reject']]));
    expect(data<{ id: string; status: string }[]>(await callAdmin(supervisor, { action: 'centerHistory', centerCode: center })).map((c) => [c.id, c.status])).toEqual([
      [second.id, 'rejected'],
      [first.id, 'approved'],
    ]);
  });

  it('approves an address only while it resolves to public addresses; a later approval supersedes the one waiting', async () => {
    const staff = await staffOf('350100', 'p-21');
    const date = (await earliest(T0));
    names['new.yangzhou.gov.cn'] = ['36.112.10.22'];
    const soon = data<{ id: string }>(await callPortal(staff, { action: 'proposeLink', item: 1, url: 'https://new.yangzhou.gov.cn/q', effectiveDate: date }));
    // the name went away between proposal and review: the review refuses, the order stays pending
    delete names['new.yangzhou.gov.cn'];
    expect(await callAdmin(supervisor, { action: 'reviewChange', id: soon.id, approve: true })).toMatchObject({ ok: false, code: 'UNSAFE_URL', message: expect.stringContaining('无法解析') });
    expect((await store.linkChanges.get(soon.id))?.status).toBe('pending');
    names['new.yangzhou.gov.cn'] = ['36.112.10.22'];
    try {
      expect(await callAdmin(supervisor, { action: 'reviewChange', id: soon.id, approve: true })).toMatchObject({ ok: true, data: { status: 'approved' } });
    } finally {
      delete names['new.yangzhou.gov.cn'];
    }
    const later = data<{ id: string }>(await callPortal(staff, { action: 'proposeLink', item: 1, url: 'https://hall.yangzhou.gov.cn/q', effectiveDate: date }));
    expect(await callAdmin(supervisor, { action: 'reviewChange', id: later.id, approve: true })).toMatchObject({ ok: true });
    expect((await store.linkChanges.get(soon.id))?.status).toBe('superseded');
    expect((await store.audit.listFor('center:350100')).map((e) => e.action)).toContain('change.supersede');
  });

  it('approves an API endpoint only once its center has a signing secret', async () => {
    const center = '350200';
    const staff = await staffOf(center, 'p-22');
    // an order filed before proposals came with a secret
    const id = 'chg00000000000000legacy';
    await store.linkChanges.create({
      id, centerCode: center, target: { kind: 'endpoint', endpoint: { kind: 'api', url: 'https://gjj.yangzhou.gov.cn/hooks' } }, effectiveDate: (await earliest(T0)), status: 'pending',
      proposedBy: 'p-22', proposedAt: T0, reviewedBy: null, reviewedAt: null, reason: null, appliedAt: null, previous: null, heldReason: null, heldAt: null,
    });
    expect(await callAdmin(supervisor, { action: 'reviewChange', id, approve: true })).toMatchObject({
      ok: false,
      code: 'SECRET_NOT_SET',
      message: expect.stringContaining('尚未生成签名密钥，请中心先在门户生成密钥'),
    });
    expect((await store.linkChanges.get(id))?.status).toBe('pending');
    data(await callPortal(staff, { action: 'rotateSecret' }));
    expect(await callAdmin(supervisor, { action: 'reviewChange', id, approve: true })).toMatchObject({ ok: true, data: { status: 'approved' } });
  });
});

describe('signing secrets', () => {
  const SECRETS_CENTER = '360100';
  const callback = (secret: string) => {
    const body = JSON.stringify({ type: 'application.status', data: { applicationId: 'abcdefgh12345678', status: 'accepted' } });
    const id = `msg_${Math.random().toString(36).slice(2)}`;
    const at = new Date();
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
    return handleCallbackHttp({ path: `/callbacks/${SECRETS_CENTER}`, httpMethod: 'POST', headers, body }, contextFor(store, undefined, new Date(), outside));
  };
  /** 401 when the signature is refused; past it, an unknown application answers 404. */
  const verifies = async (secret: string) => (await callback(secret)).statusCode !== 401;

  it('shows a new secret once; the one before stays valid until the next rotation drops it', async () => {
    const staff = await staffOf(SECRETS_CENTER, 'p-30');
    await store.endpoints.put({ centerCode: SECRETS_CENTER, mode: 'api', url: 'https://gjj.yangzhou.gov.cn/hooks', secretsSealed: [], updatedAt: T0 });
    const first = data<{ secret: string; valid: number }>(await callPortal(staff, { action: 'rotateSecret' }));
    expect(first).toEqual({ secret: expect.stringMatching(/^whsec_/), valid: 1 });
    expect(await verifies(first.secret)).toBe(true);

    const later = new Date(T0.getTime() + DAY);
    const second = data<{ secret: string; valid: number }>(await callPortal(staff, { action: 'rotateSecret' }, later));
    expect(second.valid).toBe(2);
    expect(await verifies(first.secret)).toBe(true);
    expect(await verifies(second.secret)).toBe(true);

    const third = data<{ secret: string }>(await callPortal(staff, { action: 'rotateSecret' }));
    expect(await verifies(first.secret)).toBe(false);
    expect(await verifies(second.secret)).toBe(true);
    expect(await verifies(third.secret)).toBe(true);

    // the endpoint itself is untouched, and the overview tells the state without a secret in it
    expect(await store.endpoints.get(SECRETS_CENTER)).toMatchObject({ mode: 'api', url: 'https://gjj.yangzhou.gov.cn/hooks' });
    const view = await callPortal(staff, { action: 'overview' }, later);
    expect(view).toMatchObject({ ok: true, data: { secrets: { valid: 2 }, endpoint: { mode: 'api', url: 'https://gjj.yangzhou.gov.cn/hooks' } } });
    for (const s of [first, second, third]) expect(JSON.stringify(view)).not.toContain(s.secret.slice(6));
    expect((await store.audit.listFor(`center:${SECRETS_CENTER}`)).filter((e) => e.action === 'secret.rotate')).toHaveLength(3);
  });

  it('keeps a signed callback about a test application for the suite, answered as the platform answers, never applied', async () => {
    const staff = await staffOf('410100', 'p-32');
    const { secret } = data<{ secret: string }>(await callPortal(staff, { action: 'rotateSecret' }));
    const send = (payload: object, id: string, signWith = secret) => {
      const body = JSON.stringify({ type: 'application.status', data: payload });
      const at = new Date();
      const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(signWith).sign(id, at, body) };
      return handleCallbackHttp({ path: '/callbacks/410100', httpMethod: 'POST', headers, body }, contextFor(store, undefined, at, outside));
    };
    const answer = async (r: Promise<{ statusCode: number; body: string }>) => {
      const { statusCode, body } = await r;
      return { statusCode, body: JSON.parse(body) as unknown };
    };
    expect(await answer(send({ applicationId: 'conformancetest0001', status: 'accepted' }, 'msg_t1'))).toEqual({ statusCode: 200, body: { ok: true, data: { changed: true } } });
    expect(await answer(send({ applicationId: 'conformancetest0001', status: 'accepted' }, 'msg_t1'))).toEqual({ statusCode: 200, body: { ok: true, data: { changed: false } } });
    expect(await answer(send({ applicationId: 'conformancetest0001', status: '' }, 'msg_t2'))).toMatchObject({ statusCode: 400, body: { ok: false, code: 'VALIDATION_FAILED' } });
    expect(await answer(send({ applicationId: 'conformancetest0001', status: 'processing' }, 'msg_t3', newSecret()))).toMatchObject({ statusCode: 401 });
    expect(await store.conformanceCallbacks.listFor('410100', 'conformancetest0001')).toEqual([
      expect.objectContaining({ webhookId: 'msg_t1', status: 'accepted', signatureValid: true, problems: [] }),
      expect.objectContaining({ webhookId: 'msg_t1', status: 'accepted' }),
      expect.objectContaining({ webhookId: 'msg_t2', problems: [expect.stringContaining('status')] }),
    ]);
    expect(await store.applications.hasReceipt('410100', 'msg_t1')).toBe(false);
  });

  it('gives a center without an endpoint a secret to set up before its endpoint goes live', async () => {
    const staff = await staffOf('370100', 'p-31');
    expect(await callPortal(staff, { action: 'rotateSecret' })).toMatchObject({ ok: true, data: { valid: 1 } });
    expect(await store.endpoints.get('370100')).toMatchObject({ mode: 'manual', url: null, secretsSealed: [expect.any(String)] });
    expect(await callPortal(staff, { action: 'overview' })).toMatchObject({ ok: true, data: { endpoint: { mode: 'manual', url: null }, secrets: { valid: 1, rotatedAt: T0.toISOString() } } });
  });
});

describe('interface testing from the portal', () => {
  const CONFORMANCE_CENTER = '500000';
  let sim: CenterSim;
  let platform: Awaited<ReturnType<typeof createLocalCloud>>;
  let outbound: OutboundClient;
  let centerSecret: string | undefined;

  beforeEach(async () => {
    sim = await startCenterSim({ secretFor: () => centerSecret, callbackDelayMs: 20 });
    const allow = new Set([hostPort(new URL(sim.origin))]);
    outbound = createOutboundClient({ allow, allowCa: sim.tls.cert });
    let base = '';
    outside = testOutside({ urlChecks: { lookup, allow, allowCa: sim.tls.cert }, outbound: () => outbound, callbackBase: () => base });
    // the platform's callback endpoint, where the simulator's callbacks about the test applications come back
    platform = await createLocalCloud({ store, functions: FUNCTIONS, envRoles: new Map(), log: createLogger({ level: 'silent' }), outside });
    base = await platform.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    platform.server.closeAllConnections(); // the simulator's callback client keeps its connections alive
    await platform.close();
    await outbound.close();
    await sim.close();
  });

  /** Starts a run from the portal, lets the relay (nudged) run it, and answers its report as the page's poll reads it. */
  async function runToTheEnd(staff: Caller): Promise<ConformanceReport> {
    const { runId } = data<ConformanceRunView>(await callPortal(staff, { action: 'runConformance' }));
    expect(await relay.handle({}, contextFor(store, undefined, T0, outside, 'internal'))).toMatchObject({ ok: true });
    const { finished, report } = data<ConformanceRunView>(await callPortal(staff, { action: 'conformanceRun', runId }));
    if (!finished || !report) throw new Error(`run ${runId} did not finish`);
    return report;
  }

  it('needs a secret and an endpoint first', async () => {
    const staff = await staffOf(NANJING, 'p-40');
    expect(await callPortal(staff, { action: 'runConformance' })).toMatchObject({ ok: false, code: 'ENDPOINT_NOT_SET', message: expect.stringContaining('密钥') });
    await callPortal(staff, { action: 'rotateSecret' });
    expect(await callPortal(staff, { action: 'runConformance' })).toMatchObject({ ok: false, code: 'ENDPOINT_NOT_SET', message: expect.stringContaining('接口地址') });
    expect(await store.conformanceRuns.latest(NANJING)).toBeUndefined();
  });

  it('runs the suite against the endpoint the center is moving to, records the report, and shows 已通过 with the date', async () => {
    const staff = await staffOf(YANGZHOU, 'p-41');
    expect(await callPortal(staff, { action: 'overview' })).toMatchObject({ ok: true, data: { conformance: { status: 'none', label: '未开始接口测试', at: null } } });
    centerSecret = data<{ secret: string }>(await callPortal(staff, { action: 'rotateSecret' })).secret;
    await callPortal(staff, { action: 'proposeEndpoint', url: sim.endpointFor(YANGZHOU) });

    const report = await runToTheEnd(staff);
    expect(report.checks.filter((c) => !c.passed)).toEqual([]);
    expect(report.passed).toBe(true);
    // the center's callbacks came back to the platform, signed, and were kept for the suite, not applied
    expect(sim.received.filter((d) => d.callbacks.length > 0).length).toBeGreaterThan(0);
    expect(await store.applications.listForCenter(YANGZHOU)).toEqual([]);
    const run = await store.conformanceRuns.latest(YANGZHOU);
    expect(run).toMatchObject({ url: sim.endpointFor(YANGZHOU), startedBy: 'p-41', report: { passed: true } });
    expect(await callPortal(staff, { action: 'overview' })).toMatchObject({ ok: true, data: { conformance: { status: 'passed', label: '已通过', at: run?.report?.finishedAt } } });
    expect((await store.audit.listFor(`center:${YANGZHOU}`)).map((e) => e.action)).toContain('conformance.run');
  });

  it('shows 已开始接口测试 after a run that did not pass', async () => {
    const staff = await staffOf(CONFORMANCE_CENTER, 'p-42');
    centerSecret = data<{ secret: string }>(await callPortal(staff, { action: 'rotateSecret' })).secret;
    // the endpoint live already (switched by an earlier work order)
    const endpoint = await store.endpoints.get(CONFORMANCE_CENTER);
    if (!endpoint) throw new Error('rotateSecret made no endpoint');
    await store.endpoints.put({ ...endpoint, mode: 'api', url: sim.endpointFor(CONFORMANCE_CENTER) });
    // a center that takes deliveries without checking their signature
    const agent = new Agent({ connect: { ca: sim.tls.cert } });
    try {
      const res = await request(`${sim.origin}/_control/signatures`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verify: false }) });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    } finally {
      await agent.close();
    }
    const report = await runToTheEnd(staff);
    expect(report.passed).toBe(false);
    expect(report.checks.filter((c) => !c.passed).map((c) => c.id)).toEqual(['refuse.bad-signature', 'refuse.stale-timestamp']);
    expect(await callPortal(staff, { action: 'overview' })).toMatchObject({ ok: true, data: { conformance: { status: 'started', label: '已开始接口测试', at: T0.toISOString() } } });
  });
});
