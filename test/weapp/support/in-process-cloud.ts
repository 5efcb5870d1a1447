import { ensureCatalog } from '../../../cloudfunctions/_lib/catalog/load';
import { createLogger } from '../../../cloudfunctions/_lib/log';
import type { Outside } from '../../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../../cloudfunctions/_lib/store/port';
import { openPgliteStore } from '../../../cloudfunctions/_lib/store/sql/pglite';
import { launched, testOutside } from '../../support/function-context';
import type { FunctionName } from '../../../src/services/cloud';
import { FUNCTIONS } from '../../../tools/local-cloud/functions';

/** The openid every call from the simulated mini-program carries, as CloudBase would name the WeChat user. */
export const WEAPP_OPENID = 'weapp-test';

const isFunctionName = (name: string): name is FunctionName => Object.hasOwn(FUNCTIONS, name);

export interface CallFunctionOptions {
  name: string;
  data?: Record<string, unknown>;
  success?: (res: { result: unknown; errMsg: string }) => void;
  fail?: (err: { errMsg: string }) => void;
  complete?: (res: unknown) => void;
}

/** The slice of `wx.cloud` the app uses. */
export interface WxCloud {
  init(options?: unknown): void;
  callFunction(options: CallFunctionOptions): Promise<{ result: unknown; errMsg: string }> | undefined;
}

/** The cloud behind `wx.cloud`: the real function handlers over an in-memory PGlite store. */
export interface InProcessCloud {
  readonly wxCloud: WxCloud;
  readonly store: Store;
  /** The outside world every call shares (one keyring, so what one call seals the next can open). */
  readonly outside: Outside;
  /** Every `callFunction` the app made, in order. */
  readonly calls: ReadonlyArray<{ name: string; data: unknown }>;
  close(): Promise<void>;
}

/**
 * Opens an in-memory store with the catalog loaded and answers `wx.cloud.callFunction` by running the
 * named handler in-process, as CloudBase would run the deployed function: `{ result }` on success,
 * `fail` / a rejected promise (errMsg `cloud.callFunction:fail ...`) when there is no such function.
 * Both call styles are supported: callbacks (`success`/`fail`/`complete`) and, without them, a promise.
 */
export async function openInProcessCloud(seed: (store: Store, outside: Outside) => Promise<void> = async () => {}): Promise<InProcessCloud> {
  const store = await launched(await openPgliteStore(undefined));
  await ensureCatalog(store);
  const outside = testOutside();
  await seed(store, outside);
  const log = createLogger({ level: 'silent' });
  const calls: Array<{ name: string; data: unknown }> = [];

  const invoke = async (name: string, data: unknown) => {
    calls.push({ name, data });
    if (!isFunctionName(name)) throw { errMsg: `cloud.callFunction:fail -501000 FunctionName parameter could not be found: ${name}` };
    // as deployed(): the openid is the platform's, the roles are the store's
    const caller = { openid: WEAPP_OPENID, roles: await store.roles.rolesOf(WEAPP_OPENID) };
    const result = await FUNCTIONS[name].handle(data ?? {}, { caller, trigger: 'call', store, log, now: () => new Date(), outside });
    return { result, errMsg: 'cloud.callFunction:ok' };
  };

  const wxCloud: WxCloud = {
    init: () => {},
    callFunction(options) {
      const answer = invoke(options.name, options.data);
      if (!options.success && !options.fail && !options.complete) return answer;
      answer.then(
        (res) => {
          options.success?.(res);
          options.complete?.(res);
        },
        (err: { errMsg: string }) => {
          options.fail?.(err);
          options.complete?.(err);
        },
      );
      return undefined;
    },
  };

  return { wxCloud, store, outside, calls, close: () => store.close() };
}
