import 'server-only';
import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import { withPlatformTx, withTenantTx } from '@/db';
import { PLATFORM_TENANT_ID, operators, supportGrants } from '@/db/schema';
import type { OperatorContext } from '@/lib/kernel/operator-context';
import type { TenantAccess } from '@/lib/kernel/access';
import { now } from '@/lib/clock';

const RECENT_DAYS = 30;

/** A tenant's grants of the last 30 days, newest first, each marked active or not. */
export async function listSupportGrants(ctx: TenantAccess<'security.write' | 'audit.read'>) {
  const tenantId = ctx.granted.tenantId;
  const at = now();
  const rows = await withTenantTx(
    tenantId,
    (tx) =>
      tx
        .select({
          id: supportGrants.id,
          granteeLoginId: supportGrants.granteeLoginId,
          scopes: supportGrants.scopes,
          reason: supportGrants.reason,
          createdAt: supportGrants.createdAt,
          expiresAt: supportGrants.expiresAt,
          createdByLoginId: supportGrants.createdByLoginId,
          revokedAt: supportGrants.revokedAt,
          revokedByLoginId: supportGrants.revokedByLoginId,
          useCount: supportGrants.useCount,
          lastUsedAt: supportGrants.lastUsedAt,
          lastUsedByLoginId: supportGrants.lastUsedByLoginId,
        })
        .from(supportGrants)
        .where(
          and(
            eq(supportGrants.tenantId, tenantId),
            gt(supportGrants.expiresAt, new Date(at.getTime() - RECENT_DAYS * 86_400_000)),
          ),
        )
        .orderBy(desc(supportGrants.createdAt))
        .limit(50),
    { readOnly: true },
  );
  return rows.map((r) => ({ ...r, active: r.revokedAt === null && r.expiresAt.getTime() > at.getTime() }));
}

/** The platform admins a tenant admin can name as grantee (login ID and name only). */
export async function listSupportStaff(_access: TenantAccess<'security.write'>) {
  return withPlatformTx(
    (tx) =>
      tx
        .select({ id: operators.id, loginId: operators.loginId, displayName: operators.displayName })
        .from(operators)
        .where(
          and(
            eq(operators.tenantId, PLATFORM_TENANT_ID),
            eq(operators.role, 'platform_admin'),
            eq(operators.status, 'active'),
          ),
        )
        .orderBy(operators.loginIdKey)
        .limit(200),
    { readOnly: true },
  );
}

/**
 * Scopes that active grants of this tenant give this staff member now (read only: no use is
 * recorded). For the guard, which asks only for platform admins.
 */
export async function supportScopesOf(ctx: OperatorContext, tenantId: string) {
  const at = now();
  const rows = await withTenantTx(
    tenantId,
    (tx) =>
      tx
        .select({ scopes: supportGrants.scopes })
        .from(supportGrants)
        .where(
          and(
            eq(supportGrants.tenantId, tenantId),
            isNull(supportGrants.revokedAt),
            gt(supportGrants.expiresAt, at),
            or(isNull(supportGrants.granteeOperatorId), eq(supportGrants.granteeOperatorId, ctx.operatorId)),
          ),
        ),
    { readOnly: true },
  );
  return [...new Set(rows.flatMap((r) => r.scopes))];
}
