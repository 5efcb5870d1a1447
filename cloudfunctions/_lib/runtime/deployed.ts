import tcb from '@cloudbase/node-sdk';
import { z } from 'zod';
import { ensureCatalog } from '../catalog/load';
import { createLogger } from '../log';
import { createCloudbaseStore } from '../store/cloudbase/cloudbase-store';
import type { Store } from '../store/port';
import { openPostgresStore } from '../store/sql/pg';
import type { CloudFunction } from './define';

/** Deployed functions read only these; a bad value stops the function with the field named. */
const DeployedEnvSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL 应为 postgres:// 连接串').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

let ready: Promise<{ app: ReturnType<typeof tcb.init>; store: Store }> | undefined;

async function start() {
  const env = DeployedEnvSchema.parse(process.env);
  const app = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV });
  // self-hosted provinces keep data in their own PostgreSQL; everyone else uses the CloudBase database
  const store = env.DATABASE_URL ? await openPostgresStore(env.DATABASE_URL) : createCloudbaseStore(app);
  await ensureCatalog(store);
  return { app, store };
}

/**
 * The CloudBase entry point `index.main` for a function. The caller is the WeChat user CloudBase
 * names in the invocation context; roles come from the store only.
 */
export function deployed(fn: CloudFunction) {
  const log = createLogger();
  return async (event: unknown) => {
    ready ??= start().catch((error: unknown) => {
      ready = undefined; // let the next invocation try again
      throw error;
    });
    const { app, store } = await ready;
    const { openId } = app.auth().getUserInfo();
    const caller = openId ? { openid: openId, roles: await store.roles.rolesOf(openId) } : undefined;
    return fn.handle(event, { caller, store, log, now: () => new Date() });
  };
}
