/**
 * Function bundles: size and cold `require` of each, beside the same bundle of a baseline commit built in the same
 * run with that commit's own build script (a `git archive` of it in a temporary directory, node_modules linked,
 * removed afterwards). Runs alternate between the two so a busy machine slows both alike.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildFunctions, functionsOutDir } from '../build-functions';

/** The commit before the cold-start work of issue 13 (zod's every locale and all schemas built at load). */
export const BASELINE_COMMIT = '1430bb5';
export const BUNDLE_BYTES_BUDGET = 1024 * 1024;
export const COLD_REQUIRE_BUDGET_MS = 100;
const RUNS = 9;

const root = path.resolve(__dirname, '../..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

interface Cold {
  /** Wall-clock time of `require` in a fresh node. */
  ms: number;
  /** CPU time of the same `require` (user + system): what a busy machine disturbs least. */
  cpuMs: number;
}

/** One cold `require` of `file` in a fresh node process. */
function coldRequire(file: string): Cold {
  const script = `const c = process.cpuUsage(); const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); const u = process.cpuUsage(c);
console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t) / 1e6, cpuMs: (u.user + u.system) / 1000 }));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`require(${file}) failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Cold;
}

/** Medians of `RUNS` cold requires of each file, the files taken in turn within each round. */
function coldRequires(files: readonly string[]): Cold[] {
  const runs = files.map((): Cold[] => []);
  for (let round = 0; round < RUNS; round++) files.forEach((file, i) => runs[i].push(coldRequire(file)));
  return runs.map((r) => ({ ms: median(r.map((x) => x.ms)), cpuMs: median(r.map((x) => x.cpuMs)) }));
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${result.stderr}`);
}

/** The commit's function bundles, built by its own tools/build-functions.ts into `dir`/dist/cloudfunctions. */
function buildAt(commit: string, dir: string): string {
  const tar = path.join(dir, 'source.tar');
  run('git', ['archive', '--format=tar', `--output=${tar}`, commit], root);
  run('tar', ['-xf', tar], dir);
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  run('npx', ['tsx', 'tools/build-functions.ts'], dir);
  return path.join(dir, 'dist/cloudfunctions');
}

export async function benchBundles(baseline = BASELINE_COMMIT): Promise<void> {
  const built = await buildFunctions();
  const dir = mkdtempSync(path.join(tmpdir(), 'gjj-bench-baseline-'));
  try {
    const baselineOut = buildAt(baseline, dir);
    const empty = path.join(dir, 'empty.js');
    writeFileSync(empty, 'module.exports = {};\n');
    console.log(
      `\nfunction bundles: size and cold require, median of ${RUNS} runs, now beside ${baseline} built in this run (budget ${kb(BUNDLE_BYTES_BUDGET)} and ${COLD_REQUIRE_BUDGET_MS} ms each)`,
    );
    const [floor] = coldRequires([empty]);
    console.log(`  empty module ${floor.ms.toFixed(1)} ms`);
    console.log(`  ${'function'.padEnd(13)} ${'size now'.padStart(10)} ${'before'.padStart(10)}   ${'require now'.padStart(11)} ${'before'.padStart(9)}  ratio   cpu now / before`);
    const now: number[] = [];
    const before: number[] = [];
    for (const { name, bytes } of built) {
      const baselineFile = path.join(baselineOut, name, 'index.js');
      const ours = path.join(functionsOutDir, name, 'index.js');
      const existed = existsSync(baselineFile);
      const [a, b] = coldRequires(existed ? [ours, baselineFile] : [ours]);
      now.push(a.ms);
      if (b) before.push(b.ms);
      const over = a.ms > COLD_REQUIRE_BUDGET_MS || bytes > BUNDLE_BYTES_BUDGET ? '  over budget' : '';
      const was = b ? [kb(statSync(baselineFile).size), `${b.ms.toFixed(1)} ms`, (a.ms / b.ms).toFixed(2), `${a.cpuMs.toFixed(1)} / ${b.cpuMs.toFixed(1)} ms`] : ['(new)', '', '', `${a.cpuMs.toFixed(1)} ms`];
      console.log(`  ${name.padEnd(13)} ${kb(bytes).padStart(10)} ${was[0].padStart(10)}   ${`${a.ms.toFixed(1)} ms`.padStart(11)} ${was[1].padStart(9)}  ${was[2].padStart(5)}   ${was[3]}${over}`);
    }
    console.log(`  slowest now ${Math.max(...now).toFixed(1)} ms, before ${Math.max(...before).toFixed(1)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
