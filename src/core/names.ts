import { textField } from './validation';

/**
 * The one rule for a person's name, wherever a form asks for one (the real-name form, the account name of a
 * withdrawal), on the pages and in the functions alike. Names are read from the document: every Han character
 * (CJK extension A and beyond: 李䶮, 𠮷) and the middle dot of minority and foreign names (阿依古丽·买买提), or for
 * documents written in Latin letters (passports, permanent residence cards) the Latin name.
 */

/** The longest name taken, in characters (a character outside the BMP such as 𠮷 counts once). */
export const NAME_MAX = 40;
export const NAME_MIN = 2;

/** The middle dot (U+00B7) and the look-alikes keyboards type for it: Greek ano teleia, bullets, the katakana and half-width dots. */
const MIDDLE_DOT_LOOK_ALIKES = /[\u0387\u2022\u2027\u2219\u22C5\u30FB\uFF65\u2E31\u16EB]/g;

/** A name as kept: trimmed, inner spaces collapsed, every look-alike dot made the standard's middle dot (·). */
export const normalizeName = (name: string) => name.trim().replace(/\s+/g, ' ').replace(MIDDLE_DOT_LOOK_ALIKES, '·');

/** Han characters (every CJK block), in parts joined by middle dots. */
const HAN_NAME = /^\p{Script=Han}+(·\p{Script=Han}+)*$/u;
const LATIN_NAME = /^[A-Za-z]+([ '.,-][A-Za-z]+)*$/;

/**
 * Why a name (normalized) is not acceptable, or undefined: too long or too short (the limit named), or characters a
 * name does not have (emoji and symbols alone are told so by textField, before this rule). `latin`: the document is written in Latin letters.
 */
export function nameProblem(name: string, label: string, latin: boolean): string | undefined {
  const length = [...name].length;
  if (length === 0) return `请填写${label}`;
  if (length > NAME_MAX) return `${label}过长（最多 ${NAME_MAX} 字），请按证件填写`;
  if (length < NAME_MIN) return `${label}至少 ${NAME_MIN} 个字`;
  if (HAN_NAME.test(name) || (latin && LATIN_NAME.test(name))) return undefined;
  return latin ? `${label}只能是汉字（可含间隔号·）或证件上的英文姓名` : `${label}应为证件上的中文姓名（汉字，少数民族姓名可含间隔号·）`;
}

/** A name field of a form: normalized, then checked by nameProblem (Han or Latin letters when `latin`). */
export const nameField = (label: string, latin: boolean) =>
  textField(label)
    .transform(normalizeName)
    .superRefine((name, ctx) => {
      const problem = nameProblem(name, label, latin);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** Whether two names are one person's (as kept: normalized). */
export const sameName = (a: string, b: string) => normalizeName(a) === normalizeName(b);
