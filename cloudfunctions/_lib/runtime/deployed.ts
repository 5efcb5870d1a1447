import type tcb from '@cloudbase/node-sdk';
import * as z from 'zod';
import { ensureCatalog } from '../catalog/load';
import { createLogger } from '../log';
import type { Store } from '../store/port';
import { cloudbaseFileStore } from '../files/cloudbase';
import type { Logger } from '../log';
import { callerOf, type CloudFunction, type FunctionContext, type Outside, type Trigger } from './define';
import { provesNudge } from './nudge';
import { createOutside } from './outside';

/** Deployed functions read only these; a bad value stops the function with the field named. */
const DeployedEnvSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL 应为 postgres:// 连接串').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

/** The secret a function's relay nudge proves itself with (INTERNAL_NUDGE_SECRET); unset, only the timer runs the relay. */
const NudgeEnvSchema = z.object({
  INTERNAL_NUDGE_SECRET: z.string().min(32, 'INTERNAL_NUDGE_SECRET 应至少 32 个字符（随机生成）').optional(),
});

interface Started {
  store: Store;
  app: CloudbaseApp;
}

type CloudbaseApp = ReturnType<typeof tcb.init>;

let ready: Promise<Started> | undefined;

async function start(): Promise<Started> {
  const env = DeployedEnvSchema.parse(process.env);
  // loaded here, not at the top: the SDK takes ~300 ms to require, and only the chosen store is needed
  const { default: tcb } = await import('@cloudbase/node-sdk');
  const app = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV });
  // self-hosted provinces keep data in their own PostgreSQL; everyone else uses the CloudBase database
  const store = env.DATABASE_URL
    ? await (await import('../store/sql/pg')).openPostgresStore(env.DATABASE_URL)
    : (await import('../store/cloudbase/cloudbase-store')).createCloudbaseStore(app, (detail, message) => runtimeOnce().log.warn(detail, message));
  await ensureCatalog(store);
  return { store, app };
}

/** Starts the store once per instance (a failed start is tried again on the next invocation). */
function started(): Promise<Started> {
  ready ??= start().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

/**
 * The outside world of a deployed function: documents in CloudBase storage, and the relay nudged by
 * invoking the `relay` function with INTERNAL_NUDGE_SECRET (not awaited; the one-minute timer is the backstop
 * if the nudge is lost or no secret is set).
 */
function deployedOutside(log: Logger, nudgeSecret: string | undefined): Outside {
  let warned = false;
  // deployed bundles are production builds by definition: the WeChat simulator is refused here
  return createOutside(process.env, {
    productionBuild: true,
    files: () => {
      const pending = started().then(({ app }) => cloudbaseFileStore(app));
      return {
        put: async (...args) => (await pending).put(...args),
        get: async (key) => (await pending).get(key),
        remove: async (key) => (await pending).remove(key),
        link: async (key, grant) => (await pending).link(key, grant),
      };
    },
    nudgeRelay: () => {
      if (!nudgeSecret) {
        if (!warned) log.warn('INTERNAL_NUDGE_SECRET is not set: the relay timer delivers, no nudge is sent');
        warned = true;
        return;
      }
      void started()
        .then(({ app }) => app.callFunction({ name: 'relay', data: { nudge: nudgeSecret } }))
        .catch((error: unknown) => log.warn({ err: error }, 'relay nudge failed; the timer will deliver'));
    },
  });
}

/**
 * The variables CloudBase puts in one invocation's context (SCF's `context.environment`, a JSON object, or
 * the older `context.environ`, `KEY=value;…`), as the node SDK's parseContext reads them. Never the event, and
 * never process.env: one instance may run several invocations at once, each with its own caller.
 */
export function invocationEnv(context: unknown): Readonly<Record<string, string>> {
  if (typeof context !== 'object' || context === null) return {};
  const { environment, environ } = context as { environment?: unknown; environ?: unknown };
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  try {
    if ((typeof environment === 'string' && environment) || (typeof environment === 'object' && environment !== null)) {
      const parsed: unknown = typeof environment === 'string' ? JSON.parse(environment) : environment;
      if (typeof parsed === 'object' && parsed !== null) {
        for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') out[key] = value;
      }
    } else if (typeof environ === 'string') {
      for (const pair of environ.split(';')) {
        const eq = pair.indexOf('=');
        if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
  } catch {
    return {};
  }
  return out;
}

const OPENID_PATTERN = /^[\w-]{1,64}$/;

/**
 * Who and what started one invocation, from the platform: the caller's openid from the context's WX_OPENID;
 * `timer` when the context's TRIGGER_SRC says a timer trigger fired it; `internal` when the event carries the
 * relay nudge's secret (compared in constant time); else `call`. A timer-looking event proves nothing.
 */
export function invocationOf(event: unknown, context: unknown, nudgeSecret: string | undefined): { openid: string | undefined; trigger: Trigger } {
  const env = invocationEnv(context);
  const openid = env.WX_OPENID && OPENID_PATTERN.test(env.WX_OPENID) ? env.WX_OPENID : undefined;
  const trigger: Trigger = env.TRIGGER_SRC === 'timer' ? 'timer' : provesNudge(event, nudgeSecret) ? 'internal' : 'call';
  return { openid, trigger };
}

interface Runtime {
  log: Logger;
  outside: Outside;
  nudgeSecret: string | undefined;
}

let runtime: Runtime | undefined;

/** The logger, the outside world and the nudge secret, made on the first invocation (nothing is read at import). */
function runtimeOnce(): Runtime {
  if (runtime) return runtime;
  const raw = process.env.INTERNAL_NUDGE_SECRET;
  const { INTERNAL_NUDGE_SECRET: nudgeSecret } = NudgeEnvSchema.parse({ INTERNAL_NUDGE_SECRET: raw === '' ? undefined : raw });
  const log = createLogger();
  runtime = { log, outside: deployedOutside(log, nudgeSecret), nudgeSecret };
  return runtime;
}

/**
 * What one deployed invocation runs with: the store, the caller CloudBase names in this invocation's context
 * (roles from the store), how it was started, the outside world.
 */
export async function deployedContext(event: unknown, context: unknown, fn?: CloudFunction): Promise<FunctionContext> {
  const { log, outside, nudgeSecret } = runtimeOnce();
  const { openid, trigger } = invocationOf(event, context, nudgeSecret);
  const { store } = await started();
  // the roles and the launch state in one round trip, with what the event will read first: the gate reads nothing more
  const read = await callerOf(store, openid, outside, new Date(), fn, event);
  return { ...read, trigger, store, log, now: () => new Date(), outside };
}

/** The CloudBase entry point `index.main(event, context)` for a function; builds nothing until first invoked. */
export function deployed(fn: CloudFunction) {
  return async (event: unknown, context?: unknown) => fn.handle(event, await deployedContext(event, context, fn));
}
