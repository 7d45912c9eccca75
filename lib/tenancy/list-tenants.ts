import 'server-only';
import { asc, eq, sql } from 'drizzle-orm';
import { withPlatformTx } from '@/db';
import { operators, sites, tenants } from '@/db/schema';
import type { OperatorContext } from '@/lib/auth/load-session';

/** Every customer tenant with its site and operator counts (platform staff only: the caller has
 *  passed authorizePlatform). */
export async function listTenants(_ctx: OperatorContext) {
  return withPlatformTx((tx) =>
    tx
      .select({
        id: tenants.id,
        code: tenants.code,
        name: tenants.name,
        status: tenants.status,
        siteCount: sql<number>`(select count(*)::int from ${sites} where ${sites.tenantId} = ${tenants.id})`,
        operatorCount: sql<number>`(select count(*)::int from ${operators} where ${operators.tenantId} = ${tenants.id})`,
      })
      .from(tenants)
      .where(eq(tenants.kind, 'tenant'))
      .orderBy(asc(tenants.code)),
  );
}
