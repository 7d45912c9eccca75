'use server';
import { redirect } from 'next/navigation';
import { withAction } from '@/lib/auth/with-action';
import { createTenant, createTenantInput } from '@/lib/tenancy/manage-tenant';

export const createTenantAction = withAction(
  'app/platform/tenants/new/actions.ts createTenantAction',
  createTenantInput,
  async (ctx, input) => {
    const { tenantId } = await createTenant(ctx, input);
    redirect(`/t/${tenantId}`);
  },
);
