import * as z from 'zod';
import { normalizeDocNumber, realNameSchema } from '../identity';
import { textField } from '../validation';

/** The contract of function `identity`: verifying who the person is (face or counter), consent and the bound phone. */
/** The consent text version the person agreed to, sent with every form that carries an ID number. */
const consentVersionSchema = textField('授权说明版本', { missing: '请先阅读并同意授权说明' }).min(1, '请先阅读并同意授权说明').max(32, '授权说明版本过长');

/** The real-name form (name, document type and number) with its action, checked as of `now`. */
const realNameEvent = <A extends string>(now: Date, action: A) => realNameSchema(now).safeExtend({ action: z.literal(action), consentVersion: consentVersionSchema });

/**
 * The contract as of the call's own time (`now`, fixed once per invocation): a resident ID is checked against
 * that day (a birth date after it is refused).
 */
export const identityEventSchema = (now: Date) => z.discriminatedUnion(
  'action',
  [
    realNameEvent(now, 'start'),
    z.object({ action: z.literal('confirm'), verifyId: textField('核验编号', { missing: '缺少核验编号 verifyId' }).min(1, '缺少核验编号 verifyId').max(256, '核验编号过长') }),
    z.object({ action: z.literal('status') }),
    z.object({ action: z.literal('prefill') }),
    realNameEvent(now, 'requestCounter'),
    z.object({ action: z.literal('viewCounter'), code: z.string({ error: '请输入核验码' }).regex(/^[A-Za-z0-9]{8}$/, '核验码为 8 位字母或数字') }),
    z.object({
      action: z.literal('confirmCounter'),
      code: z.string({ error: '请输入核验码' }).regex(/^[A-Za-z0-9]{8}$/, '核验码为 8 位字母或数字'),
      docNumber: textField('证件号码', { missing: '请输入证件原件上的证件号码' }).transform(normalizeDocNumber).pipe(z.string().min(1, '请输入证件原件上的证件号码').max(30, '证件号码不超过 30 位')),
    }),
    z.object({ action: z.literal('consent'), version: textField('授权说明版本', { missing: '缺少授权说明版本' }).min(1, '缺少授权说明版本').max(32, '授权说明版本过长') }),
    z.object({ action: z.literal('unbind') }),
    z.object({ action: z.literal('bindPhone'), code: textField('手机号授权码', { missing: '缺少手机号授权码' }).min(1, '缺少手机号授权码').max(128, '手机号授权码过长') }),
  ],
  { error: '不支持的操作（action 应为 start、confirm、status、prefill、consent、bindPhone、unbind、requestCounter、viewCounter 或 confirmCounter）' },
);

