import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { normalizePassword } from './hash-password';

/**
 * Password policy after NIST SP 800-63B-4 and OWASP ASVS 5.0 chapter 6: length, not composition.
 * A password is refused, with a reason the UI states, when it is too short, one of the ~49,000
 * common passwords, built on words of this context (login ID, names, company, product), one of
 * the operator's last five, or weak by the zxcvbn estimate.
 */
export const PLATFORM_MIN_LENGTH = 12;
export const MAX_LENGTH = 1024;
export const PRODUCT_WORDS = ['mamori', 'まもり', '守り'];

export type PolicyReason = `too_short:${number}` | `too_long:${number}` | 'common' | 'context' | 'weak' | 'reused';

const COMMON = new Set<string>(common.dictionary['passwords-common'] as string[]);

let estimator: ZxcvbnFactory | undefined;
const zxcvbn = () =>
  (estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  }));

/** Words a password must not be built on: split on separators, 4+ characters, lower case. */
export function contextTokens(words: (string | null | undefined)[]): string[] {
  const tokens = new Set<string>(PRODUCT_WORDS);
  for (const word of words) {
    if (!word) continue;
    const w = normalizePassword(word).toLowerCase();
    if (w.length >= 4) tokens.add(w);
    for (const part of w.split(/[\s._@\-/]+/)) if ([...part].length >= 4) tokens.add(part);
  }
  return [...tokens];
}

export interface PolicyResult {
  ok: boolean;
  reasons: PolicyReason[];
  score: number;
}

export function checkPasswordPolicy(
  password: string,
  options: { minLength: number; context: (string | null | undefined)[] },
): PolicyResult {
  const normalized = normalizePassword(password);
  const lower = normalized.toLowerCase();
  const length = [...normalized].length;
  const reasons: PolicyReason[] = [];
  if (length < options.minLength) reasons.push(`too_short:${options.minLength}`);
  if (length > MAX_LENGTH) reasons.push(`too_long:${MAX_LENGTH}`);
  if (COMMON.has(lower) || COMMON.has(lower.replace(/\s+/g, ''))) reasons.push('common');
  const tokens = contextTokens(options.context);
  if (tokens.some((t) => lower.includes(t))) reasons.push('context');
  // The estimator is costly on very long input and adds nothing there.
  const score = length > 100 ? 4 : zxcvbn().check(normalized.slice(0, 100), tokens).score;
  if (score < 3 && !reasons.includes('common')) reasons.push('weak');
  return { ok: reasons.length === 0, reasons, score };
}
