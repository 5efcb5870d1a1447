import * as z from 'zod';

/**
 * Codes people read out and type by hand (counter verification, staff invites): 8 characters without 0/O or
 * 1/I. The server draws the random bytes; pages only check the shape.
 */
export const HAND_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const HAND_CODE_LENGTH = 8;
export const HAND_CODE_PATTERN = new RegExp(`^[${HAND_CODE_ALPHABET}]{${HAND_CODE_LENGTH}}$`);

/** One character per random byte (32 characters divide 256: no bias). */
export function handCode(randomBytes: Uint8Array): string {
  return Array.from(randomBytes.subarray(0, HAND_CODE_LENGTH), (b) => HAND_CODE_ALPHABET[b % HAND_CODE_ALPHABET.length]).join('');
}

/**
 * A hand code as typed (case and spaces forgiven), named `label` in its messages: one of the wrong length or with
 * other characters is told the form; eight letters and digits with a character codes never have (0, 1, O, I) are told
 * the code is wrong, not the form they already have. A code of the right form the server does not know is its refusal.
 */
export const handCodeSchema = (label: string) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .toUpperCase()
    .regex(new RegExp(`^[A-Z0-9]{${HAND_CODE_LENGTH}}$`), `${label}应为 ${HAND_CODE_LENGTH} 位字母或数字`)
    .regex(HAND_CODE_PATTERN, `${label}不正确（${label}中没有数字 0、1 和字母 O、I），请核对后重新输入`);
