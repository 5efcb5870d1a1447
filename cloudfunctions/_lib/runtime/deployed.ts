import type tcb from '@cloudbase/node-sdk';
import { z } from 'zod';
import { ensureCatalog } from '../catalog/load';
import { createLogger } from '../log';
import type { Store } from '../store/port';
import { cloudbaseFileStore } from '../files/cloudbase';
import type { Logger } from '../log';
import type { CloudFunction, FunctionContext, Outside } from './define';
import { createOutside } from './outside';

/** Deployed functions read only these; a bad value stops the function with the field named. */
const DeployedEnvSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL 应为 postgres:// 连接串').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

interface Started {
  store: Store;
  /** The WeChat openid CloudBase names for the current invocation ('' when there is none). */
  openid(): string;
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
    : (await import('../store/cloudbase/cloudbase-store')).createCloudbaseStore(app);
  await ensureCatalog(store);
  return { store, openid: () => app.auth().getUserInfo().openId, app };
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
 * invoking the `relay` function (not awaited; the one-minute timer is the backstop if the nudge is lost).
 */
function deployedOutside(log: Logger): Outside {
  // deployed bundles are production builds by definition: the WeChat simulator is refused here
  return createOutside(process.env, {
    productionBuild: true,
    files: () => {
      const pending = started().then(({ app }) => cloudbaseFileStore(app));
      return {
        put: async (...args) => (await pending).put(...args),
        get: async (key) => (await pending).get(key),
        remove: async (key) => (await pending).remove(key),
      };
    },
    nudgeRelay: () => {
      void started()
        .then(({ app }) => app.callFunction({ name: 'relay', data: { nudge: true } }))
        .catch((error: unknown) => log.warn({ err: error }, 'relay nudge failed; the timer will deliver'));
    },
  });
}

/** What a deployed invocation runs with: the store, the caller CloudBase names (roles from the store), the outside world. */
export function deployedContext(): () => Promise<FunctionContext> {
  const log = createLogger();
  const outside = deployedOutside(log);
  return async () => {
    const { store, openid } = await started();
    const openId = openid();
    const caller = openId ? { openid: openId, roles: await store.roles.rolesOf(openId) } : undefined;
    return { caller, store, log, now: () => new Date(), outside };
  };
}

/** The CloudBase entry point `index.main` for a function. */
export function deployed(fn: CloudFunction) {
  const context = deployedContext();
  return async (event: unknown) => fn.handle(event, await context());
}
