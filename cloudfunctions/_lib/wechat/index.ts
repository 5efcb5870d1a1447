import { createWechatClient, type WechatApi } from './client';

export { certHash, type CertInfo } from './cert-hash';
export { ERRCODE_BAD_RESPONSE, ERRCODE_NETWORK, isVerified, VERIFY_RET_OK, WechatApiError, type SubscribeMessage, type WechatApi } from './client';

export interface WechatEnv {
  /** 'real' (default): WeChat's HTTPS API. 'simulator': the in-memory stand-in, local host and tests only. */
  WECHAT_MODE?: string;
  WECHAT_APPID?: string;
  WECHAT_APPSECRET?: string;
}

/** One instance per process and appid, so warm invocations share the access_token cache (and the simulator its sessions). */
const clients = new Map<string, WechatApi>();
let simulator: WechatApi | undefined;

/**
 * The WechatApi the functions use, chosen by WECHAT_MODE. A production build (the bundles deployed
 * to CloudBase) never runs the simulator: it would pass every face verification.
 */
export function openWechat(env: WechatEnv, options: { productionBuild: boolean }): WechatApi {
  const mode = env.WECHAT_MODE?.trim() || 'real';
  if (mode === 'simulator') {
    if (options.productionBuild) throw new Error('WECHAT_MODE=simulator is refused in a production build');
    return (simulator ??= lazySimulator());
  }
  if (mode !== 'real') throw new Error(`WECHAT_MODE must be 'real' or 'simulator', not '${mode}'`);
  const appId = env.WECHAT_APPID?.trim();
  const appSecret = env.WECHAT_APPSECRET?.trim();
  if (!appId) throw new Error('WECHAT_APPID is not set (needed for WECHAT_MODE=real)');
  if (!appSecret) throw new Error('WECHAT_APPSECRET is not set (needed for WECHAT_MODE=real)');
  const key = `${appId}\n${appSecret}`;
  let client = clients.get(key);
  if (!client) {
    client = createWechatClient({ appId, appSecret });
    clients.set(key, client);
  }
  return client;
}

/**
 * The simulator (./simulator.ts) is a LOCAL / TEST TOOL. It is loaded with import() on first use so
 * that real mode never evaluates it; tests and the local host that need setOutcome/setPhone import
 * createWechatSimulator from './simulator' directly.
 */
function lazySimulator(): WechatApi {
  let loaded: Promise<WechatApi> | undefined;
  const sim = () => (loaded ??= import('./simulator').then((m) => m.createWechatSimulator()));
  return {
    getVerifyId: async (input) => (await sim()).getVerifyId(input),
    queryVerifyInfo: async (input) => (await sim()).queryVerifyInfo(input),
    getPhoneNumber: async (code) => (await sim()).getPhoneNumber(code),
    sendSubscribeMessage: async (message) => (await sim()).sendSubscribeMessage(message),
  };
}
