import { randomInt } from 'node:crypto';

// No 0/o, 1/l/i: read aloud or copied from a screen without mistakes. 16 of 31 symbols ~ 79 bits.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A one-time password an admin hands over; the operator must replace it at first login. */
export function temporaryPassword(): string {
  const chars = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}
