import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { currentOperator } from '@/lib/auth/guard';
import { SESSION_ENDS, type SessionEnd } from '@/lib/auth/load-session';
import { safeReturnPath } from '@/lib/http/return-path';
import { LoginForm } from './login-form';
import { FreshFrame } from '@/app/components/fresh-frame';

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const query = await searchParams;
  const next = safeReturnPath(query.next);
  if (await currentOperator()) redirect(next ?? '/');
  const t = await getTranslations('login');
  // Only the known reasons are shown; anything else in the address is ignored.
  const ended = SESSION_ENDS.find((e) => e === query.ended) as SessionEnd | undefined;
  return (
    <div className="mx-auto mt-12 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <FreshFrame />
      <h1 className="mb-6 text-xl font-semibold">{t('title')}</h1>
      {ended && (
        <p
          role="status"
          data-testid="session-ended"
          className="mb-4 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {t(`ended.${ended}`)}
        </p>
      )}
      <LoginForm next={next} />
      {next && <p className="mt-4 text-xs text-slate-500">{t('returnTo')}</p>}
      <p className="mt-6 text-xs text-slate-500">{t('hint')}</p>
    </div>
  );
}
