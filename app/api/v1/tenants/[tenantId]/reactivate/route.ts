import { reactivateTenantOp } from '@/lib/api/operations/tenants';
import { withApi } from '@/lib/auth/with-api';
import { setTenantStatus } from '@/lib/tenancy/manage-tenant';

export const POST = withApi(reactivateTenantOp, async (token, { body }) => {
  const { sessionsEnded } = await setTenantStatus(token, { status: 'active', reason: body.reason });
  return { body: { status: 'active' as const, sessionsEnded } };
});
