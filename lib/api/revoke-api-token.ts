import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { apiTokens } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, SteppedUp } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';

export async function revokeApiToken(ctx: SteppedUp<TenantAccess<'security.write'>>, tokenId: string) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const done = await tx
      .update(apiTokens)
      .set({ revokedAt: now() })
      .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (done.length === 0) throw new AppError('not_found');
    await recordAudit(tx, {
      tenantId,
      action: 'api_token.revoked',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'api_token', id: tokenId },
      details: {},
    });
  });
}
