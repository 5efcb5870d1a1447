import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as z from 'zod';
import type { Outside } from '../../cloudfunctions/_lib/runtime/define';
import { buildFunctions, functionNames, type BuiltFunction } from '../../tools/build-functions';

/**
 * cloudbaserc.json against the functions' code. A variable a function reads but its entry leaves out fails silently
 * once deployed (issue 11 review: identity had no SUBSCRIBE_TEMPLATE_STATUS, so the old holder of a moved binding was
 * never sent the subscribe message); a secret given to a function that never reads it is a secret spread for nothing.
 *
 * What a function reads is derived from its bundle as esbuild builds it for deployment (tools/build-functions.ts),
 * after tree shaking: the functions read their variables only through the outside world (runtime/outside.ts, whose
 * parts are made on first use), so each call of a part (`.keyring(`, `.wechat(`...) left in a bundle names the
 * variables that part reads. The deployed runtime itself reads INTERNAL_NUDGE_SECRET in every function, but only to
 * recognise a nudge: a function needs it when it sends one (nudgeRelay) or accepts one (requireTimerOrInternal).
 * DATABASE_URL and LOG_LEVEL, read by every function, are per-province settings made in the console, never listed.
 */
const ROOT = path.resolve(__dirname, '../..');

/**
 * The variables each part of the outside world reads (needed to work, or optional with a default), and whether the
 * part is a function: its use is then a call (the runtime itself only passes `parts.callbackBase` along).
 */
const VARIABLES_OF: Record<keyof Outside, { needed: readonly string[]; optional: readonly string[]; called: boolean }> = {
  wechat: { needed: ['WECHAT_APPID', 'WECHAT_APPSECRET'], optional: ['WECHAT_CODE_VERSION'], called: true },
  keyring: { needed: ['PII_KEYS', 'PII_LOOKUP_KEY'], optional: [], called: true },
  codeKey: { needed: ['CODE_SIGNING_KEY', 'CODE_PUBLIC_KEY'], optional: [], called: true },
  codePublicKey: { needed: ['CODE_PUBLIC_KEY'], optional: [], called: true },
  identityValidDays: { needed: [], optional: ['IDENTITY_VALID_DAYS'], called: false },
  outbound: { needed: [], optional: [], called: true },
  files: { needed: [], optional: [], called: true },
  nudgeRelay: { needed: ['INTERNAL_NUDGE_SECRET'], optional: [], called: true },
  callbackBase: { needed: ['PLATFORM_CALLBACK_BASE'], optional: [], called: true },
  relayLeaseMs: { needed: [], optional: ['RELAY_LEASE_SECONDS'], called: false },
  statusTemplateId: { needed: ['SUBSCRIBE_TEMPLATE_STATUS'], optional: [], called: false },
  urlChecks: { needed: [], optional: [], called: false },
};

const FunctionEntrySchema = z.object({
  name: z.string(),
  timeout: z.number().int().min(1).max(900),
  runtime: z.literal('Nodejs20.19'),
  memorySize: z.union([z.literal(128), z.literal(256), z.literal(512), z.literal(1024), z.literal(2048)]),
  handler: z.literal('index.main'),
  installDependency: z.literal(true),
  envVariables: z.record(z.string(), z.string()),
  triggers: z.array(z.object({ name: z.string(), type: z.literal('timer'), config: z.string() })).optional(),
});
const ConfigSchema = z.object({
  functions: z.array(FunctionEntrySchema),
  httpAccess: z.array(z.object({ function: z.string(), path: z.string() })),
});
const config = ConfigSchema.parse(JSON.parse(readFileSync(path.join(ROOT, 'cloudbaserc.json'), 'utf8')));
const entryOf = (name: string) => config.functions.find((f) => f.name === name);
const indexOf = (name: string) => readFileSync(path.join(ROOT, 'cloudfunctions', name, 'index.ts'), 'utf8');

let outRoot: string;
let built: BuiltFunction[];

beforeAll(async () => {
  outRoot = mkdtempSync(path.join(tmpdir(), 'gjj-cloudbaserc-'));
  built = await buildFunctions(outRoot);
}, 180_000);

afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

/** The parts of the outside world a function's bundle calls. */
function partsCalled(name: string): (keyof Outside)[] {
  const bundle = readFileSync(path.join(outRoot, name, 'index.js'), 'utf8');
  const parts = Object.keys(VARIABLES_OF).filter((part): part is keyof Outside => Object.hasOwn(VARIABLES_OF, part));
  return parts.filter((part) => new RegExp(VARIABLES_OF[part].called ? `\\.${part}\\(` : `\\.${part}\\b`).test(bundle));
}

/** The variables a function needs, and those it may be given besides. */
function variablesOf(name: string): { needed: string[]; allowed: string[] } {
  const parts = partsCalled(name);
  const needed = new Set(parts.flatMap((part) => VARIABLES_OF[part].needed));
  if (/\brequireTimerOrInternal\(/.test(indexOf(name))) needed.add('INTERNAL_NUDGE_SECRET');
  const allowed = new Set([...needed, ...parts.flatMap((part) => VARIABLES_OF[part].optional)]);
  return { needed: [...needed].sort(), allowed: [...allowed].sort() };
}

describe('cloudbaserc.json', () => {
  it('lists every function in cloudfunctions/, and no function that is not there', () => {
    expect(functionNames().length).toBeGreaterThan(5);
    expect(built.map((fn) => fn.name)).toEqual(functionNames());
    expect(config.functions.map((f) => f.name).sort()).toEqual(functionNames());
  });

  it('gives each function the variables its bundle reads, and no other', () => {
    // the parts as of issue 16: a derivation that found none would prove nothing
    expect(partsCalled('identity')).toEqual(expect.arrayContaining(['wechat', 'keyring', 'statusTemplateId']));
    expect(partsCalled('relay')).toEqual(expect.arrayContaining(['callbackBase', 'keyring']));
    const wrong = functionNames()
      .map((name) => {
        const { needed, allowed } = variablesOf(name);
        const declared = Object.keys(entryOf(name)?.envVariables ?? {});
        return { name, missing: needed.filter((v) => !declared.includes(v)), unread: declared.filter((v) => !allowed.includes(v)) };
      })
      .filter((f) => f.missing.length > 0 || f.unread.length > 0);
    expect(wrong).toEqual([]);
  });

  it('takes each variable from the environment the CLI deploys from, under its own name', () => {
    for (const entry of config.functions) for (const [name, value] of Object.entries(entry.envVariables)) expect(value).toBe(`{{env.${name}}}`);
  });

  it('gives a timer to exactly the functions only a timer (or a nudge) may run: the relay every minute, centers-daily after midnight', () => {
    const timed = functionNames().filter((name) => /\brequireTimer(OrInternal)?\(/.test(indexOf(name)));
    expect(timed).toEqual(['centers-daily', 'relay']);
    expect(config.functions.filter((f) => f.triggers !== undefined).map((f) => f.name).sort()).toEqual(timed);
    expect(entryOf('relay')?.triggers).toEqual([{ name: 'relay-every-minute', type: 'timer', config: '0 */1 * * * * *' }]);
    expect(entryOf('centers-daily')?.triggers).toEqual([{ name: 'centers-daily-after-midnight', type: 'timer', config: '0 10 0 * * * *' }]);
  });

  it('reaches over HTTP exactly the functions that take an HTTP request: callbacks at /callbacks', () => {
    const http = functionNames().filter((name) => /\bhttpMethod\b/.test(indexOf(name)));
    expect(http).toEqual(['callbacks']);
    expect(config.httpAccess).toEqual([{ function: 'callbacks', path: '/callbacks' }]);
  });

  it('gives INTERNAL_NUDGE_SECRET to no function its timer alone runs (centers-daily)', () => {
    expect(Object.keys(entryOf('centers-daily')?.envVariables ?? {})).not.toContain('INTERNAL_NUDGE_SECRET');
  });
});
