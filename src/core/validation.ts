import * as z from 'zod';
import { zhCN } from 'zod/locales';
import { fail, ok, type FieldErrors, type Result } from './errors';
import { isCalendarDate } from './time';

/**
 * zod's own words for types, which its zh-CN locale leaves in English ("期望 object，实际接收 array"). Every
 * schema that validates what a person sees loads this module (text fields are built here), so the locale is
 * set once for the functions and the pages alike; rules with the project's own message keep it.
 */
const TYPE_WORDS: Record<string, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  bigint: '整数',
  nan: '非数字',
  NaN: '非数字',
  boolean: '是或否',
  object: '对象',
  record: '对象',
  array: '列表',
  tuple: '列表',
  set: '集合',
  map: '映射',
  date: '日期',
  file: '文件',
  symbol: '符号',
  function: '函数',
  promise: '异步值',
  null: '空值',
  undefined: '空',
  void: '空',
  never: '无',
};
const TYPE_WORD = new RegExp(`(?<![A-Za-z])(${Object.keys(TYPE_WORDS).join('|')})(?![A-Za-z])`, 'g');
// zh-CN by name from `zod/locales` (ES modules for esbuild and webpack, which keep this one locale of 65; CommonJS
// under jest), and zod imported as a namespace everywhere (`import * as z`): a `z` value import makes esbuild keep
// zod's whole namespace, every locale included, in each function bundle (269 KB of ~775 KB, parsed at every cold start)
const chinese = zhCN().localeError;

z.config({
  localeError: (issue) => {
    // a missing field, and a pattern a person cannot read (the locale prints the regular expression)
    if (issue.code === 'invalid_type' && issue.input === undefined) return '缺少此项';
    if (issue.code === 'invalid_format' && issue.format === 'regex') return '格式不正确';
    if (issue.code === 'invalid_format' && issue.format === 'url') return '网址格式不正确';
    if (issue.code === 'invalid_type' && /^[A-Z]/.test(issue.expected)) return '类型不正确';
    const message = chinese(issue);
    const text = typeof message === 'string' ? message : (message?.message ?? '无效输入');
    return text.replace('空值(null)', '空值').replace(TYPE_WORD, (word) => TYPE_WORDS[word]);
  },
});

/**
 * Characters no text field takes: C0 and C1 control characters and DEL (a NUL cannot even be stored),
 * lone surrogates (half an emoji: not valid Unicode), line and paragraph separators, and the bidirectional
 * marks, embeddings, overrides and isolates that make text read differently from what it is
 * (`x\u202Egpj.pdf` shows as `xfdp.jpg`).
 */
const UNSAFE = /[\p{Cc}\p{Cs}\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
/** The same, except the line feed of a multi-line text (a reason, a comment). */
const UNSAFE_MULTILINE = /(?!\n)[\p{Cc}\p{Cs}\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** Whether a text has none of the characters no field takes (UNSAFE); line feeds allowed when `multiline`. */
export function isPlainText(value: string, multiline = false): boolean {
  return !(multiline ? UNSAFE_MULTILINE : UNSAFE).test(value);
}

/**
 * Whether a text has something but no letter or digit of any script: emoji or symbols only (😀😀, ？？). Such a text
 * is told so, not "请填写…" as if it were empty.
 */
export const isWordless = (value: string) => value.length > 0 && !/[\p{L}\p{N}]/u.test(value);

/** What a person is told about a text of emoji or symbols only, naming the field. */
export const wordlessMessage = (label: string) => `${label}只有表情或符号，请用文字填写`;

/** What a person is told about such a character, naming the field. */
export const unsafeTextMessage = (label: string) => `${label}含有控制字符或不可见的格式字符，请删除后重新填写`;

export interface TextFieldOptions {
  /** The message when the value is missing or not text; `请填写<label>` by default. */
  missing?: string;
  /** Line feeds allowed (free text such as a reason or a comment). */
  multiline?: boolean;
  /** Leading and trailing white space removed before every rule (default true). */
  trim?: boolean;
}

/**
 * The string every text field of an event or a form is built on: trimmed, then refused with a message
 * naming the field (`label`) when it holds a character no field takes (isPlainText) or only emoji and symbols
 * (isWordless), before its own rules
 * (`.min`, `.max`, `.regex`, `.url` chained on the result) run.
 */
export function textField(label: string, options: TextFieldOptions = {}): z.ZodString {
  const base = z.string({ error: options.missing ?? `请填写${label}` });
  return (options.trim === false ? base : base.trim())
    .refine((value) => isPlainText(value, options.multiline), unsafeTextMessage(label))
    .refine((value) => !isWordless(value), wordlessMessage(label));
}

/**
 * A China calendar date written 年-月-日 (2026-01-05), every message naming the field (`label`); a field's own limits
 * (not later than today, not before a date) are chained on the result.
 */
export const calendarDate = (label: string) =>
  z
    .string({ error: `请填写${label}` })
    .min(1, `请填写${label}`)
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${label}应为“年-月-日”，如 2026-01-05`)
    .refine((d) => isCalendarDate(d.replace(/-/g, '')), `${label}不是有效日期`);

/** The discriminator (`action`) of a discriminated union, which names an event that is not even an object. */
function discriminatorOf(schema: z.ZodType): string | undefined {
  const def: object = schema._zod.def;
  return 'discriminator' in def && typeof def.discriminator === 'string' ? def.discriminator : undefined;
}

/**
 * Parse untrusted input (a function event, a form, data read back from a center) with its schema.
 * A failure names every bad field (`fields`: path -> the schema's own Chinese message) and changes nothing;
 * the message joins the messages alone, without the paths. An input that is not an object at all is named
 * by the union's discriminator (`action`: nothing says what to do).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): Result<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const fields: FieldErrors = {};
  const root = discriminatorOf(schema) ?? '_';
  for (const issue of parsed.error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : root;
    fields[key] ??= issue.message;
  }
  // the person reads the messages, which name their fields in words; the paths are for the page's form
  const summary = [...new Set(Object.values(fields))].join('；');
  return fail('VALIDATION_FAILED', `填写有误：${summary}`, fields);
}
