'use client';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden, Select } from '@/app/components/action-form';
import { ConfirmAction } from '@/app/components/confirm-action';
import {
  addSiteAction,
  changeOperatorRoleAction,
  closeSiteAction,
  createOperatorAction,
  endOperatorSessionsAction,
  endSessionAction,
  endTenantSessionsAction,
  forcePasswordChangeAction,
  resetMfaAction,
  renameSiteAction,
  resetOperatorPasswordAction,
  setOperatorStatusAction,
  setTenantStatusAction,
  unlockOperatorAction,
  updateOperatorAction,
  updateTenantAction,
} from './actions';

type Roles = { value: string; label: string }[];

function OneTimeSecret({ label, value }: { label: string; value: string }) {
  const t = useTranslations('admin');
  return (
    <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
      <div className="font-medium">{label}</div>
      <code className="mt-1 block text-lg" data-testid="temporary-password">
        {value}
      </code>
      <div className="mt-1 text-xs text-amber-900">{t('shownOnce')}</div>
    </div>
  );
}

/** Roles are listed lowest first; a new account starts on the first, and a higher one is a visible choice. */
export function CreateOperatorForm({
  tenantId,
  loginIdPrefix,
  roles,
}: {
  tenantId: string;
  /** The tenant's code and a dot, with which every login ID of the tenant starts. */
  loginIdPrefix: string;
  roles: Roles;
}) {
  const t = useTranslations('admin');
  const tr = useTranslations('roles');
  const [role, setRole] = useState(roles[0]?.value);
  return (
    <ActionForm
      action={createOperatorAction}
      submit={t('createOperator')}
      testId="create-operator"
      success={(s) => (
        <OneTimeSecret
          label={t('createdWithPassword', { loginId: String(s.data?.loginId), role: tr(String(s.data?.role)) })}
          value={String(s.data?.temporaryPassword)}
        />
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Field name="loginId" label={t('loginId')} defaultValue={loginIdPrefix} required autoComplete="off" />
      <p className="-mt-2 text-xs text-slate-600" data-testid="login-id-hint">
        {t('loginIdHint', { prefix: loginIdPrefix })}
      </p>
      <Field name="displayName" label={t('displayName')} required />
      <Field name="email" label={t('email')} type="email" />
      <Select name="role" label={t('role')} options={roles} defaultValue={roles[0]?.value} onChange={setRole} />
      {role !== roles[0]?.value && (
        <p
          className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900"
          data-testid="elevated-role"
        >
          {t('elevatedRole', {
            role: roles.find((r) => r.value === role)?.label ?? role,
            powers: t.has(`rolePowers.${role}`) ? t(`rolePowers.${role}`) : '',
          })}
        </p>
      )}
    </ActionForm>
  );
}

export function EditOperatorForm({
  tenantId,
  operatorId,
  displayName,
  email,
}: {
  tenantId: string;
  operatorId: string;
  displayName: string;
  email: string | null;
}) {
  const t = useTranslations('admin');
  return (
    <ActionForm
      action={updateOperatorAction}
      submit={t('save')}
      success={() => <p className="text-sm text-green-700">{t('saved')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="operatorId" value={operatorId} />
      <Field name="displayName" label={t('displayName')} defaultValue={displayName} required />
      <Field name="email" label={t('email')} type="email" defaultValue={email} />
    </ActionForm>
  );
}

export function RoleForm({
  tenantId,
  operatorId,
  role,
  roles,
}: {
  tenantId: string;
  operatorId: string;
  role: string;
  roles: Roles;
}) {
  const t = useTranslations('admin');
  return (
    <ActionForm
      action={changeOperatorRoleAction}
      submit={t('changeRole')}
      tone="plain"
      testId="role-form"
      success={() => <p className="text-sm text-green-700">{t('saved')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="operatorId" value={operatorId} />
      <Select name="role" label={t('role')} options={roles} defaultValue={role} />
    </ActionForm>
  );
}

/** Whom a dialog's effect sentence names. */
type Subject = { tenantId: string; operatorId: string; name: string };

export function StatusForm({
  tenantId,
  operatorId,
  name,
  status,
  liveSessions,
}: Subject & {
  status: 'active' | 'disabled';
  liveSessions: number;
}) {
  const t = useTranslations('admin');
  const disabling = status === 'active';
  return (
    <ConfirmAction
      action={setOperatorStatusAction}
      label={disabling ? t('disable') : t('enable')}
      title={disabling ? t('confirmDisable.title', { name }) : t('confirmEnable.title', { name })}
      effect={
        disabling ? t('confirmDisable.effect', { name, count: liveSessions }) : t('confirmEnable.effect', { name })
      }
      tone={disabling ? 'danger' : 'plain'}
      testId="status-form"
      // The page re-renders with the new status before this shows: judge by what was done.
      success={(s) =>
        s.data?.status === 'disabled' ? (
          <p className="text-sm text-green-700">{t('sessionsEnded', { count: Number(s.data?.sessionsEnded ?? 0) })}</p>
        ) : (
          <p className="text-sm text-green-700">{t('enabled')}</p>
        )
      }
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="operatorId" value={operatorId} />
      <Hidden name="status" value={disabling ? 'disabled' : 'active'} />
    </ConfirmAction>
  );
}

export function UnlockForm({ tenantId, operatorId, name, failedLogins }: Subject & { failedLogins: number }) {
  const t = useTranslations('admin');
  return (
    <ConfirmAction
      action={unlockOperatorAction}
      label={t('unlock')}
      title={t('confirmUnlock.title', { name })}
      effect={t('confirmUnlock.effect', { name, count: failedLogins })}
      tone="plain"
      testId="unlock"
      success={() => <p className="text-sm text-green-700">{t('unlocked')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="operatorId" value={operatorId} />
    </ConfirmAction>
  );
}

export function ResetPasswordForm({ tenantId, operatorId, name }: Subject) {
  const t = useTranslations('admin');
  return (
    <ConfirmAction
      action={resetOperatorPasswordAction}
      label={t('resetPassword')}
      title={t('confirmResetPassword.title', { name })}
      effect={t('confirmResetPassword.effect', { name })}
      tone="plain"
      testId="reset-password"
      success={(s) => <OneTimeSecret label={t('newTemporaryPassword')} value={String(s.data?.temporaryPassword)} />}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="operatorId" value={operatorId} />
    </ConfirmAction>
  );
}

/** Ends one session, found by a pivot on its events. */
export function EndSessionForm({
  tenantId,
  sessionId,
  loginId,
}: {
  tenantId: string;
  sessionId: string;
  loginId: string;
}) {
  const t = useTranslations('admin');
  return (
    <ConfirmAction
      action={endSessionAction}
      label={t('endSession')}
      title={t('endSessionTitle', { loginId })}
      effect={t('endSessionEffect', { loginId })}
      testId="end-session"
      success={() => (
        <p className="text-sm text-green-700" data-testid="session-ended">
          {t('sessionEnded')}
        </p>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="sessionId" value={sessionId} />
    </ConfirmAction>
  );
}

/** Ends one operator's sessions, or (without an operator) every session of the company but the caller's. */
export function EndSessionsForm({
  tenantId,
  operatorId,
  name,
  liveSessions,
}: {
  tenantId: string;
  operatorId?: string;
  /** The operator's or the company's name. */
  name: string;
  liveSessions: number;
}) {
  const t = useTranslations('admin');
  return (
    <ConfirmAction
      action={operatorId ? endOperatorSessionsAction : endTenantSessionsAction}
      label={operatorId ? t('endOperatorSessions') : t('endTenantSessions')}
      title={operatorId ? t('endOperatorSessions') : t('endTenantSessions')}
      effect={
        operatorId
          ? t('confirmEndSessions.operator', { name, count: liveSessions })
          : t('confirmEndSessions.tenant', { name, count: liveSessions })
      }
      confirm={t('confirmEndSessions.submit', { count: liveSessions })}
      testId="end-sessions"
      success={(s) => (
        <p className="text-sm text-green-700" data-testid="sessions-ended">
          {t('sessionsEnded', { count: Number(s.data?.count ?? 0) })}
        </p>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      {operatorId && <Hidden name="operatorId" value={operatorId} />}
    </ConfirmAction>
  );
}

export function EditTenantForm({
  tenantId,
  name,
  contactEmail,
}: {
  tenantId: string;
  name: string;
  contactEmail: string | null;
}) {
  const t = useTranslations('admin');
  return (
    <ActionForm
      action={updateTenantAction}
      submit={t('save')}
      success={() => <p className="text-sm text-green-700">{t('saved')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Field name="name" label={t('tenantName')} defaultValue={name} required />
      <Field name="contactEmail" label={t('contactEmail')} type="email" defaultValue={contactEmail} />
    </ActionForm>
  );
}

export function TenantStatusForm({
  tenantId,
  name,
  status,
  liveSessions,
}: {
  tenantId: string;
  name: string;
  status: 'active' | 'suspended';
  liveSessions: number;
}) {
  const t = useTranslations('admin');
  const suspending = status === 'active';
  return (
    <ConfirmAction
      action={setTenantStatusAction}
      label={suspending ? t('suspend') : t('reactivate')}
      title={suspending ? t('confirmSuspend.title', { name }) : t('confirmReactivate.title', { name })}
      effect={
        suspending ? t('confirmSuspend.effect', { name, count: liveSessions }) : t('confirmReactivate.effect', { name })
      }
      tone={suspending ? 'danger' : 'plain'}
      testId="tenant-status-form"
      success={(s) => (
        <p className="text-sm text-green-700">{t('sessionsEnded', { count: Number(s.data?.sessionsEnded ?? 0) })}</p>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="status" value={suspending ? 'suspended' : 'active'} />
    </ConfirmAction>
  );
}

export function AddSiteForm({ tenantId }: { tenantId: string }) {
  const t = useTranslations('admin');
  return (
    <ActionForm
      action={addSiteAction}
      submit={t('addSite')}
      tone="plain"
      resetOnSuccess
      className="grid gap-2 sm:grid-cols-4 sm:items-end"
    >
      <Hidden name="tenantId" value={tenantId} />
      <Field name="code" label={t('siteCode')} required />
      <Field name="name" label={t('siteName')} required />
      <Field name="domain" label={t('domain')} />
    </ActionForm>
  );
}

export function SiteActions({ tenantId, siteId, name }: { tenantId: string; siteId: string; name: string }) {
  const t = useTranslations('admin');
  return (
    <div className="mt-2 flex flex-wrap items-end gap-2">
      <ActionForm action={renameSiteAction} submit={t('rename')} tone="plain" className="flex items-end gap-2">
        <Hidden name="tenantId" value={tenantId} />
        <Hidden name="siteId" value={siteId} />
        <Field name="name" label={t('siteName')} defaultValue={name} required />
      </ActionForm>
      <ConfirmAction
        action={closeSiteAction}
        label={t('closeSite')}
        title={t('confirmCloseSite.title', { name })}
        effect={t('confirmCloseSite.effect', { name })}
        testId="close-site"
      >
        <Hidden name="tenantId" value={tenantId} />
        <Hidden name="siteId" value={siteId} />
      </ConfirmAction>
    </div>
  );
}

export function ForceChangeForm({ tenantId, operatorId, name }: Subject) {
  const t = useTranslations('admin');
  return (
    <ConfirmAction
      action={forcePasswordChangeAction}
      label={t('forceChange')}
      title={t('confirmForceChange.title', { name })}
      effect={t('confirmForceChange.effect', { name })}
      tone="plain"
      testId="force-change"
      success={() => <p className="text-sm text-green-700">{t('forced')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="operatorId" value={operatorId} />
    </ConfirmAction>
  );
}

export function ResetMfaForm({ tenantId, operatorId, name, liveSessions }: Subject & { liveSessions: number }) {
  const t = useTranslations('admin');
  return (
    <ConfirmAction
      action={resetMfaAction}
      label={t('resetMfa')}
      title={t('confirmResetMfa.title', { name })}
      effect={t('confirmResetMfa.effect', { name, count: liveSessions })}
      testId="reset-mfa"
      success={(s) => (
        <p className="text-sm text-green-700">{t('mfaReset', { count: Number(s.data?.sessionsEnded ?? 0) })}</p>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="operatorId" value={operatorId} />
    </ConfirmAction>
  );
}
