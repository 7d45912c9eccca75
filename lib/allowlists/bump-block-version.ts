import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '@/db';
import { tenants } from '@/db/schema';

/** Tells every instance, on its next request, that this owner's blocked addresses changed. */
export async function bumpBlockVersion(tx: Tx, ownerTenantId: string): Promise<void> {
  await tx
    .update(tenants)
    .set({ ipBlockVersion: sql`${tenants.ipBlockVersion} + 1` })
    .where(eq(tenants.id, ownerTenantId));
}
