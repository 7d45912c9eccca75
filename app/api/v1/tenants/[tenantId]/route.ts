import { AppError } from '@/lib/http/app-error';
import { getTenantOverview } from '@/lib/tenancy/get-tenant-overview';
import { json, withRoute } from '@/lib/auth/with-route';

/** A tenant's sites and operators; members of other tenants get the same 404 as a missing one. */
export const GET = withRoute<{ tenantId: string }>(
  { tenant: 'tenant.read', tenantParam: 'tenantId' },
  async (_req, ctx, { tenantId }) => {
    const overview = await getTenantOverview(ctx, tenantId);
    if (!overview) throw new AppError('not_found');
    return json(overview);
  },
);
