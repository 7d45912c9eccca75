import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { operators, sessions } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { reasonSchema, uuidSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import type { SteppedUp, TenantAccess } from '@/lib/kernel/access';

export const endSessionInput = z.object({ sessionId: uuidSchema, reason: reasonSchema });

/**
 * Ends one live session of the granted tenant, found by a pivot on its events; its holder is
 * signed out on their next request. One's own current session is ended by signing out instead.
 */
export async function endSession(
  ctx: SteppedUp<TenantAccess<'sessions.manage'>>,
  input: z.infer<typeof endSessionInput>,
) {
  const tenantId = ctx.granted.tenantId;
  if (input.sessionId === ctx.sessionId) throw new AppError('bad_request', { sessionId: ['own_session'] });
  return withTenantTx(tenantId, async (tx) => {
    const [ended] = await tx
      .update(sessions)
      .set({ revokedAt: now(), revokedReason: 'revoked_by_admin' })
      .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, input.sessionId), isNull(sessions.revokedAt)))
      .returning({ operatorId: sessions.operatorId });
    if (!ended) throw new AppError('not_found');
    const [holder] = await tx
      .select({ loginId: operators.loginId })
      .from(operators)
      .where(and(eq(operators.tenantId, tenantId), eq(operators.id, ended.operatorId)));
    await recordAudit(tx, {
      tenantId,
      action: 'session.revoked',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'session', id: input.sessionId },
      details: { loginId: holder?.loginId ?? null, reason: input.reason },
    });
  });
}
