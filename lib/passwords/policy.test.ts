import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, contextTokens } from './policy';

const base = {
  minLength: 12,
  context: [
    'sakura.admin',
    '佐藤 翔',
    '株式会社さくらアパレル',
    'sakura-apparel',
    'さくらアパレル 公式オンラインストア',
  ],
};

describe('password policy', () => {
  it('accepts long, unusual passphrases, Unicode and spaces included', () => {
    expect(checkPasswordPolicy('minato spring collection 2027', base)).toMatchObject({ ok: true, reasons: [] });
    expect(checkPasswordPolicy('春の新作コレクションは青い鳥', base).ok).toBe(true);
    expect(checkPasswordPolicy('x'.repeat(20) + ' tangerine otter 9', base).ok).toBe(true);
  });

  it('has no composition rules: no digit, capital or symbol is required', () => {
    expect(checkPasswordPolicy('quiet lanterns drift over harbour', base).ok).toBe(true);
  });

  it('refuses a password shorter than the minimum, counting characters after NFKC', () => {
    expect(checkPasswordPolicy('Short1!', base).reasons).toContain('too_short:12');
    expect(checkPasswordPolicy('tangerine otter rides', { ...base, minLength: 24 }).reasons).toContain('too_short:24');
    // Twelve full-width characters are twelve characters.
    expect(checkPasswordPolicy('ｑｚｗｘｐｌｍｋｏｎｊｂ', base).reasons).not.toContain('too_short:12');
  });

  it('accepts at least 128 characters and refuses beyond the maximum', () => {
    const long = Array.from({ length: 16 }, (_, i) => `word${i}xq`).join(' ');
    expect(long.length).toBeGreaterThan(128);
    expect(checkPasswordPolicy(long, base).ok).toBe(true);
    expect(checkPasswordPolicy('a b'.repeat(400), base).reasons).toContain('too_long:1024');
  });

  it('refuses common and breached passwords from the shipped list, whatever the case', () => {
    for (const pw of ['password1234', 'PASSWORD1234', 'qwertyuiop123', '1q2w3e4r5t6y']) {
      expect(checkPasswordPolicy(pw, base).reasons, pw).toContain('common');
    }
  });

  it('refuses passwords built on the login ID, names, company, site or product', () => {
    for (const pw of [
      'sakura.admin-2026-xyz',
      'Xq9!apparel-winter-sale',
      'mamori-console-2026!',
      'さくらアパレル大好き12345',
      'my sakura-apparel key 77',
    ]) {
      expect(checkPasswordPolicy(pw, base).reasons, pw).toContain('context');
    }
    expect(contextTokens(['sakura.admin'])).toEqual(
      expect.arrayContaining(['sakura.admin', 'sakura', 'admin', 'mamori']),
    );
  });

  it('refuses weak passwords by the estimator, even long enough ones', () => {
    expect(checkPasswordPolicy('aaaaaaaaaaaaaaaa', base).reasons).toContain('weak');
    expect(checkPasswordPolicy('abcdefghijklmnop', base).reasons).toContain('weak');
    expect(checkPasswordPolicy('121212121212', base).ok).toBe(false);
  });
});
