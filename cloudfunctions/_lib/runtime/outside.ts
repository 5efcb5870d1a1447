import { z } from 'zod';
import { parseKeyring, type Keyring } from '../crypto/personal-data';
import { openWechat, type WechatApi } from '../wechat';
import type { Outside } from './define';

const SettingsSchema = z.object({
  IDENTITY_VALID_DAYS: z.coerce.number({ error: 'IDENTITY_VALID_DAYS 应为天数' }).int().min(1).max(365).default(30),
});

/** The variables read: WECHAT_MODE, WECHAT_APPID, WECHAT_APPSECRET, PII_KEYS, PII_LOOKUP_KEY, IDENTITY_VALID_DAYS. */
export type OutsideEnv = Readonly<Record<string, string | undefined>>;

/**
 * The WeChat API and the personal-data keyring from the environment, each made on first use so a
 * function that needs neither starts without them. A production build refuses the WeChat simulator.
 */
export function createOutside(env: OutsideEnv, options: { productionBuild: boolean }): Outside {
  const settings = SettingsSchema.parse({ IDENTITY_VALID_DAYS: env.IDENTITY_VALID_DAYS || undefined });
  let wechat: WechatApi | undefined;
  let keyring: Keyring | undefined;
  return {
    wechat: () => (wechat ??= openWechat(env, options)),
    keyring: () => (keyring ??= parseKeyring(env)),
    identityValidDays: settings.IDENTITY_VALID_DAYS,
  };
}
