import 'server-only';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { supportGrants } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';

/** Ends a grant at once: the next request that relied on it is refused. */
export async function revokeSupportAccess(ctx: TenantAccess<'security.write'>, grantId: string) {
  const tenantId = ctx.granted.tenantId;
  const at = now();
  return withTenantTx(tenantId, async (tx) => {
    const [row] = await tx
      .update(supportGrants)
      .set({ revokedAt: at, revokedByLoginId: ctx.loginId })
      .where(
        and(
          eq(supportGrants.tenantId, tenantId),
          eq(supportGrants.id, grantId),
          isNull(supportGrants.revokedAt),
          gt(supportGrants.expiresAt, at),
        ),
      )
      .returning({ grantee: supportGrants.granteeLoginId, useCount: supportGrants.useCount });
    if (!row) throw new AppError('not_found');
    await recordAudit(tx, {
      tenantId,
      action: 'support_access.revoked',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'support_grant', id: grantId },
      details: { grantee: row.grantee ?? 'platform team', uses: row.useCount },
    });
  });
}
