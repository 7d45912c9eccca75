import { AppError } from '@/lib/http/app-error';
import { getTenantOverview } from '@/lib/tenancy/get-tenant-overview';
import { json, withRoute } from '@/lib/auth/with-route';

/** A tenant's sites and operators; members of other tenants get the same 404 as a missing one. */
export const GET = withRoute('app/api/v1/tenants/[tenantId]/route.ts GET', async (_req, ctx) => {
  const overview = await getTenantOverview(ctx);
  if (!overview) throw new AppError('not_found');
  return json(overview);
});
