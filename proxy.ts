import { NextResponse, type NextRequest } from 'next/server';

/**
 * A convenience, never the gate: it sends visitors without a session cookie to /login and sets a
 * per-request CSP nonce. Every page, action and route checks the session itself on the server.
 */
const PUBLIC = ['/login', '/api/health'];

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const { pathname } = request.nextUrl;
  const hasSession = request.cookies.has('mamori.session') || request.cookies.has('__Host-mamori.session');
  if (
    !hasSession &&
    !PUBLIC.some((p) => pathname === p || pathname.startsWith(`${p}/`)) &&
    !pathname.startsWith('/api/')
  ) {
    const url = request.nextUrl.clone();
    url.pathname = '/login';
    // Back to this page after signing in (the sign-in action checks it is one of ours).
    url.search = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + request.nextUrl.search)}`;
    return NextResponse.redirect(url);
  }
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  // The page asked for, so a guard that finds the session ended can send its holder back here.
  requestHeaders.set('x-mamori-path', pathname + request.nextUrl.search);
  requestHeaders.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: '/((?!_next/static|_next/image|favicon.ico).*)',
      missing: [{ type: 'header', key: 'next-router-prefetch' }],
    },
  ],
};
