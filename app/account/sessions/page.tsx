import { getLocale, getTranslations } from 'next-intl/server';
import { requireAccess } from '@/lib/auth/guard';
import { listOwnSessions } from '@/lib/auth/list-own-sessions';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { RevokeButton } from './revoke-button';

export default async function SessionsPage() {
  const ctx = await requireAccess('app/account/sessions/page.tsx');
  const [t, locale, rows] = await Promise.all([
    getTranslations('sessions'),
    getLocale() as Promise<Locale>,
    listOwnSessions(ctx),
  ]);
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
                <td className="max-w-xs truncate px-3 py-2" title={s.userAgent ?? ''}>
                  {s.userAgent}
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
          </tbody>
        </table>
      </div>
    </div>
  );
}
