import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { sites } from '@/db/schema';
import type { TenantAccess } from '@/lib/kernel/access';
import { uuidSchema } from '@/lib/http/input-schemas';

/** One site of the tenant, for a page's heading; null for any other id (or junk): the page's 404. */
export async function getSite(ctx: TenantAccess, siteId: string) {
  const tenantId = ctx.granted.tenantId;
  if (!uuidSchema.safeParse(siteId).success) return null;
  const [site] = await withTenantTx(
    tenantId,
    (tx) =>
      tx
        .select({ id: sites.id, code: sites.code, name: sites.name, status: sites.status })
        .from(sites)
        .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId))),
    { readOnly: true },
  );
  return site ?? null;
}
