/**
 * `npm test`: type-checks, checks the import rule (.dependency-cruiser.js), builds what the tests drive (the
 * WeChat build, the H5 build, the function bundles), then runs every jest layer, and ends with one line
 * "N passed, N failed".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

function step(title: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function main(): number {
  const extra = process.argv.slice(2);
  if (step('type check', 'npx', ['tsc', '--noEmit', '-p', '.']) !== 0) return 1;
  if (step('lint: one import direction (.dependency-cruiser.js)', 'npx', ['depcruise', 'src', 'cloudfunctions', '--config', '.dependency-cruiser.js', '--output-type', 'err']) !== 0) return 1;
  const production = { NODE_ENV: 'production' };
  if (step('build weapp', 'npx', ['taro', 'build', '--type', 'weapp'], production) !== 0) return 1;
  if (step('build h5', 'npx', ['taro', 'build', '--type', 'h5'], production) !== 0) return 1;
  if (step('build functions', 'npx', ['tsx', 'tools/build-functions.ts']) !== 0) return 1;

  const report = path.join(mkdtempSync(path.join(tmpdir(), 'gjj-jest-')), 'report.json');
  const status = step('jest: core, functions, store, tools, pages, weapp, e2e', 'npx', ['jest', '--json', `--outputFile=${report}`, ...extra], { TZ: 'Asia/Shanghai' });
  let summary: { numPassedTests: number; numFailedTests: number; numTotalTests: number } | undefined;
  try {
    summary = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    summary = undefined;
  }
  if (!summary) {
    console.log('0 passed, 1 failed');
    return 1;
  }
  console.log(`\n${summary.numPassedTests} passed, ${summary.numFailedTests} failed`);
  return status === 0 && summary.numFailedTests === 0 && summary.numTotalTests > 0 ? 0 : 1;
}

process.exit(main());
