import type { IdentityView, RealName } from '../core/identity';
import { callFunction } from './cloud';

/** The typed calls of the `identity` function, for the verify and mine pages. */
export const identityCalls = {
  status: () => callFunction<IdentityView>('identity', { action: 'status' }),
  consent: (version: string) => callFunction<{ version: string; at: string }>('identity', { action: 'consent', version }),
  start: (form: RealName) => callFunction<{ verifyId: string }>('identity', { action: 'start', ...form }),
  confirm: (verifyId: string) => callFunction<IdentityView>('identity', { action: 'confirm', verifyId }),
  bindPhone: (code: string) => callFunction<IdentityView>('identity', { action: 'bindPhone', code }),
};

/** Who can verify without face verification, and where: face is never the only way. */
export const COUNTER_ROUTE = '请携带本人有效身份证件，到任一住房公积金管理中心服务窗口当面核验，由工作人员为您办理。';

export const METHOD_LABELS: Record<NonNullable<IdentityView['method']>, string> = {
  face: '人脸核身',
  counter: '柜台核验',
};
