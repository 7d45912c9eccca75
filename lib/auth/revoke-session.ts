import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { sessions } from '@/db/schema';
import { withTenantTx } from '@/db';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import type { OperatorContext } from '@/lib/kernel/operator-context';

/**
 * Ends one of the caller's own sessions (their current one on logout). Only sessions of the
 * calling operator can be named here; ending other people's sessions is an admin feature.
 */
export async function revokeOwnSession(
  ctx: OperatorContext,
  sessionId: string,
  reason: 'logout' | 'revoked_by_owner',
): Promise<boolean> {
  return withTenantTx(ctx.tenantId, async (tx) => {
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: now(), revokedReason: reason })
      .where(
        and(
          eq(sessions.tenantId, ctx.tenantId),
          eq(sessions.operatorId, ctx.operatorId),
          eq(sessions.id, sessionId),
          isNull(sessions.revokedAt),
        ),
      )
      .returning({ id: sessions.id });
    if (ended.length === 0) return false;
    await recordAudit(tx, {
      tenantId: ctx.tenantId,
      action: reason === 'logout' ? 'logout' : 'session.revoked',
      outcome: 'success',
      actor: { operatorId: ctx.operatorId, loginId: ctx.loginId },
      target: { type: 'session', id: sessionId },
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      sessionId: ctx.sessionId,
      details: { reason },
    });
    return true;
  });
}
