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
