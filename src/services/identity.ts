import Taro from '@tarojs/taro';
import { VERIFY_PAGE, type CounterRequestView, type FormPrefill, type IdentityView, type RealName } from '../core/identity';
import type { RoleGrant } from '../core/roles';
import type { CallerLaunch } from '../core/trial';
import { callFunction } from './cloud';

export type { CounterRequestView } from '../core/identity';

/** What a person shows at a center's window: the code and until when it may be shown. */
export interface CounterTicket {
  code: string;
  expiresAt: string;
}


/**
 * The caller's roles in force (`session whoami`): pages show the entries and figures these roles may use; and whether
 * the app is open to them before launch (the home page gives way to 内部试用中 when it is not).
 */
export const whoami = () => callFunction<{ roles: RoleGrant[]; launch: CallerLaunch }>('session', { action: 'whoami' });

/** To 实名核验 from a page that needs it, and back to that page once verified (the verify page's 返回上一页). */
export const verifyAndReturn = () => void Taro.navigateTo({ url: `${VERIFY_PAGE}?back=1` });

/** The typed calls of the `identity` function, for the verify and mine pages. */
export const identityCalls = {
  status: () => callFunction<IdentityView>('identity', { action: 'status' }),
  /** The person's own verified name and bound phone in full, which the application forms fill in. */
  prefill: () => callFunction<FormPrefill>('identity', { action: 'prefill' }),
  consent: (version: string) => callFunction<{ version: string; at: string }>('identity', { action: 'consent', version }),
  /** `consentVersion`: the consent text version the person agreed to (the server refuses any other). */
  start: (form: RealName, consentVersion: string) => callFunction<{ verifyId: string }>('identity', { action: 'start', ...form, consentVersion }),
  confirm: (verifyId: string) => callFunction<IdentityView>('identity', { action: 'confirm', verifyId }),
  bindPhone: (code: string) => callFunction<IdentityView>('identity', { action: 'bindPhone', code }),
  /** The counter route, step 1 (the person): any document type. */
  requestCounter: (form: RealName, consentVersion: string) => callFunction<CounterTicket>('identity', { action: 'requestCounter', ...form, consentVersion }),
  /** Center staff only: each view is logged against the person. */
  viewCounter: (code: string) => callFunction<CounterRequestView>('identity', { action: 'viewCounter', code }),
  /**
   * Center staff only: the number typed from the document in hand; the person becomes verified by 柜台核验, or
   * the code awaits a second staff member when the document is bound to another account.
   */
  confirmCounter: (code: string, docNumber: string) =>
    callFunction<{ status: 'confirmed' | 'awaiting-second' }>('identity', { action: 'confirmCounter', code, docNumber }),
};

/** Who can verify without face verification, and where: face is never the only way. */
export const COUNTER_ROUTE = '请携带本人有效身份证件，到任一住房公积金管理中心服务窗口当面核验，由工作人员为您办理。';

export const METHOD_LABELS: Record<NonNullable<IdentityView['method']>, string> = {
  face: '人脸核身',
  counter: '柜台核验',
};
