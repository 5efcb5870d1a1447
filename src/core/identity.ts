import * as z from 'zod';
import { ageOn, isCalendarDate, shanghaiDate } from './time';
import { nameProblem, normalizeName } from './names';
import { textField } from './validation';

/** Standard document type codes (national platform code table). */
export const DOC_TYPES = {
  '01': '居民身份证',
  '02': '军官证',
  '03': '护照',
  '04': '外国人永久居留身份证',
  '99': '其他证件',
} as const;
export type DocType = keyof typeof DOC_TYPES;
/** In code order (Object.keys would put the integer-like '99' first). */
export const DOC_TYPE_CODES: readonly DocType[] = ['01', '02', '03', '04', '99'];

/** The youngest age at which a person may bind an identity here. */
export const MIN_AGE = 16;

/**
 * How recent a person's identity check must be for what hands out their data in full or as proof: showing a certificate
 * code (the official app asks for a face check each time) and a copy of their own data (services/identity.ts freshIdentityOrFail).
 */
export const FRESH_IDENTITY_MAX_AGE_HOURS = 24;

/**
 * How long a counter-verification code may be shown at a window, in days. Its mismatches count against it since it was
 * made, the longest window any limit counts in: the attempts are kept as long (privacy.ts ATTEMPTS_KEPT_DAYS).
 */
export const COUNTER_CODE_TTL_DAYS = 7;

/** 实名核验's page; with `?back=1` it returns to the page that opened it once verified (else to 我的). */
export const VERIFY_PAGE = '/pages/verify/index';

/** Province-level codes a resident ID may start with (GB/T 2260; 71/81/82 for Taiwan, Hong Kong, Macao residence permits). */
export const ID_PROVINCE_PREFIXES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
]);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The GB 11643-1999 check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/**
 * Why an 18-character resident ID is not acceptable on `today` (YYYY-MM-DD, China), or undefined when
 * it is: the format, a real province prefix, a real past birth date, age at least 16, the check character.
 */
export function residentIdProblem(id: string, today: string): string | undefined {
  if (!/^\d{17}[\dX]$/.test(id)) return '居民身份证号码应为 18 位，前 17 位为数字，最后一位为数字或 X';
  if (!ID_PROVINCE_PREFIXES.has(id.slice(0, 2))) return '居民身份证号码的前两位不是有效的省级行政区划代码';
  const birth = id.slice(6, 14);
  // no upper age limit: the standard's own example 440524188001010014 was born in 1880
  if (!isCalendarDate(birth) || birth < '18000101') return '居民身份证号码中的出生日期不是有效日期';
  if (`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}` > today) return '居民身份证号码中的出生日期晚于今天';
  if (ageOn(birth, today) < MIN_AGE) return `年满 ${MIN_AGE} 周岁方可办理`;
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return '居民身份证号码校验位不正确，请核对后重新输入';
  return undefined;
}

const DOC_NUMBER_RULES: Record<Exclude<DocType, '01'>, { pattern: RegExp; message: string }> = {
  '02': { pattern: /^[\u4e00-\u9fa5A-Z0-9]{4,20}$/, message: '军官证号码应为 4 至 20 位汉字、字母或数字' },
  '03': { pattern: /^[A-Z0-9]{5,17}$/, message: '护照号码应为 5 至 17 位字母或数字' },
  '04': { pattern: /^([A-Z]{3}\d{12}|9\d{16}[\dX])$/, message: '永久居留身份证号码应为 3 位字母加 12 位数字，或以 9 开头的 18 位号码' },
  '99': { pattern: /^[\u4e00-\u9fa5A-Z0-9-]{2,30}$/, message: '证件号码应为 2 至 30 位汉字、字母、数字或连字符' },
};

/**
 * Whether a number is a mainland resident ID whatever the person's age: 18 characters, a real province prefix,
 * a real birth date and the right check character. Such a number is only taken as type 01: under any other type
 * it would be a second key for one person (limits, "bound elsewhere", own applications).
 */
export function isResidentIdNumber(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && ID_PROVINCE_PREFIXES.has(id.slice(0, 2)) && isCalendarDate(id.slice(6, 14)) && idCheckChar(id.slice(0, 17)) === id[17];
}

/** A document number's letters and digits alone (everything but [0-9A-Z] removed, upper-cased): what its lookup key is built from. */
export const docNumberKeyForm = (docNumber: string) => docNumber.toUpperCase().replace(/[^0-9A-Z]/g, '');

/** Whether a number's letters and digits alone contain a mainland resident ID (e.g. 11010519491231002X- or the ID plus a 汉字). */
export function containsResidentIdNumber(docNumber: string): boolean {
  const key = docNumberKeyForm(docNumber);
  for (let i = 0; i + 18 <= key.length; i++) if (isResidentIdNumber(key.slice(i, i + 18))) return true;
  return false;
}

export const RESIDENT_ID_UNDER_OTHER_TYPE = '这是居民身份证号码，请将证件类型选为“居民身份证”';

/** Why a document number is not acceptable for its type, or undefined. */
export function docNumberProblem(docType: DocType, docNumber: string, today: string): string | undefined {
  if (docType === '01') return residentIdProblem(docNumber, today);
  if (containsResidentIdNumber(docNumber)) return RESIDENT_ID_UNDER_OTHER_TYPE;
  const rule = DOC_NUMBER_RULES[docType];
  if (!rule.pattern.test(docNumber)) return rule.message;
  if (docType === '04' && docNumber.length === 18 && idCheckChar(docNumber.slice(0, 17)) !== docNumber[17]) {
    return '永久居留身份证号码校验位不正确';
  }
  return undefined;
}

/** Documents whose name may be written in Latin letters (a passport, a permanent residence card, others). */
const LATIN_NAME_TYPES: ReadonlySet<DocType> = new Set(['03', '04', '99']);

export const normalizeDocNumber = (docNumber: string) => docNumber.replace(/\s/g, '').toUpperCase();

/** The real-name form, checked as of `now` (birth dates and ages are judged on China's calendar). */
export function realNameSchema(now: Date) {
  const today = shanghaiDate(now);
  return z
    .object({
      name: textField('姓名').transform(normalizeName),
      docType: z.enum(DOC_TYPE_CODES as [DocType, ...DocType[]], { error: '请选择证件类型' }),
      docNumber: textField('证件号码').transform(normalizeDocNumber),
    })
    .superRefine((form, ctx) => {
      const badName = nameProblem(form.name, '姓名', LATIN_NAME_TYPES.has(form.docType));
      if (badName) ctx.addIssue({ code: 'custom', path: ['name'], message: badName });
      const badNumber = form.docNumber === '' ? '请填写证件号码' : docNumberProblem(form.docType, form.docNumber, today);
      if (badNumber) ctx.addIssue({ code: 'custom', path: ['docNumber'], message: badNumber });
    });
}
export type RealName = z.output<ReturnType<typeof realNameSchema>>;

/** First and last character only: 1****************X. Never shows the birth date. */
export function maskDocNumber(docNumber: string): string {
  if (docNumber.length <= 2) return '*'.repeat(docNumber.length);
  return `${docNumber[0]}${'*'.repeat(docNumber.length - 2)}${docNumber[docNumber.length - 1]}`;
}

/** 13812345678 -> 138****5678. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : maskDocNumber(phone);
}

/** Account numbers are masked like document numbers: first and last character only. */
export const maskAccount = (account: string) => maskDocNumber(account);

/** A bank account as banks show it: the issuer's first four and the last four digits, so the person knows the card. */
export const maskBankAccount = (account: string) => `${account.slice(0, 4)}${'*'.repeat(Math.max(account.length - 8, 4))}${account.slice(-4)}`;

/** 张三 -> *三, 阿依古丽·买买提 -> *******提: the family name is enough to give a person away. */
export function maskName(name: string): string {
  return `${'*'.repeat(Math.max(name.length - 1, 1))}${name.length > 1 ? name[name.length - 1] : ''}`;
}
/** What the `identity` function tells a person about their own identity: masked data only. */
export interface IdentityView {
  status: 'none' | 'verified' | 'expired';
  method?: 'face' | 'counter';
  nameMasked?: string;
  docType?: DocType;
  docNumberMasked?: string;
  phoneMasked?: string;
  /** ISO instant. */
  expiresAt?: string;
  /** What happened to the person's binding that they must be told (the status answer only), newest first. */
  notices?: IdentityNotice[];
}

/**
 * What the `identity` function's `prefill` answers the person about themselves, for their application forms: the
 * verified name in full (the account name of a withdrawal must match it) and the bound phone; empty unless verified.
 */
export interface FormPrefill {
  name?: string;
  phone?: string;
}

/** A notice shown on 我的: e.g. the person's document was bound to another WeChat account at a counter. */
export interface IdentityNotice {
  /** ISO instant. */
  at: string;
  text: string;
}

/**
 * What staff see for a counter code: the full name and the masked number; they type the number from the
 * document in hand to confirm. A code whose document is bound to another WeChat account needs two staff members.
 */
export interface CounterRequestView {
  code: string;
  name: string;
  docType: DocType;
  docNumberMasked: string;
  createdAt: string;
  status: 'pending' | 'awaiting-second';
  /** The document is bound to another WeChat account: a second staff member of the same center must confirm too. */
  movesBinding: boolean;
  /** This staff member gave the first confirmation: another one must give the second. */
  confirmedByYou: boolean;
}
