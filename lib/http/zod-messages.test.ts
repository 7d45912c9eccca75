import { createTranslator, type AbstractIntlMessages } from 'next-intl';
import { describe, expect, it } from 'vitest';
import { validationMessage } from '@/app/components/validation-message';
import en from '@/app/messages/en.json';
import ja from '@/app/messages/ja.json';
import { z } from './zod-messages';

const keys = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

/** What the form shows under the field, as the UI translates the key. */
const say = (locale: 'en' | 'ja', key: string) =>
  validationMessage(
    createTranslator({
      locale,
      timeZone: 'Asia/Tokyo',
      messages: (locale === 'en' ? en : ja) as AbstractIntlMessages,
      namespace: 'validation',
      // The messages are not typed here; the translator takes any key, as the UI's does.
    }) as unknown as Parameters<typeof validationMessage>[0],
    key,
  );

describe('validation message keys', () => {
  it('bounds a number by its value, not by characters', () => {
    // As the grace period in days on the two-factor policy.
    const days = z.coerce.number().int().min(1).max(90);
    expect(keys(days, '91')).toEqual(['at_most:90']);
    expect(keys(days, '0')).toEqual(['at_least:1']);
    expect(say('en', 'at_most:90')).toBe('At most 90.');
    expect(say('ja', 'at_most:90')).toBe('90 以下にしてください。');
    expect(say('en', 'at_least:1')).toBe('At least 1.');
    // Exclusive bounds name the first value that is refused.
    expect(keys(z.number().positive(), 0)).toEqual(['more_than:0']);
    expect(keys(z.number().lt(5), 5)).toEqual(['less_than:5']);
    expect(say('en', 'more_than:0')).toBe('More than 0.');
  });

  it('bounds a string by its length, and an empty required one is "required"', () => {
    const name = z.string().min(3).max(100);
    expect(keys(name, 'x'.repeat(101))).toEqual(['too_long:100']);
    expect(keys(name, 'ab')).toEqual(['too_short:3']);
    expect(keys(z.string().min(1), '')).toEqual(['required']);
    expect(say('en', 'too_long:100')).toBe('At most 100 characters.');
    expect(say('ja', 'too_short:3')).toBe('3 文字以上で入力してください。');
  });

  it('bounds a list by its number of entries', () => {
    const columns = z.array(z.string()).min(1).max(2);
    expect(keys(columns, [])).toEqual(['too_few:1']);
    expect(keys(columns, ['a', 'b', 'c'])).toEqual(['too_many:2']);
    expect(say('en', 'too_few:1')).toBe('Choose at least 1.');
    expect(say('ja', 'too_many:2')).toBe('2 個までです。');
  });

  it('bounds a date by its instant, shown in Japan time', () => {
    const at = new Date('2026-12-02T14:30:00Z');
    expect(keys(z.date().max(at), new Date('2026-12-03T00:00:00Z'))).toEqual([`date_max:${at.getTime()}`]);
    expect(keys(z.date().min(at), new Date('2026-12-01T00:00:00Z'))).toEqual([`date_min:${at.getTime()}`]);
    expect(say('en', `date_max:${at.getTime()}`)).toBe('On or before Dec 2, 2026, 23:30 JST.');
    expect(say('ja', `date_min:${at.getTime()}`)).toBe('2026/12/02 23:30 JST 以降にしてください。');
  });

  it('says what a field of a type expects when its text is not one', () => {
    expect(keys(z.coerce.number().int(), 'ten')).toEqual(['not_a_number']);
    expect(keys(z.coerce.number().int(), '1.5')).toEqual(['not_integer']);
    expect(keys(z.coerce.date(), 'someday')).toEqual(['invalid_date']);
    expect(keys(z.iso.date(), '2026-02-30')).toEqual(['invalid_date']);
    expect(keys(z.number(), undefined)).toEqual(['required']);
    expect(say('en', 'not_integer')).toBe('Enter a whole number.');
    expect(say('ja', 'not_a_number')).toBe('数値を入力してください。');
  });

  it('has a message in both languages for every key it produces', () => {
    const produced = ['at_least', 'at_most', 'more_than', 'less_than', 'too_short', 'too_long', 'too_few', 'too_many']
      .concat(['date_min', 'date_max', 'date_after', 'date_before', 'not_a_number', 'not_integer', 'invalid_date'])
      .concat(['required', 'invalid', 'invalid_email', 'invalid_format', 'invalid_choice']);
    for (const code of produced) {
      expect(Object.keys(en.validation)).toContain(code);
      expect(Object.keys(ja.validation)).toContain(code);
    }
  });
});
