import type * as z from 'zod';
import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import { readLaunch, writeLaunch } from '../../cloudfunctions/_lib/runtime/launch-state';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';
import { LAUNCH_SUBJECT } from '../../cloudfunctions/_lib/trial/launch';
import { handleCallbackHttp } from '../../cloudfunctions/callbacks';
import { CONSENT_VERSION } from '../../src/core/consent';
import type { AdminEventSchema } from '../../src/core/contracts/admin';
import type { applicationsEventSchema } from '../../src/core/contracts/applications';
import type { CentersEventSchema } from '../../src/core/contracts/centers';
import type { identityEventSchema } from '../../src/core/contracts/identity';
import type { portalEventSchema } from '../../src/core/contracts/portal';
import type { SessionEventSchema } from '../../src/core/contracts/session';
import type { SuperviseEventSchema } from '../../src/core/contracts/supervise';
import type { TrialEventSchema } from '../../src/core/contracts/trial';
import type { workbenchEventSchema } from '../../src/core/contracts/workbench';
import { PROVINCES } from '../../src/core/supervision';
import { CLOSED, NOT_LAUNCHED_MESSAGE, PROVINCE_NOT_LAUNCHED_MESSAGE, type LaunchStateAnswer } from '../../src/core/trial';
import { FUNCTIONS } from '../../tools/local-cloud/functions';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { freshResidentId } from '../support/people';

/**
 * Issue 15, "Closed before launch": before launch every function the app calls answers a person without a role
 * NOT_LAUNCHED and does nothing (reads nothing but the launch state, stores nothing); people with a role pass; after
 * launch everyone passes; in a staged opening a person without a role uses the centers of open provinces only.
 * `session whoami`, `trial join` and `portal joinCenter` are open however closed (how people get a role), and so are
 * the timers and the centers' callbacks. National supervisors alone switch it, each switch audited.
 *
 * The functions are the local host's registry less the timers' own; each is given a valid event of every action of
 * its contract (the table below must name every action: a new one does not compile until it is covered here).
 */
jest.setTimeout(180_000);

type AppFunction = Exclude<keyof typeof FUNCTIONS, 'relay' | 'centers-daily'>;
interface Contracts {
  centers: z.input<typeof CentersEventSchema>;
  identity: z.input<ReturnType<typeof identityEventSchema>>;
  session: z.input<typeof SessionEventSchema>;
  applications: z.input<ReturnType<typeof applicationsEventSchema>>;
  workbench: z.input<ReturnType<typeof workbenchEventSchema>>;
  admin: z.input<typeof AdminEventSchema>;
  portal: z.input<ReturnType<typeof portalEventSchema>>;
  supervise: z.input<typeof SuperviseEventSchema>;
  trial: z.input<typeof TrialEventSchema>;
}
/** At least one valid event of each action. */
type Examples<E extends { action: string }> = { [A in E['action']]: readonly [Extract<E, { action: A }>, ...Extract<E, { action: A }>[]] };

const YANGZHOU = '321000';
const BEIJING = '110000';
const APP_ID = 'abcdef0123456789';
const UPLOAD = 'uploads/abcdefghijklmnopqrstuvwx';
const realName = () => ({ name: '张三', docType: '01' as const, docNumber: freshResidentId(), consentVersion: CONSENT_VERSION });
const transfer = (transferInCenter: string) => ({
  transferOutCenter: transferInCenter === BEIJING ? YANGZHOU : BEIJING,
  transferInCenter,
  formerEmployer: '北京某某科技有限公司',
  formerAccount: '110012345678',
  newEmployer: '扬州某某制造有限公司',
  newAccount: '3210098765',
  phone: '13912345678',
});
const arrangement = {
  year: 2031,
  notice: { title: '国务院办公厅关于2031年部分节假日安排的通知（测试虚构）', number: '国办发明电〔2030〕99号', date: '2030-11-10' },
  holidays: [{ name: '春节', from: '2031-01-22', to: '2031-01-28' }],
  workdays: ['2031-01-19'],
};
/** A certificate code's form with a signature nobody made: the public check answers it invalid, staff forged. */
const CODE_TOKEN = `GJJC1.${Buffer.from('{"k":"00000000"}').toString('base64url')}.${'A'.repeat(86)}`;
const figures = { volumes: { '4': 1, '5': 2, '6': 3 }, outside: { jointCount: 0, jointAmountWan: 0, certificates: 0 }, windows: 1, zones: 1, training: 2 };

const EVENTS: { [F in AppFunction]: Examples<Contracts[F]> } = {
  centers: {
    search: [{ action: 'search', query: '扬州' }],
    get: [{ action: 'get', code: YANGZHOU }],
    list: [{ action: 'list' }],
    jump: [{ action: 'jump', code: YANGZHOU, item: 1 }],
    scanned: [{ action: 'scanned', code: YANGZHOU }],
    verifyCode: [{ action: 'verifyCode', token: CODE_TOKEN }],
  },
  identity: {
    start: [{ action: 'start', ...realName() }],
    confirm: [{ action: 'confirm', verifyId: 'v-launch' }],
    status: [{ action: 'status' }],
    prefill: [{ action: 'prefill' }],
    requestCounter: [{ action: 'requestCounter', ...realName() }],
    viewCounter: [{ action: 'viewCounter', code: 'ABCD2345' }],
    confirmCounter: [{ action: 'confirmCounter', code: 'ABCD2345', docNumber: freshResidentId() }],
    consent: [{ action: 'consent', version: CONSENT_VERSION }],
    bindPhone: [{ action: 'bindPhone', code: 'sim-phone-13812345678' }],
    unbind: [{ action: 'unbind' }],
  },
  session: {
    whoami: [{ action: 'whoami' }],
    deletionStatus: [{ action: 'deletionStatus' }],
    requestDeletion: [{ action: 'requestDeletion' }],
    cancelDeletion: [{ action: 'cancelDeletion' }],
    myData: [{ action: 'myData' }],
  },
  applications: {
    submit: [
      { action: 'submit', type: 'transfer', requestId: 'req-launch-transfer', payload: transfer(YANGZHOU) },
      { action: 'submit', type: 'certificate-loan-cleared', requestId: 'req-launch-cert', payload: { businessCenter: YANGZHOU, acceptingCenter: BEIJING, phone: '13912345678' } },
      {
        action: 'submit',
        type: 'purchase-withdrawal',
        requestId: 'req-launch-purchase',
        payload: {
          purchaseCenter: YANGZHOU,
          depositCenter: BEIJING,
          house: { address: '江苏省扬州市邗江区文昌西路 1 号 2 幢 301 室', contractNumber: 'YZ2026-000123', purchaseDate: '2026-10-08', price: 1_280_000, area: 98.5, seller: '扬州某房地产开发有限公司' },
          bank: { accountName: '张三', bankName: '中国建设银行扬州分行', accountNumber: '6217001234567890123' },
          amount: 150_000,
          phone: '13912345678',
          attachments: [
            { kind: 'contract', fileId: UPLOAD, name: '购房合同.pdf' },
            { kind: 'invoice', fileId: UPLOAD, name: '发票.jpg' },
          ],
        },
      },
      { action: 'submit', type: 'service-request', requestId: 'req-launch-service', payload: { center: YANGZHOU, item: 5, phone: '13912345678', description: '申请办理缴存信息变更' } },
    ],
    list: [{ action: 'list' }],
    get: [{ action: 'get', id: 'abcdefgh12345678' }],
    withdraw: [{ action: 'withdraw', id: 'abcdefgh12345678' }],
    formValues: [{ action: 'formValues', id: 'abcdefgh12345678' }],
    rate: [{ action: 'rate', id: 'abcdefgh12345678', score: 5 }],
    rateFix: [{ action: 'rateFix', id: 'abcdefgh12345678', score: 'satisfied' }],
    document: [{ action: 'document', id: 'abcdefgh12345678', documentId: 'abcdef0123456789abcd' }],
    showCode: [{ action: 'showCode', id: 'abcdefgh12345678' }],
    codeReads: [{ action: 'codeReads', id: 'abcdefgh12345678' }],
    revokeCode: [{ action: 'revokeCode', id: 'abcdefgh12345678' }],
    allowCodeRead: [{ action: 'allowCodeRead', id: 'abcdefgh12345678' }],
  },
  workbench: {
    list: [{ action: 'list' }],
    get: [{ action: 'get', id: 'abcdefgh12345678' }],
    advance: [{ action: 'advance', id: 'abcdefgh12345678', code: '01' }],
    reject: [{ action: 'reject', id: 'abcdefgh12345678', reason: '材料不全' }],
    requestMaterial: [{ action: 'requestMaterial', id: 'abcdefgh12345678', message: '请补充劳动合同' }],
    setStatus: [{ action: 'setStatus', id: 'abcdefgh12345678', status: 'accepted' }],
    attachment: [{ action: 'attachment', id: 'abcdefgh12345678', attachmentId: 'abcdef0123456789abcd' }],
    followUps: [{ action: 'followUps' }],
    closeFollowUp: [{ action: 'closeFollowUp', id: 'abcdefgh12345678', note: '已电话回访' }],
    fixFollowUp: [{ action: 'fixFollowUp', id: 'abcdefgh12345678', note: '已重新说明办理要求' }],
    followUpPhone: [{ action: 'followUpPhone', id: 'abcdefgh12345678' }],
    checkContract: [{ action: 'checkContract', id: 'abcdefgh12345678', note: '已核对合同备案' }],
  },
  admin: {
    setEndpoint: [{ action: 'setEndpoint', centerCode: YANGZHOU, url: 'https://gjj.yangzhou.gov.cn/hooks' }],
    setManual: [{ action: 'setManual', centerCode: YANGZHOU }],
    deadLetters: [{ action: 'deadLetters' }],
    satisfaction: [{ action: 'satisfaction' }],
    setCounter: [{ action: 'setCounter', centerCode: YANGZHOU, address: '扬州市某区某路 1 号 公积金服务大厅', hours: '工作日 9:00-17:00' }],
    setItemRoute: [{ action: 'setItemRoute', centerCode: YANGZHOU, item: 5, route: 'counter' }],
    inviteStaff: [{ action: 'inviteStaff', centerCode: YANGZHOU }],
    pendingChanges: [{ action: 'pendingChanges' }],
    reviewChange: [{ action: 'reviewChange', id: 'chgabcdefghij0123456789', approve: true }],
    centerHistory: [{ action: 'centerHistory', centerCode: YANGZHOU }],
    linkHealth: [{ action: 'linkHealth' }],
    roles: [{ action: 'roles' }],
    revokeRole: [{ action: 'revokeRole', openid: 'launch-other', role: 'tester', province: '320000' }],
    grantRole: [{ action: 'grantRole', openid: 'launch-other', role: 'tester', province: '320000' }],
    followUpPeriods: [{ action: 'followUpPeriods' }],
    setFollowUpPeriods: [{ action: 'setFollowUpPeriods', callBackWorkingDays: 1, fixWorkingDays: 3 }],
    calendarStatus: [{ action: 'calendarStatus' }],
    calendarYear: [{ action: 'calendarYear', year: 2026 }],
    loadCalendarYear: [{ action: 'loadCalendarYear', ...arrangement }],
    replaceCalendarYear: [{ action: 'replaceCalendarYear', ...arrangement, reason: '通知更正' }],
    createTrialInvite: [{ action: 'createTrialInvite', province: '320000', uses: 5, days: 7 }],
    revokeTrialInvite: [{ action: 'revokeTrialInvite', id: 'invabcdefghij0123456789' }],
    trialInvites: [{ action: 'trialInvites' }],
    testers: [{ action: 'testers' }],
    revokeTester: [{ action: 'revokeTester', tester: '0123456789abcdef0123456789abcdef' }],
    trialFindings: [{ action: 'trialFindings' }],
    resolveFinding: [{ action: 'resolveFinding', id: 'fndabcdefghij0123456789', note: '已核实并处理' }],
    proposeCatalogFix: [{ action: 'proposeCatalogFix', centerCode: YANGZHOU, field: 'phone', value: '0514-12329' }],
    reviewCatalogFix: [{ action: 'reviewCatalogFix', id: 'cfxabcdefghij0123456789', approve: true }],
    catalogFixes: [{ action: 'catalogFixes' }],
    launchState: [{ action: 'launchState' }],
    // closing what is closed: the switch itself is tested below
    setLaunch: [{ action: 'setLaunch', province: '440000', open: false }],
    businessDomains: [{ action: 'businessDomains' }],
    setBusinessDomain: [{ action: 'setBusinessDomain', domain: 'gjj.yangzhou.gov.cn', state: 'requested', file: { name: 'a1b2c3d4.txt', content: '9f8e7d6c5b4a' } }],
  },
  portal: {
    joinCenter: [{ action: 'joinCenter', code: 'ABCD2345' }],
    overview: [{ action: 'overview' }],
    proposeLink: [{ action: 'proposeLink', item: 1, appId: `wx${APP_ID}`, path: 'pages/index/index', effectiveDate: '2026-12-31' }],
    proposeEndpoint: [{ action: 'proposeEndpoint', manual: true }],
    rotateSecret: [{ action: 'rotateSecret' }],
    runConformance: [{ action: 'runConformance' }],
    conformanceRun: [{ action: 'conformanceRun', runId: 'run0123456789abcdef0123' }],
    setOnlineReason: [{ action: 'setOnlineReason', item: 4, reason: '系统改造中', expectedDate: '2026-12-31' }],
    monthlyFigures: [{ action: 'monthlyFigures', period: '2026-11' }],
    setMonthlyFigures: [{ action: 'setMonthlyFigures', period: '2026-11', ...figures }],
    trialFindings: [{ action: 'trialFindings' }],
    resolveFinding: [{ action: 'resolveFinding', id: 'fndabcdefghij0123456789', note: '已更正链接' }],
    posterCode: [{ action: 'posterCode' }],
    businessDomains: [{ action: 'businessDomains' }],
    readCode: [{ action: 'readCode', token: CODE_TOKEN }],
  },
  supervise: {
    progress: [{ action: 'progress' }],
    onlineCompletion: [{ action: 'onlineCompletion' }],
    monthly: [{ action: 'monthly', period: '2026-11' }],
    submitMonthly: [{ action: 'submitMonthly', period: '2026-11', province: '320000' }],
    liaisons: [{ action: 'liaisons' }],
    setLiaison: [{ action: 'setLiaison', province: '320000', name: '王建国', position: '住房公积金监管处处长', landline: '025-51868888', mobile: '13912345678' }],
    recommendations: [{ action: 'recommendations' }],
    addRecommendation: [{ action: 'addRecommendation', province: '320000', kind: 'window', centerCode: YANGZHOU, title: '扬州跨省通办示范窗口', summary: '一窗受理、一次办结。' }],
    removeRecommendation: [{ action: 'removeRecommendation', id: 'recabcdefghij0123456789' }],
    dashboard: [{ action: 'dashboard' }],
    export: [{ action: 'export', report: 'liaisons', format: 'csv' }],
  },
  trial: {
    join: [{ action: 'join', code: 'ABCD2345' }],
    centers: [{ action: 'centers' }],
    checklist: [{ action: 'checklist', centerCode: YANGZHOU }],
    record: [{ action: 'record', centerCode: YANGZHOU, check: 'phone', ok: true }],
    testTransfer: [{ action: 'testTransfer', centerCode: YANGZHOU }],
    testApplication: [{ action: 'testApplication', centerCode: YANGZHOU, type: 'certificate-loan-cleared' }],
    findings: [{ action: 'findings' }],
    recheck: [{ action: 'recheck', findingId: 'fndabcdefghij0123456789', ok: true }],
  },
};

/**
 * What anyone may call however closed: how people get a role (and see whether the app is open to them), and the
 * person's rights over their data (unbind, account deletion, a copy of their data), which closing never takes away,
 * and the public check of a certificate code (valid, invalid, expired or used: nothing of whose it is).
 */
const EXEMPT = new Set([
  'session whoami',
  'trial join',
  'portal joinCenter',
  'identity unbind',
  'session deletionStatus',
  'session requestDeletion',
  'session cancelDeletion',
  'session myData',
  'centers verifyCode',
]);

const CALLS = (Object.keys(EVENTS) as AppFunction[]).flatMap((name) =>
  Object.values<readonly { action: string }[]>(EVENTS[name]).flatMap((events) => events.map((event) => ({ name, event, label: `${name} ${event.action}` }))),
);

const EMPLOYEE: Caller = { openid: 'launch-employee', roles: [] };
const ROLE_HOLDERS: Caller[] = [
  { openid: 'launch-supervisor', roles: [{ role: 'supervisor' }] },
  { openid: 'launch-province', roles: [{ role: 'provincial-supervisor', province: '320000' }] },
  { openid: 'launch-tester', roles: [{ role: 'tester', province: '320000' }] },
  { openid: 'launch-staff', roles: [{ role: 'center-staff', centerCode: YANGZHOU }] },
];
const [SUPERVISOR, PROVINCIAL, TESTER, STAFF] = ROLE_HOLDERS;

// every center address resolves to a public one: nothing leaves the machine while the URL rules are checked
const outside = testOutside({ urlChecks: { lookup: async () => ['203.0.113.10'] } });
const call = (store: Store, name: AppFunction, caller: Caller | undefined, event: unknown) => FUNCTIONS[name].handle(event, contextFor(store, caller, undefined, outside));

/** The store, recording every repository call made through it. */
function recording(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const repository: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || typeof repository !== 'object' || repository === null) return repository;
      return new Proxy(repository, {
        get(repo, method) {
          const fn: unknown = Reflect.get(repo, method);
          if (typeof fn !== 'function') return fn;
          return (...args: unknown[]) => {
            calls.push(`${key}.${String(method)}(${args.map((a) => JSON.stringify(a)).join(', ')})`);
            return Reflect.apply(fn, repo, args);
          };
        },
      });
    },
  });
  return { store: proxy, calls };
}

/** A fresh store with the catalog, closed as a deployed store starts. */
async function freshStore(): Promise<Store> {
  const store = await openPgliteStore(undefined);
  await ensureCatalog(store);
  return store;
}

describe('a freshly deployed store', () => {
  it('is closed: no launch state stored reads as closed, and people without a role are told so by session whoami', async () => {
    const store = await freshStore();
    try {
      expect(await store.meta.get('launch')).toBeUndefined();
      expect(await readLaunch(store)).toEqual(CLOSED);
      expect(await call(store, 'session', EMPLOYEE, { action: 'whoami' })).toEqual({ ok: true, data: { roles: [], launch: { open: false, national: false, provinces: [] } } });
      expect(await call(store, 'session', TESTER, { action: 'whoami' })).toEqual({ ok: true, data: { roles: TESTER.roles, launch: { open: true, national: false, provinces: [] } } });
    } finally {
      await store.close();
    }
  });
});

describe('closed before launch', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
  });
  afterAll(() => store.close());

  it('names every function the app calls and every action of each', () => {
    const appFunctions = Object.keys(FUNCTIONS).filter((name) => name !== 'relay' && name !== 'centers-daily');
    expect(Object.keys(EVENTS).sort()).toEqual(appFunctions.sort());
    // each event passes its contract, so what answers it below is the gate (or the service behind it)
    for (const { name, event, label } of CALLS) expect({ label, issues: FUNCTIONS[name].schema.safeParse(event).error?.issues }).toEqual({ label, issues: undefined });
  });

  it('answers a person without a role NOT_LAUNCHED in every action of every function, reading nothing but the launch state and storing nothing', async () => {
    for (const { name, event, label } of CALLS.filter((c) => !EXEMPT.has(c.label))) {
      const callers = name === 'centers' ? [EMPLOYEE, undefined] : [EMPLOYEE];
      for (const caller of callers) {
        const spy = recording(store);
        const answer = await call(spy.store, name, caller, event);
        expect({ label, answer }).toEqual({ label, answer: { ok: false, code: 'NOT_LAUNCHED', message: NOT_LAUNCHED_MESSAGE } });
        expect({ label, calls: spy.calls }).toEqual({ label, calls: ['meta.get("launch")'] });
      }
    }
  });

  it('lets every role through every action (the service then decides what each may do)', async () => {
    for (const { name, event, label } of CALLS) {
      for (const caller of ROLE_HOLDERS) {
        const answer = await call(store, name, caller, event);
        expect({ label, role: caller.roles[0].role, answer }).not.toMatchObject({ answer: { code: 'NOT_LAUNCHED' } });
      }
    }
  });

  it('leaves open whoami, trial join and portal joinCenter: staff join their center before launch and then use the portal', async () => {
    for (const { name, event, label } of CALLS.filter((c) => EXEMPT.has(c.label))) {
      expect({ label, answer: await call(store, name, EMPLOYEE, event) }).not.toMatchObject({ answer: { code: 'NOT_LAUNCHED' } });
    }
    const invite = await call(store, 'admin', SUPERVISOR, { action: 'inviteStaff', centerCode: YANGZHOU });
    if (!invite.ok) throw new Error(invite.message);
    const { code } = invite.data as { code: string };
    const newcomer: Caller = { openid: 'launch-newcomer', roles: [] };
    expect(await call(store, 'portal', newcomer, { action: 'overview' })).toMatchObject({ ok: false, code: 'NOT_LAUNCHED' });
    expect(await call(store, 'portal', newcomer, { action: 'joinCenter', code })).toMatchObject({ ok: true, data: { centerCode: YANGZHOU } });
    const staff: Caller = { openid: newcomer.openid, roles: await store.roles.rolesOf(newcomer.openid) };
    expect(await call(store, 'portal', staff, { action: 'overview' })).toMatchObject({ ok: true });
  });

  it('leaves the timers and the centers’ callbacks alone', async () => {
    const daily = await FUNCTIONS['centers-daily'].handle({}, contextFor(store, undefined, undefined, outside, 'timer'));
    expect(daily).toMatchObject({ ok: true });
    const relay = await FUNCTIONS.relay.handle({}, contextFor(store, undefined, undefined, outside, 'timer'));
    expect(relay).toMatchObject({ ok: true });
    // an unsigned callback is refused for its signature, not for the launch
    const callback = await handleCallbackHttp({ path: `/callbacks/${YANGZHOU}`, httpMethod: 'POST', headers: {}, body: '{}' }, contextFor(store, undefined, undefined, outside));
    expect(callback.statusCode).toBeGreaterThanOrEqual(400);
    expect(callback.body).not.toContain('NOT_LAUNCHED');
  });
});

describe('open', () => {
  it('lets a person without a role through every action of every function once the nation is open', async () => {
    const store = await catalogStore();
    try {
      expect(await readLaunch(store)).toEqual({ national: true, provinces: [] });
      for (const { name, event, label } of CALLS) {
        const answer = await call(store, name, EMPLOYEE, event);
        expect({ label, answer }).not.toMatchObject({ answer: { code: 'NOT_LAUNCHED' } });
      }
      expect(await call(store, 'centers', undefined, { action: 'get', code: BEIJING })).toMatchObject({ ok: true });
    } finally {
      await store.close();
    }
  });
});

describe('a staged opening (江苏 open, the rest closed)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
    await writeLaunch(store, { national: false, provinces: ['320000'] });
  });
  afterAll(() => store.close());

  it('opens the centers of the open province and refuses the others with the province’s message', async () => {
    const refusedHere = { ok: false, code: 'NOT_LAUNCHED', message: PROVINCE_NOT_LAUNCHED_MESSAGE, fields: { centerCode: PROVINCE_NOT_LAUNCHED_MESSAGE } };
    for (const caller of [EMPLOYEE, undefined]) {
      expect(await call(store, 'centers', caller, { action: 'get', code: YANGZHOU })).toMatchObject({ ok: true, data: { center: { code: YANGZHOU } } });
      expect(await call(store, 'centers', caller, { action: 'get', code: BEIJING })).toEqual(refusedHere);
      expect(await call(store, 'centers', caller, { action: 'jump', code: YANGZHOU, item: 1 })).not.toMatchObject({ code: 'NOT_LAUNCHED' });
      expect(await call(store, 'centers', caller, { action: 'jump', code: BEIJING, item: 1 })).toEqual(refusedHere);
      expect(await call(store, 'centers', caller, { action: 'scanned', code: BEIJING })).toEqual(refusedHere);
    }
    // a person with a role uses every center still
    expect(await call(store, 'centers', TESTER, { action: 'get', code: BEIJING })).toMatchObject({ ok: true });
  });

  it('lists and finds only the centers of open provinces for people without a role', async () => {
    const list = await call(store, 'centers', EMPLOYEE, { action: 'list' });
    const codes = (list.ok ? (list.data as { items: { code: string }[] }).items : []).map((c) => c.code);
    expect(codes.length).toBeGreaterThan(10);
    expect(codes.every((code) => code.startsWith('32'))).toBe(true);
    expect(await call(store, 'centers', EMPLOYEE, { action: 'search', query: '北京' })).toEqual({ ok: true, data: { items: [] } });
    expect(await call(store, 'centers', EMPLOYEE, { action: 'search', query: '扬州' })).toMatchObject({ ok: true, data: { items: [{ code: YANGZHOU }] } });
    const all = await call(store, 'centers', SUPERVISOR, { action: 'list' });
    expect(all.ok && (all.data as { items: unknown[] }).items.length).toBeGreaterThan(codes.length);
  });

  it('takes submissions to the centers of the open province only, and lets the actions that name no center through', async () => {
    const submit = (transferInCenter: string) => ({ action: 'submit', type: 'transfer', requestId: `req-staged-${transferInCenter}`, payload: transfer(transferInCenter) });
    // past the gate: the person is not verified yet
    expect(await call(store, 'applications', EMPLOYEE, submit(YANGZHOU))).toMatchObject({ ok: false, code: 'IDENTITY_REQUIRED' });
    expect(await call(store, 'applications', EMPLOYEE, submit(BEIJING))).toEqual({ ok: false, code: 'NOT_LAUNCHED', message: PROVINCE_NOT_LAUNCHED_MESSAGE, fields: { centerCode: PROVINCE_NOT_LAUNCHED_MESSAGE } });
    expect(await call(store, 'applications', EMPLOYEE, { action: 'list' })).toEqual({ ok: true, data: [] });
    expect(await call(store, 'identity', EMPLOYEE, { action: 'status' })).toMatchObject({ ok: true });
    expect(await call(store, 'session', EMPLOYEE, { action: 'whoami' })).toEqual({ ok: true, data: { roles: [], launch: { open: true, national: false, provinces: ['320000'] } } });
  });
});

describe('the switch (admin setLaunch, launchState)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
  });
  afterAll(() => store.close());

  const setLaunch = (caller: Caller, event: { province?: string; open: boolean }) => call(store, 'admin', caller, { action: 'setLaunch', ...event });

  it('is refused to provincial supervisors, testers and staff (FORBIDDEN) and to people without a role, changing and auditing nothing', async () => {
    for (const caller of [PROVINCIAL, TESTER, STAFF]) {
      expect(await setLaunch(caller, { open: true })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await setLaunch(caller, { province: '320000', open: true })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
    expect(await setLaunch(EMPLOYEE, { open: true })).toMatchObject({ ok: false, code: 'NOT_LAUNCHED' });
    expect(await store.meta.get('launch')).toBeUndefined();
    expect(await store.audit.listFor(LAUNCH_SUBJECT)).toEqual([]);
  });

  it('opens a province, then the nation, and closes again, each switch audited with who, what, before and after', async () => {
    const opened = await setLaunch(SUPERVISOR, { province: '320000', open: true });
    expect(opened).toMatchObject({ ok: true, data: { national: false } });
    const rows = (opened.ok ? (opened.data as LaunchStateAnswer) : { provinces: [] }).provinces;
    expect(rows.map((r) => r.province)).toEqual(PROVINCES.map((p) => p.code));
    expect(rows.filter((r) => r.open).map((r) => r.province)).toEqual(['320000']);
    expect(await call(store, 'centers', EMPLOYEE, { action: 'get', code: YANGZHOU })).toMatchObject({ ok: true });

    expect(await setLaunch(SUPERVISOR, { open: true })).toMatchObject({ ok: true, data: { national: true } });
    expect(await call(store, 'centers', EMPLOYEE, { action: 'get', code: BEIJING })).toMatchObject({ ok: true });
    expect(await setLaunch(SUPERVISOR, { open: false })).toMatchObject({ ok: true, data: { national: false } });
    expect(await setLaunch(SUPERVISOR, { province: '320000', open: false })).toMatchObject({ ok: true });
    expect(await readLaunch(store)).toEqual(CLOSED);
    expect(await call(store, 'centers', EMPLOYEE, { action: 'get', code: YANGZHOU })).toMatchObject({ ok: false, code: 'NOT_LAUNCHED' });

    const audit = await store.audit.listFor(LAUNCH_SUBJECT);
    expect(audit.map((e) => [e.actor, e.action, e.detail])).toEqual([
      [SUPERVISOR.openid, 'launch.set', '开放江苏省：未开放 → 已开放：江苏省'],
      [SUPERVISOR.openid, 'launch.set', '开放全国：已开放：江苏省 → 全国开放'],
      [SUPERVISOR.openid, 'launch.set', '关闭全国：全国开放 → 已开放：江苏省'],
      [SUPERVISOR.openid, 'launch.set', '关闭江苏省：已开放：江苏省 → 未开放'],
    ]);
  });

  it('refuses closing a province while the nation is open, naming the province, changing and auditing nothing', async () => {
    expect(await setLaunch(SUPERVISOR, { open: true })).toMatchObject({ ok: true });
    const audited = (await store.audit.listFor(LAUNCH_SUBJECT)).length;
    expect(await setLaunch(SUPERVISOR, { province: '320000', open: false })).toEqual({
      ok: false,
      code: 'VALIDATION_FAILED',
      message: '全国已开放：请先关闭全国，再按省开放',
      fields: { province: '全国已开放：请先关闭全国，再按省开放' },
    });
    expect(await readLaunch(store)).toEqual({ national: true, provinces: [] });
    expect(await store.audit.listFor(LAUNCH_SUBJECT)).toHaveLength(audited);
    expect(await setLaunch(SUPERVISOR, { open: false })).toMatchObject({ ok: true });
  });

  it('loses no switch when supervisors open several provinces at once', async () => {
    const provinces = ['110000', '320000', '330000', '440000'];
    const answers = await Promise.all(provinces.map((province) => setLaunch(SUPERVISOR, { province, open: true })));
    expect(answers.map((a) => a.ok)).toEqual([true, true, true, true]);
    expect(await readLaunch(store)).toEqual({ national: false, provinces });
    await Promise.all(provinces.map((province) => setLaunch(SUPERVISOR, { province, open: false })));
    expect(await readLaunch(store)).toEqual(CLOSED);
  });

  it('shows provincial supervisors their own province with its readiness, and refuses testers and staff', async () => {
    const mine = await call(store, 'admin', PROVINCIAL, { action: 'launchState' });
    expect(mine).toMatchObject({ ok: true, data: { national: false, provinces: [{ province: '320000', provinceName: '江苏省', open: false, readiness: { ready: expect.any(Boolean) } }] } });
    expect(mine.ok && (mine.data as LaunchStateAnswer).provinces).toHaveLength(1);
    for (const caller of [TESTER, STAFF]) expect(await call(store, 'admin', caller, { action: 'launchState' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});
