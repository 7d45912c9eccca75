import { getLocale, getTranslations } from 'next-intl/server';
import { listApiTokens } from '@/lib/api/list-api-tokens';
import { ACCESS } from '@/lib/auth/access-table';
import { PLATFORM_SCOPES, PLATFORM_TENANT_ID, type ApiScope } from '@/db/schema';
import { requireAccess } from '@/lib/auth/guard';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { CreateTokenForm, RevokeTokenForm } from './forms';

/** The scopes some route needs: what a token can be given today (platform scopes on the platform only). */
const routeScopes = [
  ...new Set(Object.values(ACCESS).flatMap((rule) => (rule.who === 'token' ? [rule.scope as ApiScope] : []))),
].sort();
const scopesFor = (tenantId: string) =>
  routeScopes.filter((s) => tenantId === PLATFORM_TENANT_ID || !PLATFORM_SCOPES.includes(s));

export default async function ApiTokensPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/api-tokens/page.tsx', { tenantId });
  const [t, locale, tokens] = await Promise.all([
    getTranslations('apiTokens'),
    getLocale() as Promise<Locale>,
    listApiTokens(ctx),
  ]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <p className="max-w-3xl text-sm text-slate-600">
        {t(tenantId === PLATFORM_TENANT_ID ? 'introPlatform' : 'intro')}{' '}
        <a className="text-brand-600 underline" href="/api/v1/openapi.json">
          OpenAPI
        </a>
      </p>
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">{t('name')}</th>
              <th className="px-3 py-2">{t('scope')}</th>
              <th className="px-3 py-2">{t('networksColumn')}</th>
              <th className="px-3 py-2">{t('expires')}</th>
              <th className="px-3 py-2">{t('lastUsed')}</th>
              <th className="px-3 py-2" />
            </tr>
          </thead>
          <tbody>
            {tokens.map((k) => (
              <tr key={k.id} className="border-t border-slate-100" data-testid="token-row">
                <td className="px-3 py-2">
                  {k.name} <span className="text-xs text-slate-500">({k.createdByLoginId})</span>
                </td>
                <td className="px-3 py-2 font-mono">{k.scopes.join(' ')}</td>
                <td className="px-3 py-2 font-mono">
                  {k.allowedCidrs.length ? k.allowedCidrs.join(' ') : t('anyNetwork')}
                </td>
                <td className="px-3 py-2">{formatJst(k.expiresAt, locale)}</td>
                <td className="px-3 py-2">
                  {formatJst(k.lastUsedAt, locale)} {k.lastUsedIp}
                </td>
                <td className="px-3 py-2">
                  {k.revokedAt ? t('revoked') : <RevokeTokenForm tenantId={tenantId} tokenId={k.id} />}
                </td>
              </tr>
            ))}
            {tokens.length === 0 && (
              <tr>
                <td colSpan={6} className="px-3 py-4 text-center text-slate-500">
                  {t('none')}{' '}
                  <a className="text-brand-600 underline" href="#new-token">
                    {t('createFirst')}
                  </a>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <section className="max-w-md rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-medium" id="new-token">
          {t('createTitle')}
        </h2>
        <CreateTokenForm tenantId={tenantId} scopes={scopesFor(tenantId)} />
      </section>
    </div>
  );
}
