import { z } from 'zod';
import { ensureCatalog } from '../catalog/load';
import { createLogger } from '../log';
import type { Store } from '../store/port';
import type { CloudFunction } from './define';
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
}

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
  return { store, openid: () => app.auth().getUserInfo().openId };
}

/**
 * The CloudBase entry point `index.main` for a function. The caller is the WeChat user CloudBase
 * names in the invocation context; roles come from the store only.
 */
export function deployed(fn: CloudFunction) {
  const log = createLogger();
  // deployed bundles are production builds by definition: the WeChat simulator is refused here
  const outside = createOutside(process.env, { productionBuild: true });
  return async (event: unknown) => {
    ready ??= start().catch((error: unknown) => {
      ready = undefined; // let the next invocation try again
      throw error;
    });
    const { store, openid } = await ready;
    const openId = openid();
    const caller = openId ? { openid: openId, roles: await store.roles.rolesOf(openId) } : undefined;
    return fn.handle(event, { caller, store, log, now: () => new Date(), outside });
  };
}
