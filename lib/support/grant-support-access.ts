import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withPlatformTx, withTenantTx } from '@/db';
import { PLATFORM_TENANT_ID, operators, supportGrants } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, SteppedUp } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { reasonSchema } from '@/lib/http/input-schemas';
import { MAX_SUPPORT_HOURS, supportScopesInput } from './support-scopes';

export const grantSupportInput = z.object({
  // 'team': every platform admin; otherwise one named platform admin.
  grantee: z.union([z.literal('team'), z.uuid()]),
  scopes: supportScopesInput,
  hours: z.coerce.number().int().min(1).max(MAX_SUPPORT_HOURS),
  reason: reasonSchema,
});

/**
 * A tenant admin lets platform support read chosen customer data for at most 72 hours. A
 * security setting, so it needs a fresh second factor; audited in the tenant's chain.
 */
export async function grantSupportAccess(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  input: z.infer<typeof grantSupportInput>,
) {
  const tenantId = ctx.granted.tenantId;
  let grantee: { id: string; loginId: string } | null = null;
  if (input.grantee !== 'team') {
    // Only an active platform admin can be named: auditors never see customer data.
    const [row] = await withPlatformTx(
      (tx) =>
        tx
          .select({ id: operators.id, loginId: operators.loginId })
          .from(operators)
          .where(
            and(
              eq(operators.tenantId, PLATFORM_TENANT_ID),
              eq(operators.id, input.grantee),
              eq(operators.role, 'platform_admin'),
              eq(operators.status, 'active'),
            ),
          ),
      { readOnly: true },
    );
    if (!row) throw new AppError('bad_request', { grantee: ['invalid_choice'] });
    grantee = row;
  }
  const at = now();
  const expiresAt = new Date(at.getTime() + input.hours * 3_600_000);
  return withTenantTx(tenantId, async (tx) => {
    const [grant] = await tx
      .insert(supportGrants)
      .values({
        tenantId,
        granteeOperatorId: grantee?.id ?? null,
        granteeLoginId: grantee?.loginId ?? null,
        scopes: input.scopes,
        reason: input.reason,
        createdAt: at,
        expiresAt,
        createdByOperatorId: ctx.operatorId,
        createdByLoginId: ctx.loginId,
      })
      .returning({ id: supportGrants.id });
    await recordAudit(tx, {
      tenantId,
      action: 'support_access.granted',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'support_grant', id: grant.id },
      details: {
        grantee: grantee?.loginId ?? 'platform team',
        scopes: input.scopes,
        expiresAt: expiresAt.toISOString(),
        reason: input.reason,
      },
    });
    return { grantId: grant.id, expiresAt };
  });
}
