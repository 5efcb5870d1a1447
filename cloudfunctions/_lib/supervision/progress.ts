import { nextDate } from '../../../src/core/calendar';
import type { CenterLink, StoredCenter } from '../../../src/core/centers';
import type { ItemId } from '../../../src/core/items';
import {
  provinceName,
  provinceOfCenter,
  type InterfaceTestState,
  type ProgressAnswer,
  type ProgressCenterRow,
  type ProgressRow,
  type ProgressTotals,
} from '../../../src/core/supervision';
import { shanghaiDate, shanghaiMidnight } from '../../../src/core/time';
import type { Caller, ServiceContext } from '../runtime/define';
import { trialAccessAt, type TestTransferAt } from '../trial/readiness';
import { provincesShown } from './scope';

/**
 * Access progress (notice 2021-30, annex 1): per province, the centers whose links do not jump and the centers'
 * transfer-interface testing, as of today or of an earlier date.
 *
 * A link that does not jump, as the notice counts it, is any link a center registered for the national
 * mini-program to jump to: a web page or another mini-program; both dates count both. Today's table reads the
 * links as the directory shows them now (a link's health is set by the daily checks and switched with the link).
 * An earlier date's reads, for a web link, the health its latest check before that day ended found (the checks
 * keep every change of health; none yet: jumping), for the links registered now: links keep no history of their
 * addresses. The daily checks cannot open a mini-program, so a mini-program link's health is the directory's on
 * either date. Testing counts the runs started by the end of the day: 已开始 once one started, 已通过 once one
 * passed by then.
 *
 * The internal trial (issue 15) feeds both columns: a link a tester's latest check by the day's end found not
 * opening does not jump either, and a test transfer sent to the center by then counts as interface testing
 * started, passed once the center accepted it in time by then.
 */
export async function progress(ctx: ServiceContext, caller: Caller, province: string | undefined, asOf: string | undefined): Promise<ProgressAnswer> {
  const provinces = provincesShown(caller, province);
  const today = shanghaiDate(ctx.now);
  const date = asOf ?? today;
  const dayEnd = shanghaiMidnight(nextDate(date));
  const shown = new Set(provinces);
  const centers = (await ctx.store.centers.list()).filter((c) => shown.has(provinceOfCenter(c.code)));
  const [links, tests, history, trial] = await Promise.all([
    ctx.store.links.listAll(),
    ctx.store.supervision.interfaceTestsAt(dayEnd),
    date === today ? Promise.resolve(undefined) : ctx.store.supervision.linkHealthAt(dayEnd),
    trialAccessAt(ctx, centers.map((c) => c.code), dayEnd),
  ]);
  const broken = brokenLinks(links, history, trial.failedLinks);
  const testsByCenter = new Map(tests.map((t) => [t.centerCode, t]));
  const rows = provinces.map((code): ProgressRow => {
    const own = centers.filter((c) => provinceOfCenter(c.code) === code);
    const centerRows = own.map((c) => centerRow(c, broken.get(c.code) ?? [], testsByCenter.get(c.code), trial.testTransfers.get(c.code)));
    return {
      province: code,
      provinceName: provinceName(code),
      centers: centerRows.length,
      connected: centerRows.filter((r) => r.live).length,
      notJumping: centerRows.filter((r) => r.brokenItems.length > 0).length,
      testingStarted: centerRows.filter((r) => r.interfaceTest !== 'not-started').length,
      testingPassed: centerRows.filter((r) => r.interfaceTest === 'passed').length,
      rows: centerRows,
    };
  });
  return { asOf: date, rows, totals: totalsOf(rows) };
}

function centerRow(
  center: StoredCenter,
  brokenItems: ItemId[],
  test: { lastRunAt: Date; passed: boolean } | undefined,
  transfer: TestTransferAt | undefined,
): ProgressCenterRow {
  const passed = (test?.passed ?? false) || (transfer?.passed ?? false);
  const interfaceTest: InterfaceTestState = test === undefined && transfer === undefined ? 'not-started' : passed ? 'passed' : 'started';
  const starts = [test?.lastRunAt, transfer?.sentAt].filter((d) => d !== undefined).map((d) => d.getTime());
  const lastRunAt = starts.length === 0 ? null : new Date(Math.max(...starts)).toISOString();
  return { centerCode: center.code, centerName: center.name, live: center.live, brokenItems, interfaceTest, lastRunAt };
}

/**
 * Per center, the items whose link (a web page or a mini-program) does not jump: as the directory shows it now, or,
 * given the checks' history up to an earlier day's end, a web link as its latest check then found it; and, either
 * way, a link a tester found not opening (`failedByTesters`: `${centerCode}:${item}`).
 */
function brokenLinks(
  links: readonly { centerCode: string; link: CenterLink }[],
  history: readonly { centerCode: string; item: ItemId; healthy: boolean }[] | undefined,
  failedByTesters: ReadonlySet<string>,
): Map<string, ItemId[]> {
  const checked = history && new Map(history.map((h) => [`${h.centerCode}:${h.item}`, h.healthy]));
  const broken = new Map<string, ItemId[]>();
  for (const { centerCode, link } of links) {
    if (link.kind !== 'web' && link.kind !== 'miniprogram') continue;
    const healthy = checked && link.kind === 'web' ? (checked.get(`${centerCode}:${link.item}`) ?? true) : link.healthy;
    if (!healthy || failedByTesters.has(`${centerCode}:${link.item}`)) broken.set(centerCode, [...(broken.get(centerCode) ?? []), link.item]);
  }
  return broken;
}

function totalsOf(rows: readonly ProgressRow[]): ProgressTotals {
  const sum = (key: keyof ProgressTotals) => rows.reduce((n, r) => n + r[key], 0);
  return { centers: sum('centers'), connected: sum('connected'), notJumping: sum('notJumping'), testingStarted: sum('testingStarted'), testingPassed: sum('testingPassed') };
}
