'use client';
import { parseDateTime, toCalendarDateTime, toZoned, type ZonedDateTime } from '@internationalized/date';
import { useState } from 'react';
import { DateField, DateInput, DateSegment, I18nProvider, Label, Text } from 'react-aria-components';
import { useLocale } from 'next-intl';
import { formatJst, type Locale } from '@/lib/i18n/locale';

const ZONE = 'Asia/Tokyo';

/** A wall-clock text (`2030-01-31T18:00`) as a time in Japan; null when empty or not a date-time. */
function zoned(text: string | null | undefined): ZonedDateTime | null {
  if (!text) return null;
  try {
    return toZoned(parseDateTime(text), ZONE);
  } catch {
    return null;
  }
}

/**
 * A date and time in Japan time, entered part by part (React Aria's date field: arrow keys,
 * typing, each part named for screen readers), with the zone shown in the field and the chosen
 * moment spelled out below it. The form receives Japan's wall clock without an offset
 * (`2030-01-31T18:00`), as the server reads it.
 */
export function JstDateTimeField({
  name,
  label,
  defaultValue,
  required,
  seconds = false,
  hint,
  errors,
  testId,
}: {
  name: string;
  label: string;
  defaultValue?: string | null;
  required?: boolean;
  seconds?: boolean;
  hint?: string;
  /** Messages for this field from the server, already translated. */
  errors?: string[];
  testId?: string;
}) {
  const locale = useLocale() as Locale;
  const [value, setValue] = useState<ZonedDateTime | null>(() => zoned(defaultValue));
  const invalid = Boolean(errors?.length);
  return (
    // Day-month-year in English and year-month-day in Japanese, both on a 24-hour clock.
    <I18nProvider locale={locale === 'ja' ? 'ja-JP' : 'en-GB'}>
      <DateField
        value={value}
        onChange={setValue}
        granularity={seconds ? 'second' : 'minute'}
        hourCycle={24}
        placeholderValue={toZoned(parseDateTime('2026-01-01T00:00'), ZONE)}
        isRequired={required}
        isInvalid={invalid}
        className="text-sm"
        data-testid={testId}
      >
        <Label className="block font-medium">{label}</Label>
        <DateInput className="mt-1 flex w-full flex-wrap items-center rounded border border-slate-300 bg-white px-3 py-2 focus-within:outline-2 focus-within:outline-brand-600 data-[invalid]:border-red-500">
          {(segment) => (
            <DateSegment
              segment={segment}
              // Each part is at least 24 px square, the smallest target WCAG 2.2 allows.
              className="inline-block min-h-6 min-w-6 rounded px-0.5 text-center leading-6 tabular-nums outline-none data-[focused]:bg-brand-600 data-[focused]:text-white data-[placeholder]:text-slate-500 data-[type=literal]:min-w-0 data-[type=literal]:px-0"
            />
          )}
        </DateInput>
        <input type="hidden" name={name} value={value ? toCalendarDateTime(value).toString() : ''} />
        <Text slot="description" className="mt-1 block text-xs text-slate-500">
          {value ? formatJst(value.toDate(), locale, { seconds }) : hint}
        </Text>
        {invalid && (
          <Text slot="errorMessage" className="mt-1 block text-xs text-red-700" data-testid={`error-${name}`}>
            {errors!.join(' ')}
          </Text>
        )}
      </DateField>
    </I18nProvider>
  );
}
