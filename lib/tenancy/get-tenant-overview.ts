import 'server-only';
import { asc, eq, sql } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { sites, tenants } from '@/db/schema';
import type { TenantAccess } from '@/lib/kernel/access';
import { now } from '@/lib/clock';

/** A tenant (or the platform itself) and its sites; the caller has passed authorizeTenant. */
export async function getTenantOverview(ctx: TenantAccess) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const [tenant] = await tx
      .select({
        id: tenants.id,
        kind: tenants.kind,
        code: tenants.code,
        name: tenants.name,
        contactEmail: tenants.contactEmail,
        status: tenants.status,
        suspendedReason: tenants.suspendedReason,
        siteCount: tenants.siteCount,
        operatorCount: tenants.operatorCount,
        // For the dialogs that end them: "ends 12 sessions of …" (an index range of one tenant).
        liveSessions: sql<number>`(select count(*)::int from sessions s where s.tenant_id = ${tenantId} and s.revoked_at is null and s.expires_at > ${now().toISOString()}::timestamptz)`,
      })
      .from(tenants)
      .where(eq(tenants.id, tenantId));
    if (!tenant) return null;
    const siteRows = await tx
      .select({ id: sites.id, code: sites.code, name: sites.name, domain: sites.domain, status: sites.status })
      .from(sites)
      .where(eq(sites.tenantId, tenantId))
      .orderBy(asc(sites.code));
    return { tenant, sites: siteRows };
  });
}
