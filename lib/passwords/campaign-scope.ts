import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Tx } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';

/**
 * Which tenants a platform campaign covers: the chosen ones, or every customer tenant, confirmed by
 * their number as the starter saw it. There is no default: an empty choice is refused, not "all".
 */
export const campaignTenantsInput = z.object({
  tenantIds: z.array(z.uuid()).min(1).max(10_000).optional(),
  allTenants: z.number().int().nonnegative().optional(),
});

/**
 * The same choice as a form posts it (TenantScope): the scope chosen, "all N" as text, and the
 * ticked tenants (one ticked box arrives as a value, several as a list).
 */
export const campaignTenantsForm = z.object({
  scope: z.enum(['all', 'chosen']).optional(),
  allTenants: z.coerce.number().int().nonnegative().optional(),
  tenantIds: z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.uuid()).max(10_000)).optional(),
});

/** The posted choice as campaignTenantsInput: only what the chosen scope says (none: refused later). */
export function campaignTenantsOf({
  scope,
  allTenants,
  tenantIds,
}: z.infer<typeof campaignTenantsForm>): z.infer<typeof campaignTenantsInput> {
  if (scope === 'all') return { allTenants };
  if (scope === 'chosen') return { tenantIds: tenantIds?.length ? tenantIds : undefined };
  return {};
}

/** The operators (aliased `o`) a campaign of this owner covers, as a condition on `o.tenant_id`. */
export async function campaignScope(
  tx: Tx,
  ownerTenantId: string,
  input: z.infer<typeof campaignTenantsInput>,
): Promise<SQL> {
  if (ownerTenantId !== PLATFORM_TENANT_ID) return sql`o.tenant_id = ${ownerTenantId}`;
  if (input.tenantIds?.length) return sql`o.tenant_id in (select unnest(${`{${input.tenantIds.join(',')}}`}::uuid[]))`;
  if (input.allTenants === undefined) throw new AppError('bad_request', { tenantIds: ['choose_tenants'] });
  const [{ n }] = rowsOf<{ n: number }>(
    await tx.execute(sql`select count(*)::int as n from tenants where kind = 'tenant'`),
  );
  // A tenant added since the page was read would be covered without having been seen.
  if (n !== input.allTenants) throw new AppError('conflict', { allTenants: [`tenants_changed:${n}`] });
  return sql`o.tenant_id in (select id from tenants where kind = 'tenant')`;
}
