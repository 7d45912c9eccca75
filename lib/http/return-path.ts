/**
 * Where to go after signing in: a path of this console only. Anything that could leave the origin
 * (`//host`, `/\host`, a scheme, control characters) or loop back to the sign-in page is dropped.
 */
export function safeReturnPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return null;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return null;
  if (/[\u0000-\u001f\u007f]/.test(value)) return null;
  const url = new URL(value, 'http://console.invalid');
  if (url.origin !== 'http://console.invalid') return null;
  if (url.pathname === '/login' || url.pathname.startsWith('/login/') || url.pathname.startsWith('/api/')) return null;
  return `${url.pathname}${url.search}`;
}
