import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone } from './mask';

describe('maskEmail', () => {
  it('keeps the first character and the domain', () => {
    expect(maskEmail('misaki.sato7@mail.example.jp')).toBe('m***@mail.example.jp');
    expect(maskEmail('alt.misaki.sato7@mail.example.jp')).toBe('a***@mail.example.jp');
  });

  it('hides a one-character local part completely and junk without a domain', () => {
    expect(maskEmail('a@example.jp')).toBe('***@example.jp');
    expect(maskEmail('no-at-sign')).toBe('***');
    expect(maskEmail('@example.jp')).toBe('***');
    expect(maskEmail('taro@')).toBe('***');
    expect(maskEmail('')).toBe('');
    expect(maskEmail(null)).toBeNull();
  });

  it('masks Japanese and full-width input by character, not by UTF-16 unit', () => {
    expect(maskEmail('山田太郎@例え.jp')).toBe('山***@例え.jp');
    expect(maskEmail('ｔａｒｏ＠ｍａｉｌ．ｅｘａｍｐｌｅ．ｊｐ')).toBe('t***@mail.example.jp');
    expect(maskEmail('𠮷野家@example.jp')).toBe('𠮷***@example.jp');
  });

  it('splits on the last @', () => {
    expect(maskEmail('"a@b"@example.jp')).toBe('"***@example.jp');
  });

  it('never contains the local part of the address', () => {
    for (const email of ['misaki.sato7@mail.example.jp', 'ab@x.jp', '山田@例え.jp']) {
      const local = email.slice(0, email.lastIndexOf('@'));
      expect(maskEmail(email)).not.toContain(local);
    }
  });
});

describe('maskPhone', () => {
  it('keeps the prefix group and the last four digits of a full number', () => {
    expect(maskPhone('090-1234-5678')).toBe('090-****-5678');
    expect(maskPhone('03-1234-5678')).toBe('03-****-5678');
    expect(maskPhone('0467-12-3456')).toBe('0467-**-3456');
    expect(maskPhone('09012345678')).toBe('090****5678');
    expect(maskPhone('(03) 1234-5678')).toBe('(03) ****-5678');
    expect(maskPhone('+81 90-1234-5678')).toBe('+81 **-****-5678');
  });

  it('normalises full-width digits and keeps Japanese separators', () => {
    expect(maskPhone('０９０－１２３４－５６７８')).toBe('090-****-5678');
    expect(maskPhone('090ー1234ー5678')).toBe('090ー****ー5678');
  });

  it('shows little of short or odd input', () => {
    expect(maskPhone('1234567')).toBe('*****67');
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone('内線 12')).toBe('** **');
    expect(maskPhone('')).toBe('');
    expect(maskPhone(null)).toBeNull();
  });

  it('never contains the middle digits of a full number', () => {
    expect(maskPhone('080-9876-5432')).not.toContain('9876');
    expect(maskPhone('08098765432')).not.toMatch(/9876/);
  });
});
