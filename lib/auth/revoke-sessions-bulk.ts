import 'server-only';
import { and, isNull, sql } from 'drizzle-orm';
import { rowsOf, withPlatformTx, withTenantTx } from '@/db';
import { PLATFORM_TENANT_ID, sessions } from '@/db/schema';
import { byActor, byOperator, recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { z } from '@/lib/http/zod-messages';
import { AppError } from '@/lib/http/app-error';
import { lockOperator } from '@/lib/tenancy/operator-guards';
import { reasonSchema } from '@/lib/http/input-schemas';
import type { TenantAccess, PlatformAccess, SteppedUp, SteppedUpActor } from '@/lib/kernel/access';
import { revokeOperatorSessions, revokeTenantSessions } from '@/lib/sessions/revoke-sessions';

export const bulkRevokeInput = z.object({ reason: reasonSchema });

/** The whole platform is named explicitly: "all N tenants", N as the admin saw it. */
export const endAllSessionsInput = bulkRevokeInput.extend({
  allTenants: z.coerce.number({ error: 'confirm_all' }).int().nonnegative(),
});

/** Ends one operator's sessions (an admin of their tenant, or platform staff). */
export async function endOperatorSessions(
  ctx: SteppedUpActor<'sessions.manage', 'operators:write'>,
  operatorId: string,
  reason: string,
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const target = await lockOperator(tx, tenantId, operatorId);
    const count = await revokeOperatorSessions(
      tx,
      tenantId,
      operatorId,
      'revoked_by_admin',
      ctx.operatorId === operatorId ? (ctx.sessionId ?? undefined) : undefined,
    );
    await recordAudit(tx, {
      tenantId,
      action: 'sessions.revoked_bulk',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'operator', id: operatorId },
      details: { scope: 'operator', loginId: target.loginId, reason, count },
    });
    return { count };
  });
}

/** Ends every session of one tenant but the caller's own. */
export async function endTenantSessions(ctx: SteppedUp<TenantAccess<'sessions.manage'>>, reason: string) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const count = await revokeTenantSessions(
      tx,
      tenantId,
      'revoked_by_admin',
      ctx.tenantId === tenantId ? ctx.sessionId : undefined,
    );
    await recordAudit(tx, {
      tenantId,
      action: 'sessions.revoked_bulk',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'tenant', id: tenantId },
      details: { scope: 'tenant', reason, count },
    });
    return { count };
  });
}

/**
 * Ends every session on the platform but the caller's own, in one set-based statement; each
 * affected tenant's chain records its own count and the platform chain the total.
 */
export async function endAllSessions(
  ctx: SteppedUp<PlatformAccess<'sessions.manage'>>,
  { reason, allTenants }: z.infer<typeof endAllSessionsInput>,
) {
  return withPlatformTx(async (tx) => {
    const [{ n }] = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from tenants where kind = 'tenant'`),
    );
    // A tenant added since the page was read would be affected without having been seen.
    if (n !== allTenants) throw new AppError('conflict', { allTenants: [`tenants_changed:${n}`] });
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: now(), revokedReason: 'revoked_by_admin' })
      .where(
        and(
          isNull(sessions.revokedAt),
          sql`not (${sessions.tenantId} = ${ctx.tenantId} and ${sessions.id} = ${ctx.sessionId})`,
        ),
      )
      .returning({ tenantId: sessions.tenantId });
    const perTenant = new Map<string, number>();
    for (const { tenantId } of ended) perTenant.set(tenantId, (perTenant.get(tenantId) ?? 0) + 1);
    for (const [tenantId, count] of perTenant) {
      if (tenantId === PLATFORM_TENANT_ID) continue;
      await recordAudit(tx, {
        tenantId,
        action: 'sessions.revoked_bulk',
        outcome: 'success',
        ...byOperator(ctx),
        target: { type: 'tenant', id: tenantId },
        details: { scope: 'all', reason, count },
      });
    }
    await recordAudit(tx, {
      tenantId: PLATFORM_TENANT_ID,
      action: 'sessions.revoked_bulk',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'platform', id: PLATFORM_TENANT_ID },
      details: { scope: 'all', reason, count: ended.length, tenants: perTenant.size },
    });
    return { count: ended.length, tenants: perTenant.size };
  });
}
