'use server';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { signIn } from '@/lib/auth/auth';
import { CHALLENGE_TTL_MS } from '@/lib/auth/create-session';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { requestMeta } from '@/lib/auth/request-context';
import { env } from '@/lib/env';
import { completeMfaLogin } from '@/lib/mfa/complete-mfa-login';
import { safeReturnPath } from '@/lib/http/return-path';

export type LoginState = {
  failed: boolean;
  reason?: 'bad_code' | 'too_many_attempts' | 'expired';
  /** Changes with every failure, so the form starts the password over. */
  attempt?: number;
} | null;

const CHALLENGE_COOKIE = () => (env().secureCookies ? '__Host-mamori.challenge' : 'mamori.challenge');

async function startSession(sessionToken: string, next: string | null): Promise<never> {
  await signIn('credentials', { sessionToken, redirect: false });
  redirect(next ?? '/');
}

/** Every failure gets the same answer; the reason is only in the audit trail. */
export async function loginAction(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const result = await loginWithPassword(
    { loginId: formData.get('loginId'), password: formData.get('password') },
    await requestMeta(),
  );
  const next = safeReturnPath(formData.get('next'));
  if (result.ok) return startSession(result.sessionToken, next);
  if (result.reason === 'mfa_required' && 'challengeToken' in result) {
    // The pending login is bound to this browser by an HttpOnly cookie; the state is server-side.
    (await cookies()).set(CHALLENGE_COOKIE(), result.challengeToken, {
      httpOnly: true,
      sameSite: 'strict',
      secure: env().secureCookies,
      path: '/',
      maxAge: CHALLENGE_TTL_MS / 1000,
    });
    redirect(next ? `/login/verify?next=${encodeURIComponent(next)}` : '/login/verify');
  }
  // Only reached with the right password: then, and only then, the network is named as the cause.
  if (result.reason === 'ip_denied') redirect('/login/blocked');
  return { failed: true, attempt: Date.now() };
}

export async function verifyCodeAction(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const jar = await cookies();
  const challenge = jar.get(CHALLENGE_COOKIE())?.value;
  if (!challenge) return { failed: true, reason: 'expired' };
  const result = await completeMfaLogin(challenge, String(formData.get('code') ?? ''), await requestMeta());
  if (result.ok) {
    jar.delete(CHALLENGE_COOKIE());
    return startSession(result.sessionToken, safeReturnPath(formData.get('next')));
  }
  if (result.reason === 'bad_code') return { failed: true, reason: 'bad_code' };
  jar.delete(CHALLENGE_COOKIE());
  return { failed: true, reason: result.reason === 'too_many_attempts' ? 'too_many_attempts' : 'expired' };
}
