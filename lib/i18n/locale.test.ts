import { describe, expect, it } from 'vitest';
import { formatJst, localeFromAcceptLanguage } from './locale';

describe('locale', () => {
  it('writes dates in Japan time in a form neither language can misread', () => {
    const at = new Date('2026-12-02T14:06:05Z');
    expect(formatJst(at, 'ja')).toBe('2026/12/02 23:06 JST');
    expect(formatJst(at, 'en')).toBe('2 Dec 2026, 23:06 JST');
    expect(formatJst(at, 'ja', { seconds: true })).toBe('2026/12/02 23:06:05 JST');
    expect(formatJst(at, 'en', { seconds: true })).toBe('2 Dec 2026, 23:06:05 JST');
    expect(formatJst(null, 'en')).toBe('—');
  });

  it('picks ja or en from Accept-Language', () => {
    expect(localeFromAcceptLanguage('en-US,en;q=0.9')).toBe('en');
    expect(localeFromAcceptLanguage('fr, ja;q=0.5')).toBe('ja');
    expect(localeFromAcceptLanguage(null)).toBe('ja');
  });
});
