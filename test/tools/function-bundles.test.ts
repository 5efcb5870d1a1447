import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildFunctions, functionNames, type BuiltFunction } from '../../tools/build-functions';

/**
 * What a function bundle carries decides its cold start (issue 13; figures in `npm run bench -- --bundles`): zod's
 * 65 locales were 269 KB of every bundle, kept because a `z` value import makes esbuild keep zod's whole namespace.
 */
let outRoot: string;
let built: BuiltFunction[];

beforeAll(async () => {
  outRoot = mkdtempSync(path.join(tmpdir(), 'gjj-bundles-'));
  built = await buildFunctions(outRoot);
}, 120_000);

afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

/** The locale modules a bundle carries code of (their index, which names them all, is a few bytes). */
const localesOf = (fn: BuiltFunction) =>
  fn.inputs
    .filter((input) => input.includes('zod/v4/locales/'))
    .map((input) => path.basename(input))
    .filter((file) => file !== 'index.js');

test('every function is bundled', () => {
  expect(built.map((fn) => fn.name)).toEqual(functionNames());
});

test("every function bundle carries zod's zh-CN locale and no other but the English zod sets at its start", () => {
  for (const fn of built) expect({ name: fn.name, locales: localesOf(fn).sort() }).toEqual({ name: fn.name, locales: ['en.js', 'zh-CN.js'] });
});

/** Requires a bundle in a fresh node and answers the locale-aware calls made while it loads. */
function localeCallsLoading(file: string): string[] {
  const script = `const calls = [];
for (const [owner, name] of [[Number.prototype, 'toLocaleString'], [Date.prototype, 'toLocaleString'], [Date.prototype, 'toLocaleDateString'], [String.prototype, 'localeCompare']]) {
  const original = owner[name];
  owner[name] = function (...args) { calls.push(name); return original.apply(this, args); };
}
for (const name of ['NumberFormat', 'DateTimeFormat', 'Collator']) {
  const original = Intl[name];
  Intl[name] = function (...args) { calls.push('Intl.' + name); return new original(...args); };
}
require(process.argv[1]);
console.log(JSON.stringify(calls));`;
  const run = spawnSync(process.execPath, ['-e', script, file], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as string[];
}

test('loading a function bundle makes no locale-aware call (the first one takes ~40 ms of a cold start)', () => {
  for (const fn of built) expect({ name: fn.name, calls: localeCallsLoading(path.join(outRoot, fn.name, 'index.js')) }).toEqual({ name: fn.name, calls: [] });
});
