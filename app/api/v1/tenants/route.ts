import { createTenantOp, listTenantsOp } from '@/lib/api/operations/tenants';
import { withApi } from '@/lib/auth/with-api';
import { now } from '@/lib/clock';
import { listTenants } from '@/lib/tenancy/list-tenants';
import { createTenant } from '@/lib/tenancy/manage-tenant';

export const GET = withApi(listTenantsOp, async (token, { query }) => {
  const page = await listTenants(token, { q: query.q, after: query.after, sort: 'code', dir: 'asc' });
  return {
    body: {
      tenants: page.rows.map((t) => ({
        id: t.id,
        code: t.code,
        name: t.name,
        status: t.status,
        sites: t.siteCount,
        operators: t.operatorCount,
        lastActivityAt: t.lastActivityAt.toISOString(),
      })),
      next: page.next,
    },
  };
});

export const POST = withApi(createTenantOp, async (token, { body }) => {
  const input = { ...body, contactEmail: body.contactEmail ?? null };
  const { tenantId } = await createTenant(token, input);
  return {
    body: {
      id: tenantId,
      code: input.code,
      name: input.name,
      status: 'active' as const,
      sites: 0,
      operators: 0,
      lastActivityAt: now().toISOString(),
    },
  };
});
