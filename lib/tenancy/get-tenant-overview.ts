import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { operators, sites, tenants } from '@/db/schema';
import type { OperatorContext } from '@/lib/auth/load-session';

/** A tenant's sites and operators; the caller has passed authorizeTenant for this tenant. */
export async function getTenantOverview(_ctx: OperatorContext, tenantId: string) {
  return withTenantTx(tenantId, async (tx) => {
    const [tenant] = await tx
      .select({ id: tenants.id, code: tenants.code, name: tenants.name, status: tenants.status })
      .from(tenants)
      .where(and(eq(tenants.id, tenantId), eq(tenants.kind, 'tenant')));
    if (!tenant) return null;
    const siteRows = await tx
      .select({ id: sites.id, code: sites.code, name: sites.name, domain: sites.domain, status: sites.status })
      .from(sites)
      .where(eq(sites.tenantId, tenantId))
      .orderBy(asc(sites.code));
    const operatorRows = await tx
      .select({
        id: operators.id,
        loginId: operators.loginId,
        displayName: operators.displayName,
        role: operators.role,
        status: operators.status,
        lastLoginAt: operators.lastLoginAt,
        lastLoginIp: operators.lastLoginIp,
      })
      .from(operators)
      .where(eq(operators.tenantId, tenantId))
      .orderBy(asc(operators.loginIdKey));
    return { tenant, sites: siteRows, operators: operatorRows };
  });
}
