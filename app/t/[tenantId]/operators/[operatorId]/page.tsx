import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { rolesFor } from '@/app/components/roles';
import { alsoOn, onPlatform, requireAccess } from '@/lib/auth/guard';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { getOperator } from '@/lib/tenancy/list-operators';
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
  const [t, locale] = await Promise.all([getTranslations(), getLocale() as Promise<Locale>]);
  const self = op.id === ctx.operatorId;
  const card = 'rounded-lg border border-slate-200 bg-white p-4';
  return (
    <div className="space-y-6">
      <Link href={`/t/${tenantId}`} className="text-sm text-brand-600">
        ← {t('admin.back')}
      </Link>
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
            <h2 className="mb-2 font-medium">{t('admin.roleAndStatus')}</h2>
            <RoleForm
              tenantId={tenantId}
              operatorId={op.id}
              role={op.role}
              roles={rolesFor(tenantId).map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            />
            <div className="mt-4">
              <StatusForm tenantId={tenantId} operatorId={op.id} status={op.status} />
            </div>
          </section>
        )}
        {!self && (
          <section className={card}>
            <h2 className="mb-2 font-medium">{t('admin.credentials')}</h2>
            <div className="space-y-3">
              <UnlockForm tenantId={tenantId} operatorId={op.id} />
              <ResetPasswordForm tenantId={tenantId} operatorId={op.id} />
              <ForceChangeForm tenantId={tenantId} operatorId={op.id} />
              <ResetMfaForm tenantId={tenantId} operatorId={op.id} />
            </div>
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
        {alsoOn(ctx, 'sessions.manage') && (
          <section className={card}>
            <h2 className="mb-2 font-medium">{t('admin.endOperatorSessions')}</h2>
            <EndSessionsForm tenantId={tenantId} operatorId={op.id} />
          </section>
        )}
      </div>
    </div>
  );
}
