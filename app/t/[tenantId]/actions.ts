'use server';
import { revalidatePath } from 'next/cache';
import { endOperatorSessions, endTenantSessions, bulkRevokeInput } from '@/lib/auth/revoke-sessions-bulk';
import { withAction } from '@/lib/auth/with-action';
import { endSession, endSessionInput } from '@/lib/sessions/end-session';
import { z } from '@/lib/http/zod-messages';
import { resetMfaInput, resetOperatorMfa } from '@/lib/mfa/manage-mfa';
import { forcePasswordChange, forcePasswordChangeInput } from '@/lib/tenancy/force-password-change';
import { createOperator, createOperatorInput } from '@/lib/tenancy/create-operator';
import { addSite, addSiteInput, closeSite, renameSite, renameSiteInput } from '@/lib/tenancy/manage-sites';
import { setTenantStatus, setTenantStatusInput, updateTenant, updateTenantInput } from '@/lib/tenancy/manage-tenant';
import { reasonInput, uuidSchema } from '@/lib/http/input-schemas';
import {
  changeOperatorRole,
  changeOperatorRoleInput,
  resetOperatorPassword,
  setOperatorStatus,
  setOperatorStatusInput,
  unlockOperator,
  updateOperator,
  updateOperatorInput,
} from '@/lib/tenancy/update-operator';

const inTenant = z.object({ tenantId: uuidSchema });
const onOperator = inTenant.extend({ operatorId: uuidSchema });
const onSite = inTenant.extend({ siteId: uuidSchema });
const refresh = (tenantId: string, operatorId?: string) => {
  revalidatePath(`/t/${tenantId}`);
  if (operatorId) revalidatePath(`/t/${tenantId}/operators/${operatorId}`);
};

export const createOperatorAction = withAction(
  'app/t/[tenantId]/actions.ts createOperatorAction',
  inTenant.extend(createOperatorInput.shape),
  async (ctx, { tenantId, ...input }) => {
    const created = await createOperator(ctx, input);
    refresh(tenantId);
    return { ok: true, data: created };
  },
);

export const updateOperatorAction = withAction(
  'app/t/[tenantId]/actions.ts updateOperatorAction',
  onOperator.extend(updateOperatorInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    await updateOperator(ctx, operatorId, input);
    refresh(tenantId, operatorId);
    return { ok: true };
  },
);

export const setOperatorStatusAction = withAction(
  'app/t/[tenantId]/actions.ts setOperatorStatusAction',
  onOperator.extend(setOperatorStatusInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    const r = await setOperatorStatus(ctx, operatorId, input);
    refresh(tenantId, operatorId);
    return { ok: true, data: { ...r, status: input.status } };
  },
);

export const changeOperatorRoleAction = withAction(
  'app/t/[tenantId]/actions.ts changeOperatorRoleAction',
  onOperator.extend(changeOperatorRoleInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    await changeOperatorRole(ctx, operatorId, input);
    refresh(tenantId, operatorId);
    return { ok: true };
  },
);

export const forcePasswordChangeAction = withAction(
  'app/t/[tenantId]/actions.ts forcePasswordChangeAction',
  onOperator.extend(forcePasswordChangeInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    await forcePasswordChange(ctx, operatorId, input);
    refresh(tenantId, operatorId);
    return { ok: true };
  },
);

export const resetMfaAction = withAction(
  'app/t/[tenantId]/actions.ts resetMfaAction',
  onOperator.extend(resetMfaInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    const r = await resetOperatorMfa(ctx, operatorId, input);
    refresh(tenantId, operatorId);
    return { ok: true, data: r };
  },
);

export const unlockOperatorAction = withAction(
  'app/t/[tenantId]/actions.ts unlockOperatorAction',
  onOperator.extend(reasonInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    await unlockOperator(ctx, operatorId, input);
    refresh(tenantId, operatorId);
    return { ok: true };
  },
);

export const resetOperatorPasswordAction = withAction(
  'app/t/[tenantId]/actions.ts resetOperatorPasswordAction',
  onOperator.extend(reasonInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    const r = await resetOperatorPassword(ctx, operatorId, input);
    refresh(tenantId, operatorId);
    return { ok: true, data: r };
  },
);

export const endOperatorSessionsAction = withAction(
  'app/t/[tenantId]/actions.ts endOperatorSessionsAction',
  onOperator.extend(bulkRevokeInput.shape),
  async (ctx, { tenantId, operatorId, reason }) => {
    const r = await endOperatorSessions(ctx, operatorId, reason);
    refresh(tenantId, operatorId);
    return { ok: true, data: r };
  },
);

/** One session, from a pivot on its events. */
export const endSessionAction = withAction(
  'app/t/[tenantId]/actions.ts endSessionAction',
  inTenant.extend(endSessionInput.shape),
  async (ctx, { tenantId, ...input }) => {
    await endSession(ctx, input);
    revalidatePath(`/t/${tenantId}/audit`);
    return { ok: true };
  },
);

export const endTenantSessionsAction = withAction(
  'app/t/[tenantId]/actions.ts endTenantSessionsAction',
  inTenant.extend(bulkRevokeInput.shape),
  async (ctx, { tenantId, reason }) => {
    const r = await endTenantSessions(ctx, reason);
    refresh(tenantId);
    return { ok: true, data: r };
  },
);

export const updateTenantAction = withAction(
  'app/t/[tenantId]/actions.ts updateTenantAction',
  inTenant.extend(updateTenantInput.shape),
  async (ctx, { tenantId, ...input }) => {
    await updateTenant(ctx, input);
    refresh(tenantId);
    return { ok: true };
  },
);

export const setTenantStatusAction = withAction(
  'app/t/[tenantId]/actions.ts setTenantStatusAction',
  inTenant.extend(setTenantStatusInput.shape),
  async (ctx, { tenantId, ...input }) => {
    const r = await setTenantStatus(ctx, input);
    refresh(tenantId);
    return { ok: true, data: r };
  },
);

export const addSiteAction = withAction(
  'app/t/[tenantId]/actions.ts addSiteAction',
  inTenant.extend(addSiteInput.shape),
  async (ctx, { tenantId, ...input }) => {
    await addSite(ctx, input);
    refresh(tenantId);
    return { ok: true };
  },
);

export const renameSiteAction = withAction(
  'app/t/[tenantId]/actions.ts renameSiteAction',
  onSite.extend(renameSiteInput.shape),
  async (ctx, { tenantId, siteId, ...input }) => {
    await renameSite(ctx, siteId, input);
    refresh(tenantId);
    return { ok: true };
  },
);

export const closeSiteAction = withAction(
  'app/t/[tenantId]/actions.ts closeSiteAction',
  onSite.extend(reasonInput.shape),
  async (ctx, { tenantId, siteId, ...input }) => {
    await closeSite(ctx, siteId, input);
    refresh(tenantId);
    return { ok: true };
  },
);
