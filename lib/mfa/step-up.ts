import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { sessions } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorAccess } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { verifySecondFactor } from './verify-second-factor';

/** Verifies a TOTP or recovery code for this session (replay rules as at login). */
export async function stepUp(ctx: OperatorAccess, code: string) {
  return withTenantTx(ctx.tenantId, async (tx) => {
    const factor = await verifySecondFactor(tx, ctx.tenantId, ctx.operatorId, code);
    if (!factor) {
      await recordAudit(tx, {
        tenantId: ctx.tenantId,
        action: 'stepup.failed',
        outcome: 'failure',
        ...byOperator(ctx),
        target: { type: 'session', id: ctx.sessionId },
        details: {},
      });
      return { ok: false as const };
    }
    await tx
      .update(sessions)
      .set({ mfaVerifiedAt: now() })
      .where(and(eq(sessions.tenantId, ctx.tenantId), eq(sessions.id, ctx.sessionId)));
    await recordAudit(tx, {
      tenantId: ctx.tenantId,
      action: 'stepup.succeeded',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'session', id: ctx.sessionId },
      details: { factor },
    });
    return { ok: true as const, factor };
  });
}
