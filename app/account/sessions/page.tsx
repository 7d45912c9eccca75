import { getLocale, getTranslations } from 'next-intl/server';
import { requireAccess } from '@/lib/auth/guard';
import { listOwnSessions } from '@/lib/auth/list-own-sessions';
import { describeUserAgent } from '@/lib/i18n/describe-user-agent';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { RevokeButton } from './revoke-button';

export default async function SessionsPage() {
  const ctx = await requireAccess('app/account/sessions/page.tsx');
  const [t, locale, rows] = await Promise.all([
    getTranslations('sessions'),
    getLocale() as Promise<Locale>,
    listOwnSessions(ctx),
  ]);
  const browserLabel = (userAgent: string | null) => {
    const ua = describeUserAgent(userAgent);
    if (!ua) return t('unknownBrowser');
    return ua.os ? t('browserOn', { browser: ua.browser, os: ua.os }) : ua.browser;
  };
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <p className="text-sm text-slate-600">{t('intro')}</p>
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">{t('ip')}</th>
              <th className="px-3 py-2">{t('browser')}</th>
              <th className="px-3 py-2">{t('started')}</th>
              <th className="px-3 py-2">{t('lastSeen')}</th>
              <th className="px-3 py-2" />
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr
                key={s.id}
                className="border-t border-slate-100"
                data-testid="session-row"
                data-current={s.id === ctx.sessionId}
              >
                <td className="px-3 py-2 font-mono">{s.ip}</td>
                <td className="max-w-xs truncate px-3 py-2" title={s.userAgent ?? undefined}>
                  {browserLabel(s.userAgent)}
                </td>
                <td className="px-3 py-2">{formatJst(s.createdAt, locale)}</td>
                <td className="px-3 py-2">{formatJst(s.lastSeenAt, locale)}</td>
                <td className="px-3 py-2 text-right">
                  {s.id === ctx.sessionId ? (
                    <span className="text-xs text-slate-500">{t('current')}</span>
                  ) : (
                    <RevokeButton sessionId={s.id} />
                  )}
                </td>
              </tr>
            ))}
            {rows.every((s) => s.id === ctx.sessionId) && (
              <tr className="border-t border-slate-100">
                <td colSpan={5} className="px-3 py-4 text-center text-slate-500">
                  {t('none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
