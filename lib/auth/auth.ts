import 'server-only';
import NextAuth from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { env } from '@/lib/env';
import { adoptSession } from './adopt-session';
import { logger } from '@/lib/observability/logger';

export const sessionCookieName = () => (env().secureCookies ? '__Host-mamori.session' : 'mamori.session');

/**
 * Auth.js carries only an opaque session token in its encrypted cookie; the session itself is a
 * database row checked on every request (see load-session.ts), so it can be revoked at once.
 * Lazy config: environment and secrets are read on first use, not at build time.
 */
export const { signIn, signOut } = NextAuth(() => {
  const e = env();
  const cookie = { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: e.secureCookies };
  return {
    trustHost: true,
    // A junk or expired cookie is an ordinary "no session", not an error worth a stack in the log.
    logger: {
      error(error: Error) {
        const type = (error as { type?: string }).type;
        if (type === 'JWTSessionError' || type === 'CredentialsSignin') return;
        logger().error({ type: type ?? 'error', err: error.message }, 'auth error');
      },
      warn() {},
    },
    secret: e.authSecret,
    session: { strategy: 'jwt', maxAge: e.MAMORI_SESSION_ABSOLUTE_HOURS * 3600 },
    pages: { signIn: '/login', error: '/login' },
    cookies: {
      sessionToken: { name: sessionCookieName(), options: cookie },
      callbackUrl: { name: e.secureCookies ? '__Host-mamori.callback' : 'mamori.callback', options: cookie },
      csrfToken: { name: e.secureCookies ? '__Host-mamori.csrf' : 'mamori.csrf', options: cookie },
    },
    providers: [
      Credentials({
        credentials: { sessionToken: {} },
        async authorize(credentials) {
          const token = String(credentials.sessionToken ?? '');
          const adopted = await adoptSession(token);
          return adopted ? ({ id: adopted.operatorId, sessionToken: token } as { id: string }) : null;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          // Only the opaque token: nothing about the operator lives in the cookie.
          return { sid: (user as { sessionToken: string }).sessionToken };
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, sid: typeof token.sid === 'string' ? token.sid : undefined };
      },
    },
  };
});
