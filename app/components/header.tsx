import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { logoutAction, setLocaleAction } from '@/app/actions';
import { currentOperator, navigationOf } from '@/lib/auth/guard';
import { formatJst, type Locale } from '@/lib/i18n/locale';

export async function Header() {
  const [t, locale, ctx] = await Promise.all([getTranslations(), getLocale(), currentOperator()]);
  const nav = ctx && navigationOf(ctx);
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center gap-6 px-4 py-3">
        <Link href="/" className="text-lg font-semibold text-brand-700">
          {t('app.name')} <span className="text-sm font-normal text-slate-500">{t('app.tagline')}</span>
        </Link>
        {ctx && (
          <nav className="flex gap-4 text-sm">
            <Link href="/">{t('nav.dashboard')}</Link>
            {nav?.platform ? (
              <>
                <Link href="/platform/tenants">{t('nav.tenants')}</Link>
                <Link href="/platform/staff">{t('nav.staff')}</Link>
                <Link href={`/t/${ctx.tenantId}/rotation`}>{t('nav.rotation')}</Link>
                <Link href={`/t/${ctx.tenantId}/audit`}>{t('nav.audit')}</Link>
                {nav?.sessions && <Link href="/platform/sessions">{t('nav.endSessions')}</Link>}
              </>
            ) : (
              <>
                <Link href={`/t/${ctx.tenantId}`}>{t('nav.myTenant')}</Link>
                {nav?.security && (
                  <>
                    <Link href={`/t/${ctx.tenantId}/rotation`}>{t('nav.rotation')}</Link>
                    <Link href={`/t/${ctx.tenantId}/ip-allowlist`}>{t('nav.ipAllowlist')}</Link>
                    <Link href={`/t/${ctx.tenantId}/audit`}>{t('nav.audit')}</Link>
                    <Link href={`/t/${ctx.tenantId}/security`}>{t('nav.security')}</Link>
                  </>
                )}
              </>
            )}
            <Link href="/account/sessions">{t('nav.sessions')}</Link>
            <Link href="/account/password">{t('nav.password')}</Link>
            <Link href="/account/mfa">{t('nav.mfa')}</Link>
          </nav>
        )}
        <div className="ml-auto flex items-center gap-3 text-sm">
          <form action={setLocaleAction} className="flex items-center gap-1" aria-label={t('nav.language')}>
            {(['ja', 'en'] as const).map((l) => (
              <button
                key={l}
                name="locale"
                value={l}
                aria-pressed={locale === l}
                className={`rounded px-2 py-1 ${locale === l ? 'bg-slate-800 text-white' : 'text-slate-600 hover:bg-slate-100'}`}
              >
                {l === 'ja' ? '日本語' : 'English'}
              </button>
            ))}
          </form>
          {ctx && (
            <form action={logoutAction}>
              <button className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100">
                {t('nav.logout')}
              </button>
            </form>
          )}
        </div>
      </div>
      {ctx?.mfaEnrollBy && (
        <div role="status" className="border-t border-amber-300 bg-amber-50" data-testid="mfa-grace-banner">
          <p className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 text-sm text-amber-900">
            <span>{t('mfaGrace.text', { deadline: formatJst(ctx.mfaEnrollBy, locale as Locale) })}</span>
            <Link href="/account/mfa" className="font-medium underline">
              {t('mfaGrace.link')}
            </Link>
          </p>
        </div>
      )}
    </header>
  );
}
