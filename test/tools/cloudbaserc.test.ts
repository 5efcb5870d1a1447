import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * cloudbaserc.json against the functions' code: a variable a function's bundle reads but its entry leaves out
 * fails silently once deployed (issue 11 review: identity had no SUBSCRIBE_TEMPLATE_STATUS, so the old holder of
 * a moved binding was never sent the subscribe message). The bundles are followed through their relative imports.
 */
const ROOT = path.resolve(__dirname, '../..');
const FUNCTIONS_DIR = path.join(ROOT, 'cloudfunctions');
const NOTIFY = path.join(FUNCTIONS_DIR, '_lib/services/notify.ts');

interface FunctionEntry {
  name: string;
  envVariables?: Record<string, string>;
}
const config = JSON.parse(readFileSync(path.join(ROOT, 'cloudbaserc.json'), 'utf8')) as { functions: FunctionEntry[] };
const entryOf = (name: string) => config.functions.find((f) => f.name === name);
const functionNames = readdirSync(FUNCTIONS_DIR).filter((d) => !d.startsWith('_') && statSync(path.join(FUNCTIONS_DIR, d)).isDirectory());

/** The file a relative import names (`./x`, `../x` as x.ts, x.tsx or x/index.ts). */
function resolveImport(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base].find((f) => existsSync(f) && statSync(f).isFile());
}

/**
 * Imports known not to send, each by the exact names it takes: the daily timer's clean-up of verification
 * sessions (portal.ts takes only removeStaleVerifications from identity.ts, a delete by age). Should such an
 * import take anything more, it counts again.
 */
const NOT_SENDING: readonly { file: string; spec: string; names: readonly string[] }[] = [{ file: '_lib/services/portal.ts', spec: './identity', names: ['removeStaleVerifications'] }];

/** The relative value imports of a source file: specifier and the names taken (type-only imports and names left out). */
function importsOf(source: string): { spec: string; names: string[] }[] {
  const found: { spec: string; names: string[] }[] = [];
  for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\s+(?!type\s)([^'";]*?)\s*(?:from\s+)?['"](\.[^'"]+)['"]/g)) {
    const names = [...(m[1].match(/\{([^}]*)\}/)?.[1] ?? '').split(',')].map((n) => n.trim()).filter((n) => n && !n.startsWith('type '));
    const whole = m[1].replace(/\{[^}]*\}/, '').replace(/[\s,]/g, '');
    found.push({ spec: m[2], names: whole ? [...names, whole] : names });
  }
  for (const m of source.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) found.push({ spec: m[1], names: ['*'] });
  return found;
}

/** Every source file a function's bundle holds: its index.ts and what it imports, relatively, at any depth. */
function bundleOf(fn: string): Set<string> {
  const seen = new Set<string>();
  const queue = [path.join(FUNCTIONS_DIR, fn, 'index.ts')];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const relative = path.relative(FUNCTIONS_DIR, file);
    for (const { spec, names } of importsOf(readFileSync(file, 'utf8'))) {
      const known = NOT_SENDING.find((k) => k.file === relative && k.spec === spec);
      if (known && names.length > 0 && names.every((n) => known.names.includes(n))) continue;
      const target = resolveImport(file, spec);
      if (target) queue.push(target);
    }
  }
  return seen;
}

describe('cloudbaserc.json', () => {
  it('lists every function in cloudfunctions/, and no function that is not there', () => {
    expect(functionNames.length).toBeGreaterThan(5);
    expect(config.functions.map((f) => f.name).sort()).toEqual([...functionNames].sort());
  });

  it('gives SUBSCRIBE_TEMPLATE_STATUS and the WeChat credentials to every function whose bundle can send a subscribe message', () => {
    const senders = functionNames.filter((fn) => bundleOf(fn).has(NOTIFY));
    // the notifying functions as of issue 11: a walk that found none would prove nothing
    expect(senders).toEqual(expect.arrayContaining(['identity', 'applications', 'workbench', 'callbacks']));
    for (const fn of senders) {
      const declared = Object.keys(entryOf(fn)?.envVariables ?? {});
      expect({ fn, declared }).toEqual({ fn, declared: expect.arrayContaining(['SUBSCRIBE_TEMPLATE_STATUS', 'WECHAT_APPID', 'WECHAT_APPSECRET']) });
    }
  });

  it('gives INTERNAL_NUDGE_SECRET to no function its timer alone runs (centers-daily)', () => {
    expect(Object.keys(entryOf('centers-daily')?.envVariables ?? {})).not.toContain('INTERNAL_NUDGE_SECRET');
  });
});
