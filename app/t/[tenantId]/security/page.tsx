import { getTranslations } from 'next-intl/server';
import { getAlertWebhook } from '@/lib/alerts/webhooks';
import { requireAccess } from '@/lib/auth/guard';
import { getLocale } from 'next-intl/server';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { getTotpPolicy } from '@/lib/mfa/manage-mfa';
import { getPasswordSettings } from '@/lib/passwords/update-password-settings';
import { now } from '@/lib/clock';
import { NEW_TENANT_TOTP_GRACE_DAYS } from '@/lib/tenancy/manage-tenant';
import { PasswordSettingsForm, TotpPolicyForm } from './password-settings-form';
import { listSupportGrants, listSupportStaff } from '@/lib/support/list-support-grants';
import { GrantSupportForm, RevokeSupportForm } from './support-access-form';
import { WebhookForm } from './webhook-form';
import { DormancyForm } from './dormancy-form';
import { getDormancyPeriod } from '@/lib/tenancy/set-dormancy-period';

export default async function SecurityPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/security/page.tsx', { tenantId });
  const [t, w, s, settings, totp, locale, webhook, grants, staff, dormancy] = await Promise.all([
    getTranslations('security'),
    getTranslations('webhook'),
    getTranslations('support'),
    getPasswordSettings(ctx),
    getTotpPolicy(ctx),
    getLocale() as Promise<Locale>,
    getAlertWebhook(ctx),
    listSupportGrants(ctx),
    listSupportStaff(ctx),
    getDormancyPeriod(ctx),
  ]);
  return (
    <div className="max-w-lg space-y-4">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <p className="text-sm text-slate-600">{t('intro')}</p>
      <PasswordSettingsForm
        tenantId={tenantId}
        minLength={settings.minLength}
        maxAgeDays={settings.maxAgeDays}
        etag={settings.etag}
      />
      <h2 className="pt-4 text-lg font-medium">{t('totpTitle')}</h2>
      <TotpPolicyForm
        tenantId={tenantId}
        etag={totp.etag}
        required={totp.required}
        graceUntil={totp.graceUntil ? formatJst(totp.graceUntil, locale) : null}
        graceDaysLeft={
          totp.required && totp.graceUntil
            ? Math.max(0, Math.ceil((totp.graceUntil.getTime() - now().getTime()) / 86_400_000))
            : NEW_TENANT_TOTP_GRACE_DAYS
        }
      />
      <h2 className="pt-4 text-lg font-medium">{t('dormancyTitle')}</h2>
      <DormancyForm tenantId={tenantId} days={dormancy} />
      <h2 className="pt-4 text-lg font-medium">{w('title')}</h2>
      <p className="text-sm text-slate-600">{w('intro')}</p>
      <WebhookForm tenantId={tenantId} url={webhook.url} />
      {webhook.deliveries.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="webhook-no-deliveries">
          {webhook.url ? w('noDeliveries') : w('noWebhook')}
        </p>
      ) : (
        <div className="overflow-x-auto" tabIndex={0}>
          <table className="w-full text-sm" data-testid="webhook-deliveries">
            <thead className="text-left text-slate-500">
              <tr>
                <th className="py-1">{w('when')}</th>
                <th className="py-1">{w('alert')}</th>
                <th className="py-1">{w('status')}</th>
              </tr>
            </thead>
            <tbody>
              {webhook.deliveries.map((d) => (
                <tr key={d.id} className="border-t border-slate-100">
                  <td className="py-1">{formatJst(d.createdAt, locale)}</td>
                  <td className="py-1 font-mono text-xs">{d.rule}</td>
                  <td className={`py-1 ${d.status === 'delivered' ? 'text-green-700' : 'text-red-700'}`}>
                    {w(`statuses.${d.status}`, { attempts: d.attempts })}
                    {d.lastError && (
                      <span className="block text-xs">
                        {w.has(`errors.${d.lastError}`)
                          ? w(`errors.${d.lastError}`, { status: d.lastStatus ?? '' })
                          : w('errors.unreachable')}
                        {d.status === 'pending' && ` · ${w('nextAttempt', { at: formatJst(d.nextAttemptAt, locale) })}`}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 className="pt-4 text-lg font-medium" id="support-access">
        {s('title')}
      </h2>
      <p className="text-sm text-slate-600">{s('intro')}</p>
      <GrantSupportForm tenantId={tenantId} staff={staff} />
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full text-sm" data-testid="support-grants">
          <caption className="sr-only">{s('listTitle')}</caption>
          <thead className="text-left text-slate-500">
            <tr>
              <th className="py-1">{s('grantee')}</th>
              <th className="py-1">{s('scopes')}</th>
              <th className="py-1">{s('until')}</th>
              <th className="py-1">{s('uses')}</th>
              <th className="py-1" />
            </tr>
          </thead>
          <tbody>
            {grants.map((g) => (
              <tr key={g.id} className="border-t border-slate-100 align-top" data-testid="support-grant-row">
                <td className="py-1">
                  {g.granteeLoginId ?? s('team')}
                  <span className="block text-xs text-slate-500">
                    {s('grantedBy', { login: g.createdByLoginId, reason: g.reason })}
                  </span>
                </td>
                <td className="py-1">{g.scopes.map((x) => s(`scope.${x}`)).join(s('separator'))}</td>
                <td className="py-1">
                  {formatJst(g.expiresAt, locale)}
                  <span className="block text-xs text-slate-500">
                    {g.active
                      ? s('active')
                      : g.revokedAt
                        ? s('revokedBy', { login: g.revokedByLoginId ?? '' })
                        : s('expired')}
                  </span>
                </td>
                <td className="py-1">
                  {g.useCount}
                  {g.lastUsedAt && (
                    <span className="block text-xs text-slate-500">
                      {s('lastUse', { at: formatJst(g.lastUsedAt, locale), login: g.lastUsedByLoginId ?? '' })}
                    </span>
                  )}
                </td>
                <td className="py-1">{g.active && <RevokeSupportForm tenantId={tenantId} grantId={g.id} />}</td>
              </tr>
            ))}
            {grants.length === 0 && (
              <tr>
                <td colSpan={5} className="py-2 text-slate-500">
                  {s('none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
