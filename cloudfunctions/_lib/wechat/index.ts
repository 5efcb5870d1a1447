import { createWechatClient, type WechatApi } from './client';

export { certHash, type CertInfo } from './cert-hash';
export { ERRCODE_BAD_RESPONSE, ERRCODE_NETWORK, isVerified, VERIFY_RET_OK, WechatApiError, type SubscribeMessage, type UnlimitedCodeInput, type WechatApi } from './client';

export interface WechatEnv {
  /** 'real' (default): WeChat's HTTPS API. 'simulator': the in-memory stand-in, local host and tests only. */
  WECHAT_MODE?: string;
  WECHAT_APPID?: string;
  WECHAT_APPSECRET?: string;
  /** Which version of the mini-program its codes open (wxacode.getUnlimited env_version): release (default), trial or develop. */
  WECHAT_CODE_VERSION?: string;
}

const CODE_VERSIONS = ['release', 'trial', 'develop'] as const;
const isCodeVersion = (v: string): v is (typeof CODE_VERSIONS)[number] => (CODE_VERSIONS as readonly string[]).includes(v);

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
  const envVersion = env.WECHAT_CODE_VERSION?.trim() || 'release';
  if (!isCodeVersion(envVersion)) throw new Error(`WECHAT_CODE_VERSION must be 'release', 'trial' or 'develop', not '${envVersion}'`);
  const key = `${appId}\n${appSecret}\n${envVersion}`;
  let client = clients.get(key);
  if (!client) {
    client = createWechatClient({ appId, appSecret, envVersion });
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
    getUnlimitedCode: async (input) => (await sim()).getUnlimitedCode(input),
  };
}
