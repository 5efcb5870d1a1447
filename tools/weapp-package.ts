/**
 * The weapp main package: what WeChat downloads before the first page opens. Measured by `npm run bench` beside a bare
 * Taro app, and held to its budget by test/weapp/package-size.test.ts on the build the tests run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The main package's budget (WeChat refuses more than 2 MB; a small main package opens the first page sooner). */
export const MAIN_PACKAGE_BUDGET_BYTES = 700 * 1024;

function dirBytes(dir: string, skip: ReadonlySet<string>): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (skip.has(full)) continue;
    total += entry.isDirectory() ? dirBytes(full, skip) : statSync(full).size;
  }
  return total;
}

/** Everything in a weapp build but the subpackage roots its app.json names. */
export function mainPackageBytes(weappDir: string): number {
  const app = JSON.parse(readFileSync(path.join(weappDir, 'app.json'), 'utf8')) as { subPackages?: { root: string }[]; subpackages?: { root: string }[] };
  const roots = (app.subPackages ?? app.subpackages ?? []).map((p) => path.join(weappDir, p.root));
  return dirBytes(weappDir, new Set(roots));
}
