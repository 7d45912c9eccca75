export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ja';
export const LOCALE_COOKIE = 'mamori.locale';

export const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale);

/** Picks ja or en from an Accept-Language header by q-value; anything unknown falls back to ja. */
export function localeFromAcceptLanguage(header: string | null): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { lang: tag.toLowerCase().split('-')[0], quality: Number.isFinite(quality) ? quality : 0 };
    })
    .filter((x) => x.quality > 0)
    .sort((a, b) => b.quality - a.quality);
  return (ranked.find((x) => isLocale(x.lang))?.lang as Locale | undefined) ?? DEFAULT_LOCALE;
}

/**
 * Dates are stored in UTC and shown in Japan time, with the zone named, in a form neither
 * language can misread: `2026/12/02 23:06 JST`, `2 Dec 2026, 23:06 JST` (seconds where an
 * exact moment matters, as in the audit trail).
 */
export function formatJst(date: Date | null | undefined, locale: Locale, options: { seconds?: boolean } = {}): string {
  if (!date) return '—';
  const text = new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: locale === 'ja' ? '2-digit' : 'short',
    day: locale === 'ja' ? '2-digit' : 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(options.seconds ? { second: '2-digit' as const } : {}),
    hour12: false,
  }).format(date);
  return `${text} JST`;
}
