/** The subset of a next-intl translator that validation messages need (client or server). */
interface Translator {
  (key: string, values?: Record<string, string>): string;
  has(key: string): boolean;
}

/**
 * Translates a validation key from the server: "code" or "code:param:param…", e.g.
 * "too_short:12" or "entry:7:invalid_prefix:10.0.0.0/33" (params are n, a, b in order).
 */
export function validationMessage(t: Translator, key: string): string {
  const [code, n = '', a = '', ...rest] = key.split(':');
  const b = rest.join(':');
  if (!t.has(code)) return t('invalid');
  const nested = t.has(a) ? t(a, { n: '', a: '', b: '' }) : a;
  return t(code, { n, a: nested, b });
}
