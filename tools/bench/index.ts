/**
 * `npm run bench`: figures, each beside a baseline measured in the same run (never a test: no assertion
 * on time). Budgets are printed for the reader; the exit code does not depend on them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { searchCenters } from '../../src/core/center-search';
import { catalogCenters } from '../../cloudfunctions/_lib/catalog/catalog';
import { benchAttachments } from './attachments';
import { benchBundles } from './bundles';
import { benchExports } from './exports';
import { benchProbes } from './probes';
import { benchRelay } from './relay';
import { benchSubmissions } from './submissions';
import { benchSupervision } from './supervision';
import { MAIN_PACKAGE_BUDGET_BYTES, mainPackageBytes } from '../weapp-package';

const root = path.resolve(__dirname, '../..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function taroBuild(cwd: string): void {
  const result = spawnSync('npx', ['taro', 'build', '--type', 'weapp'], { cwd, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error(`taro build failed in ${cwd}`);
}

/** A bare Taro hello app with the same toolchain: the floor of any Taro weapp build. */
function buildHelloApp(): string {
  const dir = path.join(root, '.tmp/bench-hello');
  rmSync(dir, { recursive: true, force: true });
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'bench-hello', private: true, browserslist: ['last 3 versions', 'Android >= 4.1', 'ios >= 8'] }),
    'babel.config.js': "module.exports = { presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]] };",
    'project.config.json': JSON.stringify({ miniprogramRoot: 'dist/', appid: 'touristappid' }),
    'config/index.ts':
      "export default { projectName: 'hello', designWidth: 750, deviceRatio: { 750: 1 }, sourceRoot: 'src', outputRoot: 'dist', framework: 'react', compiler: { type: 'webpack5', prebundle: { enable: false } }, cache: { enable: false }, mini: {} };",
    'src/app.config.ts': "export default defineAppConfig({ pages: ['pages/index/index'] });",
    'src/app.ts': "import type { PropsWithChildren } from 'react';\nexport default function App({ children }: PropsWithChildren) { return children; }",
    'src/pages/index/index.config.ts': 'export default definePageConfig({});',
    'src/pages/index/index.tsx': "import { Text, View } from '@tarojs/components';\nexport default function Index() { return <View><Text>Hello</Text></View>; }",
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  taroBuild(dir);
  return path.join(dir, 'dist');
}

function benchMainPackage() {
  taroBuild(root);
  const ours = mainPackageBytes(path.join(root, 'dist/weapp'));
  const hello = mainPackageBytes(buildHelloApp());
  console.log(`\nweapp main package (budget ${kb(MAIN_PACKAGE_BUDGET_BYTES)}; WeChat limit 2048 KB)`);
  console.log(`  ours ${kb(ours)}   bare Taro hello ${kb(hello)}   ratio ${(ours / hello).toFixed(2)}`);
}

function timePerQuery(queries: readonly string[], rounds: number, run: (q: string) => unknown): number[] {
  const perQuery: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const t = process.hrtime.bigint();
      run(q);
      perQuery.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  return perQuery;
}

function benchSearch() {
  // what people type: city names, full pinyin, initials, and every prefix of them
  const catalog = catalogCenters();
  const queries = catalog.flatMap((c) => [c.city, c.pinyin, c.initials, c.pinyin.slice(0, 2), c.city.slice(0, 1)]);
  const naive = (q: string) => catalog.filter((c) => c.name.includes(q));
  timePerQuery(queries, 1, (q) => searchCenters(catalog, q)); // warm up
  timePerQuery(queries, 1, naive);
  const ours = timePerQuery(queries, 3, (q) => searchCenters(catalog, q));
  const base = timePerQuery(queries, 3, naive);
  console.log(`\ncenter search over ${catalog.length} centers, ${ours.length} queries (budget 1 ms median)`);
  console.log(`  ours median ${median(ours).toFixed(4)} ms, p99 ${[...ours].sort((a, b) => a - b)[Math.floor(ours.length * 0.99)].toFixed(4)} ms`);
  console.log(`  baseline (name.includes only) median ${median(base).toFixed(4)} ms   ratio ${(median(ours) / median(base)).toFixed(2)}`);
}

async function main() {
  // `npm run bench -- --bundles [--baseline <commit>]`: only the function bundles
  const args = process.argv.slice(2);
  const at = args.indexOf('--baseline');
  const baseline = at >= 0 ? args[at + 1] : undefined;
  if (args.includes('--bundles')) return benchBundles(baseline);
  benchSearch();
  await benchBundles(baseline);
  await benchSubmissions();
  await benchRelay();
  await benchAttachments();
  await benchProbes();
  await benchSupervision();
  benchExports();
  benchMainPackage();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
