import { suspendTenantOp } from '@/lib/api/operations/tenants';
import { withApi } from '@/lib/auth/with-api';
import { setTenantStatus } from '@/lib/tenancy/manage-tenant';

export const POST = withApi(suspendTenantOp, async (token, { body }) => {
  const { sessionsEnded } = await setTenantStatus(token, { status: 'suspended', reason: body.reason });
  return { body: { status: 'suspended' as const, sessionsEnded } };
});
