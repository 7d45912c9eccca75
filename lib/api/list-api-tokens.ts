import 'server-only';
import { desc, eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { apiTokens } from '@/db/schema';
import type { TenantAccess } from '@/lib/kernel/access';

/** The tenant's tokens, newest first: what each may do, from where, until when, and its last use. */
export async function listApiTokens(ctx: TenantAccess<'security.write'>) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, (tx) =>
    tx
      .select({
        id: apiTokens.id,
        name: apiTokens.name,
        scopes: apiTokens.scopes,
        allowedCidrs: apiTokens.allowedCidrs,
        createdByLoginId: apiTokens.createdByLoginId,
        createdAt: apiTokens.createdAt,
        expiresAt: apiTokens.expiresAt,
        revokedAt: apiTokens.revokedAt,
        lastUsedAt: apiTokens.lastUsedAt,
        lastUsedIp: apiTokens.lastUsedIp,
      })
      .from(apiTokens)
      .where(eq(apiTokens.tenantId, tenantId))
      .orderBy(desc(apiTokens.createdAt)),
  );
}
