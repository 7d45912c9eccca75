import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { rolesFor } from '@/app/components/roles';
import { alsoOn, onPlatform, requireAccess } from '@/lib/auth/guard';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { getOperator } from '@/lib/tenancy/list-operators';
import { getTenantOverview } from '@/lib/tenancy/get-tenant-overview';
import { Breadcrumbs } from '@/app/components/breadcrumbs';
import { companyTrail } from '@/app/components/company-trail';
import { uuidSchema } from '@/lib/http/input-schemas';
import { BreakGlassForm } from '../../ip-allowlist/forms';
import {
  EditOperatorForm,
  EndSessionsForm,
  ForceChangeForm,
  ResetMfaForm,
  ResetPasswordForm,
  RoleForm,
  StatusForm,
  UnlockForm,
} from '../../forms';

export default async function OperatorPage({ params }: { params: Promise<{ tenantId: string; operatorId: string }> }) {
  const { tenantId, operatorId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/operators/[operatorId]/page.tsx', { tenantId });
  if (!uuidSchema.safeParse(operatorId).success) notFound();
  const op = await getOperator(ctx, operatorId);
  if (!op) notFound();
  const [t, locale, overview] = await Promise.all([
    getTranslations(),
    getLocale() as Promise<Locale>,
    getTenantOverview(ctx),
  ]);
  if (!overview) notFound();
  const self = op.id === ctx.operatorId;
  const card = 'rounded-lg border border-slate-200 bg-white p-4';
  const subject = { tenantId, operatorId: op.id, name: op.displayName };
  const row = (title: string, help: string, action: React.ReactNode) => (
    <li className="flex flex-col gap-2 py-3 sm:flex-row sm:items-start sm:justify-between sm:gap-6">
      <div className="text-sm">
        <h3 className="font-medium">{title}</h3>
        <p className="text-slate-600">{help}</p>
      </div>
      <div className="shrink-0 sm:max-w-xs">{action}</div>
    </li>
  );
  return (
    <div className="space-y-6">
      <Breadcrumbs trail={[...companyTrail(ctx, overview.tenant, t), { label: op.displayName }]} />
      <div>
        <h1 className="text-2xl font-semibold" data-testid="operator-title">
          {op.displayName} <span className="font-mono text-base text-slate-500">{op.loginId}</span>
        </h1>
        <p className="mt-1 text-sm text-slate-600" data-testid="operator-state">
          {t(`roles.${op.role}`)} · {t(`status.${op.status}`)}
          {op.lockedAt && ` · ${t('admin.locked')}`}
          {op.failedLoginCount > 0 && ` · ${t('admin.failedLogins', { count: op.failedLoginCount })}`}
          {op.mustChangePassword && ` · ${t('admin.mustChange')}`}
          {' · '}
          {t('tenant.lastLogin')} {formatJst(op.lastLoginAt, locale)} {op.lastLoginIp}
        </p>
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <section className={card}>
          <h2 className="mb-2 font-medium">{t('admin.profile')}</h2>
          <EditOperatorForm tenantId={tenantId} operatorId={op.id} displayName={op.displayName} email={op.email} />
        </section>
        {!self && (
          <section className={card}>
            <h2 className="mb-2 font-medium">{t('admin.role')}</h2>
            <RoleForm
              tenantId={tenantId}
              operatorId={op.id}
              role={op.role}
              roles={rolesFor(tenantId).map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            />
          </section>
        )}
        {!self && (
          <section className={`${card} md:col-span-2`} aria-labelledby="credentials-title">
            <h2 id="credentials-title" className="font-medium">
              {t('admin.credentials')}
            </h2>
            {/* One row per action: what it does, then its button; the reason is asked in its dialog. */}
            <ul className="divide-y divide-slate-100" data-testid="operator-actions">
              {(op.failedLoginCount > 0 || op.lockedAt) &&
                row(
                  t('admin.rows.unlock'),
                  t('admin.rows.unlockHelp', { count: op.failedLoginCount }),
                  <UnlockForm {...subject} failedLogins={op.failedLoginCount} />,
                )}
              {row(
                t('admin.rows.resetPassword'),
                t('admin.rows.resetPasswordHelp'),
                <ResetPasswordForm {...subject} />,
              )}
              {row(t('admin.rows.forceChange'), t('admin.rows.forceChangeHelp'), <ForceChangeForm {...subject} />)}
              {row(
                t('admin.rows.resetMfa'),
                t('admin.rows.resetMfaHelp'),
                <ResetMfaForm {...subject} liveSessions={op.liveSessions} />,
              )}
              {alsoOn(ctx, 'sessions.manage') &&
                row(
                  t('admin.rows.endSessions'),
                  t('admin.rows.endSessionsHelp', { count: op.liveSessions }),
                  <EndSessionsForm {...subject} liveSessions={op.liveSessions} />,
                )}
              {row(
                op.status === 'active' ? t('admin.rows.disable') : t('admin.rows.enable'),
                op.status === 'active' ? t('admin.rows.disableHelp') : t('admin.rows.enableHelp'),
                <StatusForm {...subject} status={op.status} liveSessions={op.liveSessions} />,
              )}
            </ul>
          </section>
        )}
        {alsoOn(ctx, 'security.write') && (
          <section className={card}>
            <h2 className="mb-2 font-medium">{t('admin.ipAllowlist')}</h2>
            <Link
              className="text-sm text-brand-600 hover:underline"
              href={`/t/${tenantId}/ip-allowlist?operator=${op.id}`}
            >
              {t('nav.ipAllowlist')} →
            </Link>
            {onPlatform(ctx, 'security.write') && (
              <div className="mt-4">
                <h3 className="mb-2 text-sm font-medium">{t('admin.breakGlass')}</h3>
                <BreakGlassForm tenantId={tenantId} operatorId={op.id} />
              </div>
            )}
          </section>
        )}
      </div>
    </div>
  );
}
