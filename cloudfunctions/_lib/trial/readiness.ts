import type { CenterLink, StoredCenter } from '../../../src/core/centers';
import { counterRoute, resolveJump } from '../../../src/core/jump';
import { configuredDomains } from '../centers/business-domains';
import { provinceOfCenter } from '../../../src/core/supervision';
import {
  OPTIONAL_TEST_TYPES,
  TEST_ACCEPT_WORKING_DAYS,
  checkLabel,
  daysBetween,
  type CenterProgress,
  type CheckKind,
  type CheckResult,
  type CheckView,
  type ProvinceReadiness,
  type TestState,
} from '../../../src/core/trial';
import type { ServiceContext } from '../runtime/define';
import type { TrialCheckRecord } from '../store/port';
import { openFindings } from './findings';
import { testCheck, testStates, type TestStateView, type TestType } from './test-applications';

/**
 * Where the centers stand in the internal trial (issue 15): each center's checklist (what is checked, and each
 * check's result from the testers' latest record or from its test application's state), its progress, and each
 * province's readiness. Everything is read in one batch per kind however many centers (a province has up to ~20,
 * the nation 341): the centers, their links and endpoints, the latest records, the test states and the findings.
 *
 * Which checks a center has:
 * - its displayed name and service phone, and its poster code scanned: always, required;
 * - one `link:<item>` per item it registered a link or a route for (a web page, a mini-program, an in-app request,
 *   its service hall), listed even when the directory holds it back as unhealthy or insecure: required (its target
 *   is how the app opens it once the center is live, so a center not yet live is checked all the same);
 * - the test transfer, when the center can receive a case (an API endpoint, or live with its workbench): required
 *   only of a center with an API endpoint (the others may accept it in the workbench, not a condition of readiness);
 * - one optional `test:<type>` per item the app offers at any center that can receive a case (the certificates and
 *   the purchase withdrawal).
 */

/** What the trial knows of a set of centers, read in one batch per kind. */
interface TrialFacts {
  links: Map<string, CenterLink[]>;
  /** The centers taking deliveries by API. */
  withApi: Set<string>;
  /** The latest record per `${centerCode}:${check}`. */
  records: Map<string, TrialCheckRecord>;
  tests: Map<string, Map<TestType, TestStateView>>;
  /** The findings not closed (open or fixed) per center. */
  findings: Map<string, { id: string; check: CheckKind; openedAt: Date }[]>;
  /** The mini-program's configured business domains: a web link elsewhere is not opened in the web-view. */
  businessDomains: ReadonlySet<string>;
}

/** One line of a center's checklist before its last record's author is named for the viewer. */
export type CheckLine = Omit<CheckView, 'checkedBy'> & { record: TrialCheckRecord | undefined };

/** The trial's facts of the centers given (one center's links and endpoint alone when there is one). */
async function trialFacts(ctx: ServiceContext, centers: readonly StoredCenter[]): Promise<TrialFacts> {
  const codes = centers.map((c) => c.code);
  const one = codes.length === 1 ? codes[0] : undefined;
  const [links, endpoints, records, tests, findings, businessDomains] = await Promise.all([
    one === undefined ? ctx.store.links.listAll() : ctx.store.links.listForCenter(one).then((own) => own.map((link) => ({ centerCode: one, link }))),
    one === undefined ? ctx.store.endpoints.list() : ctx.store.endpoints.get(one).then((e) => (e ? [e] : [])),
    ctx.store.trialChecks.latest(codes),
    testStates(ctx, codes),
    openFindings(ctx, codes),
    configuredDomains(ctx.store, ctx.now),
  ]);
  const byCenter = new Map<string, CenterLink[]>();
  for (const { centerCode, link } of links) byCenter.set(centerCode, [...(byCenter.get(centerCode) ?? []), link]);
  const found = new Map<string, { id: string; check: CheckKind; openedAt: Date }[]>();
  for (const f of findings) found.set(f.centerCode, [...(found.get(f.centerCode) ?? []), f]);
  return {
    links: byCenter,
    withApi: new Set(endpoints.filter((e) => e.mode === 'api').map((e) => e.centerCode)),
    records: new Map(records.map((r) => [`${r.centerCode}:${r.check}`, r])),
    tests,
    findings: found,
    businessDomains,
  };
}

const resultOfTest = (state: TestState): CheckResult => (state === 'accepted' ? 'passed' : state === 'late' || state === 'refused' ? 'failed' : 'pending');

/** A center's checklist, each line with its result. */
function checkLines(center: StoredCenter, facts: TrialFacts): CheckLine[] {
  const links = [...(facts.links.get(center.code) ?? [])].sort((a, b) => a.item - b.item);
  const receives = facts.withApi.has(center.code) || center.live;
  const findingOf = (check: CheckKind) => facts.findings.get(center.code)?.find((f) => f.check === check)?.id ?? null;
  const byHand = (check: CheckKind, shown: string, target: CheckView['target'] = null): CheckLine => {
    const record = facts.records.get(`${center.code}:${check}`);
    const result: CheckResult = record === undefined ? 'pending' : record.ok ? 'passed' : 'failed';
    const last = { checkedAt: record?.checkedAt.toISOString() ?? null, note: record?.note ?? null, observed: record?.observed ?? null };
    return { check, label: checkLabel(check), shown, result, required: true, ...last, target, test: null, findingId: findingOf(check), record };
  };
  const byTest = (type: TestType, required: boolean, shown: string): CheckLine => {
    const check = testCheck(type);
    const test = facts.tests.get(center.code)?.get(type) ?? null;
    const result = test === null ? 'pending' : resultOfTest(test.state);
    return { check, label: checkLabel(check), shown, result, required, checkedAt: null, note: null, observed: null, target: null, test, findingId: findingOf(check), record: undefined };
  };
  return [
    byHand('name', center.name),
    byHand('phone', center.phone),
    byHand('poster', '扫描本中心的小程序码，应打开本中心页面'),
    ...links.map((link) => {
      // how the app will open it once the center is live: testers check a center's links before it joins
      const target = resolveJump({ live: true, phone: center.phone }, links, link.item, facts.businessDomains);
      return byHand(`link:${link.item}`, shownLink(link, center), target.kind);
    }),
    ...(receives
      ? [
          byTest('transfer', facts.withApi.has(center.code), `向本中心发送一笔测试转移接续申请，中心应在 ${TEST_ACCEPT_WORKING_DAYS} 个工作日内受理`),
          ...OPTIONAL_TEST_TYPES.map((type) => byTest(type, false, `向本中心发送一笔测试申请（可选），中心应在 ${TEST_ACCEPT_WORKING_DAYS} 个工作日内受理`)),
        ]
      : []),
  ];
}

/** What the tester checks a link against: the page's address, the mini-program, or the route's words. */
function shownLink(link: CenterLink, center: StoredCenter): string {
  switch (link.kind) {
    case 'web':
      return link.url;
    case 'miniprogram':
      return `中心小程序（AppID ${link.appId}，页面 ${link.path}）`;
    case 'in-app':
      return '在本小程序内在线申请，由中心工作人员联系办理';
    case 'counter':
      return counterRoute(center);
  }
}

/** A center's progress from its checklist. */
function progressOf(center: StoredCenter, lines: readonly CheckLine[], facts: TrialFacts, now: Date): CenterProgress {
  const required = lines.filter((l) => l.required);
  const findings = facts.findings.get(center.code) ?? [];
  const oldest = findings.reduce<Date | undefined>((o, f) => (o === undefined || f.openedAt < o ? f.openedAt : o), undefined);
  const hasEndpoint = facts.withApi.has(center.code);
  const transfer = facts.tests.get(center.code)?.get('transfer')?.state ?? 'not-sent';
  const done = required.filter((l) => l.result !== 'pending').length;
  const failed = required.filter((l) => l.result === 'failed').length;
  return {
    done,
    total: required.length,
    failed,
    openFindings: findings.length,
    oldestOpenDays: oldest === undefined ? 0 : daysBetween(oldest, now),
    transfer,
    hasEndpoint,
    ready: done === required.length && failed === 0 && findings.length === 0 && (!hasEndpoint || transfer === 'accepted'),
  };
}

/** Each center's checklist and progress, in the order given. */
export async function centersProgress(ctx: ServiceContext, centers: readonly StoredCenter[]): Promise<{ center: StoredCenter; lines: CheckLine[]; progress: CenterProgress }[]> {
  const facts = await trialFacts(ctx, centers);
  return centers.map((center) => {
    const lines = checkLines(center, facts);
    return { center, lines, progress: progressOf(center, lines, facts, ctx.now) };
  });
}

/** A province's readiness from its centers' progress, with what is missing in words. */
export function readinessOf(progress: readonly CenterProgress[]): ProvinceReadiness {
  const unchecked = progress.filter((p) => p.done < p.total).length;
  const failing = progress.filter((p) => p.failed > 0).length;
  const openFindings = progress.reduce((n, p) => n + p.openFindings, 0);
  const withEndpoint = progress.filter((p) => p.hasEndpoint).length;
  const transferAccepted = progress.filter((p) => p.hasEndpoint && p.transfer === 'accepted').length;
  const missing = [
    ...(progress.length === 0 ? ['本省还没有中心'] : []),
    ...(unchecked > 0 ? [`${unchecked} 个中心未检查完`] : []),
    ...(failing > 0 ? [`${failing} 个中心有未通过的检查项`] : []),
    ...(openFindings > 0 ? [`${openFindings} 个问题未关闭`] : []),
    ...(transferAccepted < withEndpoint ? [`${withEndpoint - transferAccepted} 个已接入接口的中心尚无按时受理的测试转移接续申请`] : []),
  ];
  return { centers: progress.length, checked: progress.length - unchecked, openFindings, withEndpoint, transferAccepted, ready: missing.length === 0, missing };
}

/**
 * Each province's readiness (the launch switch shows it beside each province): ready when every center's required
 * checks all have a result and none failed, no finding is open or fixed (not yet closed), and every center with an
 * API endpoint accepted a test transfer in time. One batch of reads for all the provinces given.
 */
export async function provinceReadiness(ctx: ServiceContext, provinces: readonly string[]): Promise<Map<string, ProvinceReadiness>> {
  const wanted = new Set(provinces);
  const centers = (await ctx.store.centers.list()).filter((c) => wanted.has(provinceOfCenter(c.code)));
  const progress = await centersProgress(ctx, centers);
  return new Map(provinces.map((province) => [province, readinessOf(progress.filter((p) => provinceOfCenter(p.center.code) === province).map((p) => p.progress))]));
}

/** A center's latest test transfer as of an instant: when it was sent, and whether the center had accepted it in time. */
export interface TestTransferAt {
  sentAt: Date;
  passed: boolean;
}

/** What the trial adds to supervision's access progress (supervision/progress.ts) as of an instant. */
export interface TrialAccessAt {
  /** `${centerCode}:${item}` of the links whose latest tester's check before the instant found them not opening. */
  failedLinks: Set<string>;
  /** Per center, its latest test transfer when sent before the instant: passed once the center accepted it in time before it. */
  testTransfers: Map<string, TestTransferAt>;
}

/**
 * The testers' link checks and the test transfers of these centers as of `before`, in three batched reads. Only each
 * center's latest test transfer is known: one sent after `before` hides an earlier one from that date's table.
 */
export async function trialAccessAt(ctx: ServiceContext, centerCodes: readonly string[], before: Date): Promise<TrialAccessAt> {
  const [records, tests] = await Promise.all([ctx.store.trialChecks.latest(centerCodes, before), testStates(ctx, centerCodes)]);
  const transfers = [...tests].flatMap(([centerCode, byType]) => {
    const test = byType.get('transfer');
    return test ? [{ centerCode, test }] : [];
  });
  const sent = new Map((await ctx.store.applications.getMany(transfers.map((t) => t.test.applicationId))).map((a) => [a.id, a.createdAt]));
  const testTransfers = new Map<string, TestTransferAt>();
  for (const { centerCode, test } of transfers) {
    const sentAt = sent.get(test.applicationId);
    if (sentAt === undefined || sentAt >= before) continue;
    const passed = test.state === 'accepted' && test.acceptedAt !== null && Date.parse(test.acceptedAt) < before.getTime();
    testTransfers.set(centerCode, { sentAt, passed });
  }
  return {
    failedLinks: new Set(records.filter((r) => !r.ok && r.check.startsWith('link:')).map((r) => `${r.centerCode}:${r.check.slice('link:'.length)}`)),
    testTransfers,
  };
}
