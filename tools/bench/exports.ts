/**
 * The national monthly export (issue 14: ≤ 3 s, peak memory ≤ 300 MB), each part in a fresh process so its peak
 * memory is its own:
 * - the file alone: annex 2 for every center of the catalog as an Excel file, beside the CSV of the same rows (the
 *   baseline); the floor is that process loading the same modules and making no file;
 * - the whole `supervise export` of a national supervisor over the monthly table's fixture (tools/bench/supervision.ts:
 *   366 centers, 100,000 applications, 1,000,000 jumps in PGlite, in memory), beside `supervise monthly` alone.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import * as z from 'zod';
import { PGlite } from '@electric-sql/pglite';
import { catalogCenters } from '../../cloudfunctions/_lib/catalog/catalog';
import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import { createLogger } from '../../cloudfunctions/_lib/log';
import { pgliteStoreOver } from '../../cloudfunctions/_lib/store/sql/pglite';
import { exportReport } from '../../cloudfunctions/_lib/supervision/export-report';
import { exportFile } from '../../cloudfunctions/_lib/supervision/exports';
import { monthly, totalsOf } from '../../cloudfunctions/_lib/supervision/monthly';
import type { ExportFormat } from '../../src/core/contracts/supervise';
import { reportPeriod, shanghaiMidnight } from '../../src/core/time';
import { benchOutside } from './fixtures';
import { fill } from './supervision';
import { PROVINCES, provinceOfCenter, type MonthlyAnswer, type MonthlyProvince, type MonthlyRow } from '../../src/core/supervision';

const RUNS = 5;
const MONTH = '2026-11';

/** Every center of the catalog with figures of a busy month (a fixed pseudo-random sequence), totalled as `supervise monthly` does. */
function nationalMonth(): MonthlyAnswer {
  let seed = 14;
  const next = (max: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % max;
  };
  const rows: MonthlyRow[] = catalogCenters().map((c) => ({
    centerCode: c.code,
    centerName: c.name,
    province: provinceOfCenter(c.code),
    items: {
      '4': { online: next(10) > 1, volume: next(2000) },
      '5': { online: next(10) > 1, volume: next(5000) },
      '6': { online: next(10) > 1, volume: next(800) },
      '7': { count: next(300), amountWan: next(900_000) / 100 },
      '8': { count: next(200) },
    },
    windows: next(20),
    zones: next(5),
    training: next(400),
    reference: { jumps: { '4': next(900), '5': next(900), '6': next(900) }, inApp: { '4': 0, '5': 0, '6': 0 }, joint: { count: 0, amountWan: 0 }, certificates: 0 },
    filledAt: '2026-11-16T02:00:00.000Z',
  }));
  const provinces: MonthlyProvince[] = PROVINCES.map((p) => ({
    province: p.code,
    provinceName: p.name,
    totals: totalsOf(rows.filter((r) => r.province === p.code)),
    unfilled: [],
    state: 'open',
    late: false,
    submission: null,
    corrected: false,
    corrections: [],
  }));
  return { period: { from: '2026-10-15', to: '2026-11-15' }, month: MONTH, due: '2026-11-20', running: false, rows, totals: totalsOf(rows), provinces };
}

/** In the child: makes the file RUNS times (the first one cold), prints the figures as JSON. */
async function child(format: ExportFormat | 'none') {
  const answer = nationalMonth();
  // loading exceljs (once per function instance) apart from making the file
  const loadStart = performance.now();
  if (format === 'xlsx') await import('exceljs');
  const loadMs = performance.now() - loadStart;
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; format !== 'none' && i < RUNS; i++) {
    const start = performance.now();
    const file = await exportFile({ report: 'monthly', answer }, format, { provinces: [], madeAt: new Date('2026-11-20T10:00:00+08:00') });
    times.push(performance.now() - start);
    bytes = file.bytes.length;
  }
  console.log(JSON.stringify({ centers: answer.rows.length, loadMs, first: times[0] ?? 0, median: median(times), bytes, peakMb: peakMb() }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const peakMb = () => process.resourceUsage().maxRSS / 1024;

/** In the child: the fixture in PGlite, then `supervise export` (national, monthly, xlsx) RUNS times beside `supervise monthly`. */
async function childNational() {
  const lite = await PGlite.create();
  const store = await pgliteStoreOver(lite);
  await ensureCatalog(store);
  await fill(async (text, params) => (await lite.query(text, params)).rows, shanghaiMidnight(reportPeriod(MONTH).from));
  const filledMb = peakMb();
  const ctx = { store, outside: benchOutside(), log: createLogger({ level: 'silent' }), now: new Date('2026-11-20T10:00:00+08:00') };
  const national = { openid: 'bench-supervisor', roles: [{ role: 'supervisor' as const }] };
  const exports: number[] = [];
  const tables: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let start = performance.now();
    await exportReport(ctx, national, { report: 'monthly', period: MONTH, format: 'xlsx' });
    exports.push(performance.now() - start);
    start = performance.now();
    await monthly(ctx, national, MONTH, undefined);
    tables.push(performance.now() - start);
  }
  await store.close();
  console.log(JSON.stringify({ first: exports[0], median: median(exports), table: median(tables), filledMb, peakMb: peakMb() }));
}

const NationalSchema = z.object({ first: z.number(), median: z.number(), table: z.number(), filledMb: z.number(), peakMb: z.number() });

const FiguresSchema = z.object({ centers: z.number(), loadMs: z.number(), first: z.number(), median: z.number(), bytes: z.number(), peakMb: z.number() });
type Figures = z.infer<typeof FiguresSchema>;
const ChildSchema = z.enum(['xlsx', 'csv', 'none', 'national']);

/** What a child printed last, as JSON. */
function inChild(mode: z.infer<typeof ChildSchema>): unknown {
  const run = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', mode], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`export bench (${mode}) failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
}
const measure = (format: ExportFormat | 'none'): Figures => FiguresSchema.parse(inChild(format));

export function benchExports(): void {
  const floor = measure('none');
  const xlsx = measure('xlsx');
  const csv = measure('csv');
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`\nnational monthly export, ${xlsx.centers} centers (budget 3 s, peak memory 300 MB; baseline the CSV of the same rows)`);
  console.log(`  xlsx  exceljs load ${xlsx.loadMs.toFixed(0)} ms (once per instance), then first ${xlsx.first.toFixed(0)} ms, median ${xlsx.median.toFixed(0)} ms, ${kb(xlsx.bytes)}, peak memory ${xlsx.peakMb.toFixed(0)} MB`);
  console.log(`  csv   first ${csv.first.toFixed(0)} ms, median ${csv.median.toFixed(1)} ms, ${kb(csv.bytes)}, peak memory ${csv.peakMb.toFixed(0)} MB`);
  console.log(`  ratio xlsx/csv median ${(xlsx.median / csv.median).toFixed(0)}   process floor (modules loaded, no file) ${floor.peakMb.toFixed(0)} MB`);
  const whole = NationalSchema.parse(inChild('national'));
  console.log('  supervise export (national, monthly, xlsx) over 100,000 applications and 1,000,000 jumps in PGlite:');
  console.log(`    first ${whole.first.toFixed(0)} ms (exceljs loaded), median ${whole.median.toFixed(0)} ms; supervise monthly alone median ${whole.table.toFixed(0)} ms   ratio ${(whole.median / whole.table).toFixed(2)}`);
  console.log(`    peak memory ${whole.peakMb.toFixed(0)} MB (of which the filled database ${whole.filledMb.toFixed(0)} MB)`);
}

if (require.main === module) {
  const at = process.argv.indexOf('--child');
  const mode = at >= 0 ? ChildSchema.parse(process.argv[at + 1]) : undefined;
  if (mode === 'national') void childNational();
  else if (mode) void child(mode);
  else benchExports();
}
