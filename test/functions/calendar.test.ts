import type { ApplicationView, WorkbenchEntry } from '../../src/core/applications/views';
import { CALENDAR_MAX_HOLIDAY_DAYS, type CalendarReplaceView, type CalendarStatusView, type CalendarYearView } from '../../src/core/calendar';
import type { PortalOverview } from '../../src/core/center-portal';
import { handler as admin } from '../../cloudfunctions/admin';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as daily } from '../../cloudfunctions/centers-daily';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as workbench } from '../../cloudfunctions/workbench';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import type { HostLookup } from '../../cloudfunctions/_lib/delivery/http';
import { deliveryBody } from '../../cloudfunctions/_lib/delivery/messages';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { SubscribeMessage } from '../../cloudfunctions/_lib/wechat/client';
import { calendarOf, packageYears } from '../../cloudfunctions/_lib/services/calendar';
import { recompute } from '../../cloudfunctions/_lib/services/calendar-admin';
import { deliveryForm } from '../../cloudfunctions/_lib/applications/deliveries';
import { targetOf } from '../../cloudfunctions/_lib/applications/views';
import type { ApplicationRecord, LinkChange, Store } from '../../cloudfunctions/_lib/store/port';
import { TransferSubmittedDataSchema } from '../../tools/center-sim/contract';
import { catalogStore, catalogStoreOnPostgres, contextFor, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';
import packageJson from '../../package.json';
import { createBound } from '../support/identity-rows';

/**
 * The official calendar beyond the package's years (issue 12). 2031 is a FABRICATED year made up here (no real
 * notice exists): 春节 Wed 01-22 .. Tue 01-28 with make-up Sunday 01-19 and Saturday 02-08. The real 2025 and
 * 2026 notices are checked as chinese-days carries them.
 */
jest.setTimeout(60_000);

/** The first year the package knows no notice for (2027 with chinese-days 1.5.7): provisional until loaded. */
const UNKNOWN = Math.max(...packageYears()) + 1;

const YANGZHOU = '321000';
const BEIJING = '110000';
/** Monday 2031-01-20 10:00 in China: 3 working days on weekends only is Thursday 01-23; with 春节 loaded, Thursday 01-30. */
const MON = new Date('2031-01-20T10:00:00+08:00');
/** Friday 2031-01-17: the working days after it start with the make-up Sunday 01-19. */
const FRI = new Date('2031-01-17T10:00:00+08:00');
const AFTER_LOAD = new Date('2031-01-20T15:00:00+08:00');

const NOTICE = { title: '国务院办公厅关于2031年部分节假日安排的通知（测试虚构）', number: '国办发明电〔2030〕99号', date: '2030-11-10' };
const HOLIDAYS_2031 = [
  { name: '春节', from: '2031-01-22', to: '2031-01-28' },
  { name: '国庆节', from: '2031-10-01', to: '2031-10-07' },
];
const WORKDAYS_2031 = ['2031-01-19', '2031-02-08', '2031-09-28'];
const load2031 = { action: 'loadCalendarYear', year: 2031, notice: NOTICE, holidays: HOLIDAYS_2031, workdays: WORKDAYS_2031 };

const supervisor: Caller = { openid: 'cal-sup', roles: [{ role: 'supervisor' }] };
const staff: Caller = { openid: 'cal-staff', roles: [{ role: 'center-staff', centerCode: YANGZHOU }] };

// every test below runs on the embedded store and on the real PostgreSQL server
describe.each(['pglite', 'postgres'] as const)('on %s', (kind) => {
  // one store for the file (a fresh one per test would take seconds each): the tests run in order, those about an
  // unloaded 2031 first, then the load, then what follows from it
  let store: Store;
  let outside: ReturnType<typeof testOutside>;
  beforeAll(async () => {
    store = kind === 'postgres' ? await catalogStoreOnPostgres() : await catalogStore();
    outside = testOutside();
    await store.roles.grant(staff.openid, { role: 'center-staff', centerCode: YANGZHOU });
    await verifiedPerson(store, outside, staff.openid, MON);
  });
  afterAll(() => store.close());

  const callAdmin = (event: unknown, now = AFTER_LOAD, caller: Caller = supervisor) => admin.handle(event, contextFor(store, caller, now, outside));
  function data<T>(result: { ok: boolean; data?: unknown; message?: string }): T {
    if (!result.ok) throw new Error(result.message);
    return result.data as T;
  }

  let serial = 0;
  /** A fresh verified person's transfer to 扬州 (which works in the workbench: it is delivered at once). */
  async function transfer(now: Date): Promise<{ id: string; openid: string }> {
    const openid = `cal-emp-${++serial}`;
    await verifiedPerson(store, outside, openid, now);
    const result = await applications.handle(
      {
        action: 'submit',
        type: 'transfer',
        requestId: `req-cal-${serial}`,
        payload: { transferOutCenter: BEIJING, transferInCenter: YANGZHOU, formerEmployer: '北京某某科技有限公司', newEmployer: '扬州某某制造有限公司', newAccount: '3210098765', phone: '13912345678' },
      },
      contextFor(store, { openid, roles: [] }, now, outside),
    );
    return { id: data<{ id: string }>(result).id, openid };
  }
  const serviceContext = () => ({ ...contextFor(store, supervisor, AFTER_LOAD, outside), now: AFTER_LOAD });
  const view = async (openid: string, id: string, now = AFTER_LOAD) => data<ApplicationView>(await applications.handle({ action: 'get', id }, contextFor(store, { openid, roles: [] }, now, outside)));

  type Limits = Pick<ApplicationRecord, 'acceptBy' | 'acceptByProvisional' | 'targetBy' | 'targetProvisional'>;

  /** A purchase withdrawal put in the store as submitted on `at`, with its time limits as given (as an instance computed them). */
  async function purchaseWithdrawal(at: Date, limits: Limits, status: ApplicationRecord['status'] = 'delivered'): Promise<ApplicationRecord> {
    const id = `calpw${++serial}`.padEnd(20, '0');
    const openid = `cal-pw-${serial}`;
    const keyring = outside.keyring();
    const app: ApplicationRecord = {
      id,
      type: 'purchase-withdrawal',
      openid,
      requestId: `req-${id}`,
      status,
      platformCode: null,
      responsibleCenter: YANGZHOU,
      centers: [
        { code: YANGZHOU, role: 'purchase' },
        { code: BEIJING, role: 'deposit' },
      ],
      inFlightKey: `purchase:${openid}`,
      letterNumber: null,
      applicant: { docType: '01', nameSealed: seal(keyring, sealedAs.name(openid), '李四'), docNumberSealed: seal(keyring, sealedAs.docNumber(openid), '110105194912310021') },
      payloadSealed: seal(keyring, sealedAs.payload(id), '{}'),
      ...limits,
      payment: null,
      test: false,
      createdAt: at,
      updatedAt: at,
    };
    expect(await createBound(store, app, [{ applicationId: id, at, actor: 'employee', actorId: openid, from: null, to: status, platformCode: null, centerCode: YANGZHOU, message: '提交' }], [], null)).toMatchObject({ kind: 'created' });
    return app;
  }

  function change(id: string, status: LinkChange['status'], effectiveDate: string, proposedAt: Date): LinkChange {
    return {
      id,
      centerCode: YANGZHOU,
      target: { kind: 'link', item: 3, link: { kind: 'web', url: 'https://gjj.yangzhou.gov.cn/retire' } },
      effectiveDate,
      status,
      proposedBy: staff.openid,
      proposedAt,
      reviewedBy: status === 'approved' ? supervisor.openid : null,
      reviewedAt: status === 'approved' ? proposedAt : null,
      reason: null,
      appliedAt: null,
      previous: null,
      heldReason: null,
      heldAt: null,
    };
  }

  describe('before 2031 is loaded', () => {
    it('is provisional: 2031 dates count weekends only and are marked as estimates in every view and the delivery body', async () => {
      expect(data<CalendarYearView>(await callAdmin({ action: 'calendarYear', year: 2031 }))).toEqual({ year: 2031, source: 'provisional', holidays: [], workdays: [], notice: null, differs: null });
      const { id, openid } = await transfer(MON);
      // Monday + 3 working days, weekends only: Thursday 01-23, in the middle of the (not yet loaded) 春节
      expect(await view(openid, id, MON)).toMatchObject({ acceptBy: '2031-01-23', acceptByProvisional: true, target: null, targetProvisional: false });
      const listed = data<WorkbenchEntry[]>(await workbench.handle({ action: 'list' }, contextFor(store, staff, MON, outside)));
      expect(listed.find((e) => e.id === id)).toMatchObject({ acceptBy: '2031-01-23', acceptByProvisional: true });
      // the portal's earliest effective date: 10 working days after Monday on weekends only
      const overview = data<PortalOverview>(await portal.handle({ action: 'overview' }, contextFor(store, staff, MON, outside)));
      expect(overview).toMatchObject({ earliestEffectiveDate: '2031-02-03', earliestProvisional: true });
      // the body sent to the center says the date is an estimate, and the center simulator's contract accepts it
      const app = (await store.applications.get(id)) as ApplicationRecord;
      const record = { id: 'msg_x', applicationId: id, centerCode: YANGZHOU, type: 'application.submitted' as const, createdAt: MON, dueAt: MON, attempts: 0, state: 'pending' as const, lastError: null, deliveredAt: null };
      // the flag stored with the date at submission is what the body carries
      expect(app).toMatchObject({ acceptBy: '2031-01-23', acceptByProvisional: true, targetBy: null, targetProvisional: false });
      const body = JSON.parse(deliveryBody(record, app, outside.keyring(), 'https://platform.example', [], deliveryForm({ outside }, record, app, new Date()))) as { data: Record<string, unknown> };
      expect(body.data).toMatchObject({ acceptBy: '2031-01-23', acceptByProvisional: true });
      expect(TransferSubmittedDataSchema.safeParse(body.data).success).toBe(true);
    });

    it('leaves the flag out of a body whose date is on a known year', async () => {
      const { id } = await transfer(new Date('2026-11-20T10:00:00+08:00'));
      const app = (await store.applications.get(id)) as ApplicationRecord;
      const record = { id: 'msg_y', applicationId: id, centerCode: YANGZHOU, type: 'application.submitted' as const, createdAt: app.createdAt, dueAt: app.createdAt, attempts: 0, state: 'pending' as const, lastError: null, deliveredAt: null };
      const body = JSON.parse(deliveryBody(record, app, outside.keyring(), 'https://platform.example', [], deliveryForm({ outside }, record, app, new Date()))) as { data: Record<string, unknown> };
      expect(body.data.acceptBy).toBe('2026-11-25');
      expect(body.data).not.toHaveProperty('acceptByProvisional');
    });

    it('refuses each bad arrangement naming its field, and changes nothing', async () => {
      const refused = async (overrides: Record<string, unknown>) => {
        const result = await callAdmin({ ...load2031, ...overrides });
        expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
        return (result as { fields: Record<string, string> }).fields;
      };
      expect(await refused({ holidays: [HOLIDAYS_2031[0], { name: '元旦', from: '2030-12-31', to: '2031-01-01' }] })).toHaveProperty(['holidays.1.from'], expect.stringContaining('2031 年内'));
      expect(await refused({ holidays: [...HOLIDAYS_2031, { name: '重叠', from: '2031-01-28', to: '2031-01-30' }] })).toHaveProperty(['holidays.2'], expect.stringContaining('重叠'));
      expect(await refused({ workdays: ['2031-01-21'] })).toHaveProperty(['workdays.0'], expect.stringContaining('不是周六或周日'));
      expect(await refused({ holidays: [{ name: '周末', from: '2031-02-01', to: '2031-02-02' }] })).toHaveProperty(['holidays.0'], expect.stringContaining('不含任何工作日'));
      expect(await refused({ workdays: ['2032-01-03'] })).toHaveProperty(['workdays.0'], expect.stringContaining('2031 年内'));
      expect(await refused({ year: 2031.5 })).toHaveProperty(['year']);
      expect(await refused({ notice: { ...NOTICE, date: '2030-13-01' } })).toHaveProperty(['notice.date']);
      expect(await callAdmin(load2031, AFTER_LOAD, staff)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await callAdmin({ action: 'calendarYear', year: 2031 }, AFTER_LOAD, staff)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await store.calendarYears.get(2031)).toBeUndefined();
      expect(await store.audit.listFor('calendar:2031')).toEqual([]);
    });

    it('warns about next year from 1 October, and all year about this year, while either is neither known by the package nor loaded', async () => {
      const at = async (iso: string) => data<CalendarStatusView>(await callAdmin({ action: 'calendarStatus' }, new Date(iso)));
      const known = UNKNOWN - 1;
      expect(await at(`${known}-09-30T23:00:00+08:00`)).toEqual({
        years: [{ year: known - 1, source: 'package' }, { year: known, source: 'package' }, { year: UNKNOWN, source: 'provisional' }],
        warning: null,
      });
      expect((await at(`${known}-10-01T08:00:00+08:00`)).warning).toMatch(new RegExp(`^${UNKNOWN} 年国务院节假日安排尚未载入`));
      // from 1 January dates are computed on the year itself: warned before October too
      expect((await at(`${UNKNOWN}-01-01T08:00:00+08:00`)).warning).toMatch(new RegExp(`^${UNKNOWN} 年国务院节假日安排尚未载入.*请按国务院办公厅的通知尽快载入`));
      expect((await at(`${UNKNOWN}-06-01T08:00:00+08:00`)).warning).toMatch(new RegExp(`^${UNKNOWN} 年国务院节假日安排尚未载入`));
      expect((await at('2030-10-08T08:00:00+08:00')).warning).toMatch(/^2030、2031 年国务院节假日安排尚未载入/);
    });
  });

  describe('loading 2031', () => {
    it('recomputes open applications and pending link changes and writes the timeline, sending the employee no message', async () => {
      const open = await transfer(MON);
      const accepted = await transfer(MON);
      const moved = await workbench.handle({ action: 'advance', id: accepted.id, code: '01' }, contextFor(store, staff, MON, outside));
      expect(moved).toEqual(expect.objectContaining({ ok: true }));
      // submitted Friday 01-17: on weekends only, acceptance by Wednesday 01-22 and the 7-day target Tuesday 01-28
      const pw = await purchaseWithdrawal(FRI, { acceptBy: '2031-01-22', acceptByProvisional: true, targetBy: '2031-01-28', targetProvisional: true });
      const pwView = (await calendarOf(store).addWorkingDays('2031-01-17', 7));
      expect(pwView).toEqual({ date: '2031-01-28', provisional: true });
      await store.linkChanges.create(change('chg0000000000000000cal1', 'pending', '2031-01-31', FRI));
      await store.linkChanges.create(change('chg0000000000000000cal2', 'approved', '2031-03-03', FRI));
      const sentBefore = outside.simulator.sentMessages().length;

      expect(data<CalendarYearView>(await callAdmin(load2031))).toMatchObject({ year: 2031, source: 'loaded', notice: NOTICE });
      expect(await callAdmin(load2031)).toMatchObject({ ok: false, code: 'CALENDAR_YEAR_LOADED', fields: { year: '2031 年已载入' } });

      // the open transfer: acceptance moves from 01-23 to 01-30, in the store (no longer an estimate) and the timeline
      expect(await store.applications.get(open.id)).toMatchObject({ acceptBy: '2031-01-30', acceptByProvisional: false });
      const openView = await view(open.openid, open.id);
      expect(openView).toMatchObject({ acceptBy: '2031-01-30', acceptByProvisional: false });
      expect(openView.events.at(-1)).toMatchObject({ actor: 'platform', status: 'delivered', message: '办理时限按国务院节假日安排更新为 2031-01-30（受理）' });
      // an accepted one has no acceptance limit running: left alone
      expect(await store.applications.get(accepted.id)).toMatchObject({ acceptBy: '2031-01-23', acceptByProvisional: true });
      expect((await store.applications.events(accepted.id)).some((e) => e.actor === 'platform')).toBe(false);
      // the purchase withdrawal: acceptance 01-22 -> 01-21 (the make-up Sunday counts), target 01-28 -> 02-03
      expect(await store.applications.get(pw.id)).toMatchObject({ acceptBy: '2031-01-21', acceptByProvisional: false, targetBy: '2031-02-03', targetProvisional: false });
      expect(await targetOf(serviceContext(), (await store.applications.get(pw.id)) as ApplicationRecord, [])).toEqual({ target: { by: '2031-02-03', overdue: false }, provisional: false });
      expect((await store.applications.events(pw.id)).filter((e) => e.actor === 'platform').map((e) => e.message)).toEqual([
        '办理时限按国务院节假日安排更新为 2031-01-21（受理）',
        '办理时限按国务院节假日安排更新为 2031-02-03（办结目标）',
      ]);
      // no subscribe message: the employee's one-time subscription stays for the next status change (decision 009)
      expect(outside.simulator.sentMessages().slice(sentBefore)).toEqual([]);
      // the pending change chose the provisional earliest date (01-31): now before the earliest, it moves to 02-06
      expect((await store.linkChanges.get('chg0000000000000000cal1'))?.effectiveDate).toBe('2031-02-06');
      expect((await store.linkChanges.get('chg0000000000000000cal2'))?.effectiveDate).toBe('2031-03-03');
      expect((await store.audit.listFor(`center:${YANGZHOU}`)).filter((e) => e.action === 'change.reschedule')).toEqual([
        expect.objectContaining({ actor: 'calendar', detail: expect.stringContaining('chg0000000000000000cal1 生效日期由 2031-01-31 调整为 2031-02-06') }),
      ]);

      // run again (a load cut short is finished by running it again): nothing moves twice
      const events = (await store.applications.events(pw.id)).length;
      const ctx = { ...contextFor(store, supervisor, AFTER_LOAD, outside), now: AFTER_LOAD };
      expect(await recompute(ctx)).toEqual({ applications: 0, changes: 0, remaining: 0 });
      expect((await store.applications.events(pw.id)).length).toBe(events);
    });

    it('makes the 3-, 7- and 10-working-day rules step over the loaded holidays and make-up days', async () => {
      expect(data<CalendarYearView>(await callAdmin({ action: 'calendarYear', year: 2031 }))).toEqual({
        year: 2031,
        source: 'loaded',
        holidays: HOLIDAYS_2031,
        workdays: WORKDAYS_2031,
        notice: NOTICE,
        differs: null,
      });
      const calendar = calendarOf(store);
      expect(await calendar.addWorkingDays('2031-01-20', 3)).toEqual({ date: '2031-01-30', provisional: false });
      expect(await calendar.addWorkingDays('2031-01-17', 3)).toEqual({ date: '2031-01-21', provisional: false });
      expect(await calendar.addWorkingDays('2031-01-17', 7)).toEqual({ date: '2031-02-03', provisional: false });
      expect(await calendar.addWorkingDays('2031-02-03', 10)).toEqual({ date: '2031-02-14', provisional: false });
      // a new submission and the portal use the loaded year at once: Monday + 10 lands on the make-up Saturday 02-08
      const { id, openid } = await transfer(AFTER_LOAD);
      expect(await view(openid, id)).toMatchObject({ acceptBy: '2031-01-30', acceptByProvisional: false });
      const overview = data<PortalOverview>(await portal.handle({ action: 'overview' }, contextFor(store, staff, AFTER_LOAD, outside)));
      expect(overview).toMatchObject({ earliestEffectiveDate: '2031-02-08', earliestProvisional: false });
      expect(await store.audit.listFor('calendar:2031')).toEqual([expect.objectContaining({ actor: supervisor.openid, action: 'calendar.load', detail: expect.stringContaining(NOTICE.number) })]);
    });

    it('stops warning about a year once it is loaded', async () => {
      const status = async (iso: string) => data<CalendarStatusView>(await callAdmin({ action: 'calendarStatus' }, new Date(iso)));
      const october = await status('2030-10-08T08:00:00+08:00');
      expect(october.years).toEqual([{ year: 2029, source: 'provisional' }, { year: 2030, source: 'provisional' }, { year: 2031, source: 'loaded' }]);
      // 2030 itself is not loaded (a real year: the tests make up no arrangement for it), so only it is named
      expect(october.warning).toMatch(/^2030 年国务院节假日安排尚未载入/);
      expect((await status('2031-06-01T08:00:00+08:00')).warning).toBeNull();
      expect((await status('2031-10-08T08:00:00+08:00')).warning).toMatch(/^2032 年国务院节假日安排尚未载入/);
    });
  });

  describe('the nightly recompute (centers-daily, by its timer)', () => {
    /** No link is probed for real here: every address fails at once. */
    const noNetwork: HostLookup = async (host) => {
      throw new Error(`${host}: no network in this test`);
    };
    const night = new Date('2031-01-21T00:30:00+08:00');
    const nightOutside = testOutside({ urlChecks: { lookup: noNetwork } });
    const runNightly = () =>
      daily.handle({ Type: 'Timer', TriggerName: 'centers-daily-after-midnight', Time: night.toISOString() }, contextFor(store, undefined, night, nightOutside, 'timer'));
    const calendarLines = async (id: string) => (await store.applications.events(id)).filter((e) => e.actor === 'platform').map((e) => e.message);

    it('corrects dates and flags stored on a stale copy of the calendar, once, leaves an accepted application alone and sends the applicants no message', async () => {
      // as an instance still holding 2031 from before the load stored them: weekends-only dates, and one marked official
      const staleDate = await purchaseWithdrawal(MON, { acceptBy: '2031-01-23', acceptByProvisional: false, targetBy: '2031-01-29', targetProvisional: true });
      // the right date, still marked as an estimate
      const staleFlag = await purchaseWithdrawal(MON, { acceptBy: '2031-01-30', acceptByProvisional: true, targetBy: '2031-02-05', targetProvisional: false });
      const accepted = await purchaseWithdrawal(MON, { acceptBy: '2031-01-23', acceptByProvisional: true, targetBy: '2031-02-05', targetProvisional: false }, 'accepted');
      const sentBefore = outside.simulator.sentMessages().length;

      expect(await runNightly()).toMatchObject({ ok: true });
      expect(await store.applications.get(staleDate.id)).toMatchObject({ acceptBy: '2031-01-30', acceptByProvisional: false, targetBy: '2031-02-05', targetProvisional: false });
      expect(await calendarLines(staleDate.id)).toEqual(['办理时限按国务院节假日安排更新为 2031-01-30（受理）', '办理时限按国务院节假日安排更新为 2031-02-05（办结目标）']);
      // what the views show is what is stored
      expect(await targetOf(serviceContext(), (await store.applications.get(staleDate.id)) as ApplicationRecord, [])).toEqual({ target: { by: '2031-02-05', overdue: false }, provisional: false });
      // a flag alone is corrected without a line: the date the employee was shown did not change
      expect(await store.applications.get(staleFlag.id)).toMatchObject({ acceptBy: '2031-01-30', acceptByProvisional: false });
      expect(await calendarLines(staleFlag.id)).toEqual([]);
      // accepted: its acceptance limit no longer runs and stays as it was
      expect(await store.applications.get(accepted.id)).toMatchObject({ acceptBy: '2031-01-23', acceptByProvisional: true, targetBy: '2031-02-05' });
      expect(await calendarLines(accepted.id)).toEqual([]);

      // a second night (or a run cut short, run again) writes nothing twice
      expect(await runNightly()).toMatchObject({ ok: true });
      expect(await calendarLines(staleDate.id)).toHaveLength(2);
      expect(await calendarLines(staleFlag.id)).toEqual([]);
      // the timer's other job after the 15th, the month's figures reminder to center staff (issue 14), is not the recompute's
      const notReminders = (sent: readonly SubscribeMessage[]) => sent.filter((m) => !m.page.startsWith('packages/portal/figures/'));
      expect(notReminders(outside.simulator.sentMessages().slice(sentBefore))).toEqual([]);
      expect(notReminders(nightOutside.simulator.sentMessages())).toEqual([]);
    });

    it('refuses to run the recompute for anyone but its timer', async () => {
      expect(await daily.handle({}, contextFor(store, supervisor, night, nightOutside))).toMatchObject({ ok: false });
    });
  });

  describe('the years the package knows', () => {
    it('answers 2025 and 2026 from the package, matching the State Council notices', async () => {
      expect(packageYears()).toEqual(expect.arrayContaining([2025, 2026]));
      // the package is pinned to one release: which years it knows changes only with a deliberate upgrade
      expect((packageJson as { dependencies: Record<string, string> }).dependencies['chinese-days']).toMatch(/^\d+\.\d+\.\d+$/);
      const y2026 = data<CalendarYearView>(await callAdmin({ action: 'calendarYear', year: 2026 }));
      expect(y2026).toMatchObject({ source: 'package', notice: null, differs: null });
      // 国办发明电〔2025〕7号: 春节 02-15 .. 02-23, make-up Saturdays 02-14 and 02-28; 国庆 10-01 .. 10-07
      expect(y2026.holidays).toEqual(expect.arrayContaining([{ name: '春节', from: '2026-02-15', to: '2026-02-23' }, { name: '国庆节', from: '2026-10-01', to: '2026-10-07' }]));
      expect(y2026.workdays).toEqual(expect.arrayContaining(['2026-02-14', '2026-02-28']));
      // 国办发明电〔2024〕12号: 春节 01-28 .. 02-04 with make-up Sunday 01-26 and Saturday 02-08; 国庆 with make-up 09-28, 10-11
      const y2025 = data<CalendarYearView>(await callAdmin({ action: 'calendarYear', year: 2025 }));
      expect(y2025.holidays).toContainEqual({ name: '春节', from: '2025-01-28', to: '2025-02-04' });
      expect(y2025.workdays).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
      expect(await calendarOf(store).addWorkingDays('2026-02-13', 3)).toEqual({ date: '2026-02-25', provisional: false });
    });

    it('shows a loaded arrangement that differs from the package beside it', async () => {
      const pkg = data<CalendarYearView>(await callAdmin({ action: 'calendarYear', year: 2026 }));
      const shorter = pkg.holidays.map((h) => (h.name === '春节' ? { ...h, to: '2026-02-22' } : h));
      const loaded = data<CalendarYearView>(await callAdmin({ action: 'loadCalendarYear', year: 2026, notice: NOTICE, holidays: shorter, workdays: pkg.workdays }));
      expect(loaded).toMatchObject({ source: 'loaded', notice: NOTICE });
      expect(loaded.differs?.package.holidays).toContainEqual({ name: '春节', from: '2026-02-15', to: '2026-02-23' });
      expect(loaded.differs?.loaded.holidays).toContainEqual({ name: '春节', from: '2026-02-15', to: '2026-02-22' });
    });
  });

  describe('replacing a loaded year', () => {
    it('answers the year before and after, is audited with the reason, and recomputes', async () => {
      const { id, openid } = await transfer(AFTER_LOAD);
      expect((await store.applications.get(id))?.acceptBy).toBe('2031-01-30');
      const longer = [{ name: '春节', from: '2031-01-22', to: '2031-01-29' }, HOLIDAYS_2031[1]];
      const answer = data<CalendarReplaceView>(await callAdmin({ ...load2031, action: 'replaceCalendarYear', holidays: longer, reason: '通知更正：春节假期延长一天' }));
      expect(answer.before).toMatchObject({ source: 'loaded', holidays: HOLIDAYS_2031 });
      expect(answer.after).toMatchObject({ source: 'loaded', holidays: longer });
      expect((await store.audit.listFor('calendar:2031')).map((e) => [e.action, e.actor])).toEqual([
        ['calendar.load', supervisor.openid],
        ['calendar.replace', supervisor.openid],
      ]);
      expect((await store.audit.listFor('calendar:2031'))[1].detail).toContain('通知更正：春节假期延长一天');
      expect((await view(openid, id)).events.at(-1)?.message).toBe('办理时限按国务院节假日安排更新为 2031-01-31（受理）');
      expect(await callAdmin({ ...load2031, year: 2032, action: 'replaceCalendarYear', holidays: [{ name: '元旦', from: '2032-01-01', to: '2032-01-01' }], workdays: undefined, reason: '无' })).toMatchObject({
        ok: false,
        code: 'CALENDAR_YEAR_NOT_LOADED',
        fields: { year: expect.any(String) },
      });
      expect(await callAdmin({ ...load2031, action: 'replaceCalendarYear' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { reason: expect.any(String) } });
    });
  });

  describe('long holidays', () => {
    /** A fabricated 2035 closed from 11-20 to the year's end by three ranges back to back, each within the limit. */
    const closed2035 = [
      { name: '甲', from: '2035-11-20', to: '2035-12-04' },
      { name: '乙', from: '2035-12-05', to: '2035-12-19' },
      { name: '丙', from: '2035-12-20', to: '2035-12-31' },
    ];
    const load2035 = { action: 'loadCalendarYear', year: 2035, notice: { ...NOTICE, title: '国务院办公厅关于2035年部分节假日安排的通知（测试虚构）', date: '2034-11-10' }, holidays: closed2035 };

    it('refuses a holiday range longer than the limit under its end date, and stores nothing', async () => {
      const result = await callAdmin({ ...load2035, holidays: [{ name: '长假', from: '2035-11-20', to: '2035-12-31' }] });
      expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { 'holidays.0.to': expect.stringContaining(`不超过 ${CALENDAR_MAX_HOLIDAY_DAYS} 天`) } });
      expect(await store.calendarYears.get(2035)).toBeUndefined();
    });

    it('counts a submission’s limit past holidays running to the year’s end into the next year, instead of failing', async () => {
      expect(data<CalendarYearView>(await callAdmin(load2035))).toMatchObject({ year: 2035, source: 'loaded' });
      // Monday 11-19: no working day left in 2035, so 3 working days are 2036-01-01 .. 01-03, on weekends only (2036 is not loaded)
      const monday = new Date('2035-11-19T10:00:00+08:00');
      const { id, openid } = await transfer(monday);
      expect(await view(openid, id, monday)).toMatchObject({ acceptBy: '2036-01-03', acceptByProvisional: true });
      expect(await calendarOf(store).addWorkingDays('2035-11-19', 10)).toEqual({ date: '2036-01-14', provisional: true });
    });
  });
});
