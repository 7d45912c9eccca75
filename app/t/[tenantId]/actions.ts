'use server';
import { revalidatePath } from 'next/cache';
import { endOperatorSessions, endTenantSessions, bulkRevokeInput } from '@/lib/auth/revoke-sessions-bulk';
import { withAction } from '@/lib/auth/with-action';
import { z } from '@/lib/http/zod-messages';
import { resetMfaInput, resetOperatorMfa } from '@/lib/mfa/manage-mfa';
import { forcePasswordChange, forcePasswordChangeInput } from '@/lib/tenancy/force-password-change';
import { createOperator, createOperatorInput } from '@/lib/tenancy/create-operator';
import { addSite, addSiteInput, closeSite, renameSite, renameSiteInput } from '@/lib/tenancy/manage-sites';
import { setTenantStatus, setTenantStatusInput, updateTenant, updateTenantInput } from '@/lib/tenancy/manage-tenant';
import { uuidSchema } from '@/lib/http/input-schemas';
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
const tenantOf = (i: { tenantId: string }) => i.tenantId;
const refresh = (tenantId: string, operatorId?: string) => {
  revalidatePath(`/t/${tenantId}`);
  if (operatorId) revalidatePath(`/t/${tenantId}/operators/${operatorId}`);
};

export const createOperatorAction = withAction(
  { tenant: 'operators.write', tenantOf, stepUp: true },
  inTenant.extend(createOperatorInput.shape),
  async (ctx, { tenantId, ...input }) => {
    const created = await createOperator(ctx, tenantId, input);
    refresh(tenantId);
    return { ok: true, data: created };
  },
);

export const updateOperatorAction = withAction(
  { tenant: 'operators.write', tenantOf },
  onOperator.extend(updateOperatorInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    await updateOperator(ctx, tenantId, operatorId, input);
    refresh(tenantId, operatorId);
    return { ok: true };
  },
);

export const setOperatorStatusAction = withAction(
  { tenant: 'operators.write', tenantOf },
  onOperator.extend(setOperatorStatusInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    const r = await setOperatorStatus(ctx, tenantId, operatorId, input);
    refresh(tenantId, operatorId);
    return { ok: true, data: r };
  },
);

export const changeOperatorRoleAction = withAction(
  { tenant: 'operators.write', tenantOf, stepUp: true },
  onOperator.extend(changeOperatorRoleInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    await changeOperatorRole(ctx, tenantId, operatorId, input);
    refresh(tenantId, operatorId);
    return { ok: true };
  },
);

export const forcePasswordChangeAction = withAction(
  { tenant: 'operators.write', tenantOf, stepUp: true },
  onOperator.extend(forcePasswordChangeInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    await forcePasswordChange(ctx, tenantId, operatorId, input);
    refresh(tenantId, operatorId);
    return { ok: true };
  },
);

export const resetMfaAction = withAction(
  { tenant: 'operators.write', tenantOf, stepUp: true },
  onOperator.extend(resetMfaInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    const r = await resetOperatorMfa(ctx, tenantId, operatorId, input);
    refresh(tenantId, operatorId);
    return { ok: true, data: r };
  },
);

export const unlockOperatorAction = withAction(
  { tenant: 'operators.write', tenantOf },
  onOperator,
  async (ctx, { tenantId, operatorId }) => {
    await unlockOperator(ctx, tenantId, operatorId);
    refresh(tenantId, operatorId);
    return { ok: true };
  },
);

export const resetOperatorPasswordAction = withAction(
  { tenant: 'operators.write', tenantOf, stepUp: true },
  onOperator,
  async (ctx, { tenantId, operatorId }) => {
    const r = await resetOperatorPassword(ctx, tenantId, operatorId);
    refresh(tenantId, operatorId);
    return { ok: true, data: r };
  },
);

export const endOperatorSessionsAction = withAction(
  { tenant: 'sessions.manage', tenantOf, stepUp: true },
  onOperator.extend(bulkRevokeInput.shape),
  async (ctx, { tenantId, operatorId, reason }) => {
    const r = await endOperatorSessions(ctx, tenantId, operatorId, reason);
    refresh(tenantId, operatorId);
    return { ok: true, data: r };
  },
);

export const endTenantSessionsAction = withAction(
  { tenant: 'sessions.manage', tenantOf, stepUp: true },
  inTenant.extend(bulkRevokeInput.shape),
  async (ctx, { tenantId, reason }) => {
    const r = await endTenantSessions(ctx, tenantId, reason);
    refresh(tenantId);
    return { ok: true, data: r };
  },
);

export const updateTenantAction = withAction(
  { tenant: 'tenants.write', tenantOf },
  inTenant.extend(updateTenantInput.shape),
  async (ctx, { tenantId, ...input }) => {
    await updateTenant(ctx, tenantId, input);
    refresh(tenantId);
    return { ok: true };
  },
);

export const setTenantStatusAction = withAction(
  { tenant: 'tenants.write', tenantOf, stepUp: true },
  inTenant.extend(setTenantStatusInput.shape),
  async (ctx, { tenantId, ...input }) => {
    const r = await setTenantStatus(ctx, tenantId, input);
    refresh(tenantId);
    return { ok: true, data: r };
  },
);

export const addSiteAction = withAction(
  { tenant: 'tenants.write', tenantOf },
  inTenant.extend(addSiteInput.shape),
  async (ctx, { tenantId, ...input }) => {
    await addSite(ctx, tenantId, input);
    refresh(tenantId);
    return { ok: true };
  },
);

export const renameSiteAction = withAction(
  { tenant: 'tenants.write', tenantOf },
  onSite.extend(renameSiteInput.shape),
  async (ctx, { tenantId, siteId, ...input }) => {
    await renameSite(ctx, tenantId, siteId, input);
    refresh(tenantId);
    return { ok: true };
  },
);

export const closeSiteAction = withAction(
  { tenant: 'tenants.write', tenantOf },
  onSite,
  async (ctx, { tenantId, siteId }) => {
    await closeSite(ctx, tenantId, siteId);
    refresh(tenantId);
    return { ok: true };
  },
);
