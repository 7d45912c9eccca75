'use server';
import { AuthError } from 'next-auth';
import { redirect } from 'next/navigation';
import { signIn } from '@/lib/auth/auth';

export type LoginState = { failed: boolean } | null;

/** Every failure gets the same answer; the reason is only in the audit trail. */
export async function loginAction(_prev: LoginState, formData: FormData): Promise<LoginState> {
  try {
    const url = await signIn('credentials', {
      loginId: String(formData.get('loginId') ?? ''),
      password: String(formData.get('password') ?? ''),
      redirect: false,
    });
    if (typeof url === 'string' && url.includes('error=')) return { failed: true };
  } catch (error) {
    // Only reached with the right password: then, and only then, the network is named as the cause.
    if (error instanceof AuthError && (error as { code?: string }).code === 'ip_denied') redirect('/login/blocked');
    if (error instanceof AuthError) return { failed: true };
    throw error;
  }
  redirect('/');
}
