/**
 * Masks for personal data in lists: enough to tell records apart and to confirm one on the phone
 * with a customer, not enough to contact them. Input is NFKC-normalised first, so full-width
 * digits and "＠" from Japanese input are masked like their ASCII forms.
 */
const STARS = '***';

/** `misaki.sato7@mail.example.jp` → `m***@mail.example.jp`; anything without a domain → `***`. */
export function maskEmail(email: string): string;
export function maskEmail(email: string | null): string | null;
export function maskEmail(email: string | null): string | null {
  if (email === null) return null;
  const value = email.normalize('NFKC').trim();
  if (value === '') return '';
  const at = value.lastIndexOf('@');
  const domain = value.slice(at + 1);
  if (at <= 0 || domain === '') return STARS;
  // By code point, so a Japanese or emoji local part is not cut inside a surrogate pair; a
  // one-character local part is hidden completely.
  const local = Array.from(value.slice(0, at));
  return `${local.length > 1 ? local[0] : ''}${STARS}@${domain}`;
}

// Separators people type in Japanese phone numbers, including the long-vowel mark and minus signs
// that NFKC leaves alone.
const SEPARATOR = /[\s\-‐‑‒–—―−ー()+.]/u;

/**
 * `090-1234-5678` → `090-****-5678`, `03-1234-5678` → `03-****-5678`, `09012345678` →
 * `090****5678`. A full-length number keeps its leading group (area or mobile prefix) and the last
 * four digits; a shorter one only its last two; under six digits nothing. Separators are kept.
 */
export function maskPhone(phone: string): string;
export function maskPhone(phone: string | null): string | null;
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const chars = Array.from(phone.normalize('NFKC').trim());
  const digits = chars.flatMap((c, i) => (SEPARATOR.test(c) ? [] : [i]));
  const keep = new Set<number>();
  if (digits.length >= 10) {
    const firstSeparator = chars.findIndex((c, i) => i > digits[0] && SEPARATOR.test(c));
    const head = firstSeparator === -1 ? digits.slice(0, 3) : digits.filter((i) => i < firstSeparator);
    for (const i of head.length <= 4 ? head : head.slice(0, 3)) keep.add(i);
    for (const i of digits.slice(-4)) keep.add(i);
  } else if (digits.length >= 6) {
    for (const i of digits.slice(-2)) keep.add(i);
  }
  return chars.map((c, i) => (SEPARATOR.test(c) || keep.has(i) ? c : '*')).join('');
}
