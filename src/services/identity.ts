import type { DocType, IdentityView, RealName } from '../core/identity';
import { callFunction } from './cloud';

/** What a person shows at a center's window: the code and until when it may be shown. */
export interface CounterTicket {
  code: string;
  expiresAt: string;
}

/** What staff see for a code: the FULL name and number, to compare with the document in hand. */
export interface CounterRequestView {
  code: string;
  name: string;
  docType: DocType;
  docNumber: string;
  createdAt: string;
}

/** The typed calls of the `identity` function, for the verify and mine pages. */
export const identityCalls = {
  status: () => callFunction<IdentityView>('identity', { action: 'status' }),
  consent: (version: string) => callFunction<{ version: string; at: string }>('identity', { action: 'consent', version }),
  start: (form: RealName) => callFunction<{ verifyId: string }>('identity', { action: 'start', ...form }),
  confirm: (verifyId: string) => callFunction<IdentityView>('identity', { action: 'confirm', verifyId }),
  bindPhone: (code: string) => callFunction<IdentityView>('identity', { action: 'bindPhone', code }),
  /** The counter route, step 1 (the person): any document type. */
  requestCounter: (form: RealName) => callFunction<CounterTicket>('identity', { action: 'requestCounter', ...form }),
  /** Center staff only: each view is logged against the person. */
  viewCounter: (code: string) => callFunction<CounterRequestView>('identity', { action: 'viewCounter', code }),
  /** Center staff only: they saw the document; the person becomes verified by 柜台核验. */
  confirmCounter: (code: string) => callFunction<{ status: 'confirmed' }>('identity', { action: 'confirmCounter', code }),
};

/** Who can verify without face verification, and where: face is never the only way. */
export const COUNTER_ROUTE = '请携带本人有效身份证件，到任一住房公积金管理中心服务窗口当面核验，由工作人员为您办理。';

export const METHOD_LABELS: Record<NonNullable<IdentityView['method']>, string> = {
  face: '人脸核身',
  counter: '柜台核验',
};
