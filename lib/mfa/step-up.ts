import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { sessions } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorContext } from '@/lib/auth/load-session';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { verifySecondFactor } from './verify-second-factor';

import { env } from '@/lib/env';

/**
 * Sensitive actions need a second factor verified on this session in the last five minutes. The
 * server checks it here, whatever the UI did; an operator without TOTP must enroll first.
 */
export function requireStepUp(ctx: OperatorContext): void {
  if (!ctx.totpEnrolled) throw new AppError('mfa_enrollment_required');
  const windowMs = env().MAMORI_STEP_UP_SECONDS * 1000;
  if (!ctx.mfaVerifiedAt || now().getTime() - ctx.mfaVerifiedAt.getTime() > windowMs) throw new AppError('step_up_required');
}

/** Verifies a TOTP or recovery code for this session (replay rules as at login). */
export async function stepUp(ctx: OperatorContext, code: string) {
  return withTenantTx(ctx.tenantId, async (tx) => {
    const factor = await verifySecondFactor(tx, ctx.tenantId, ctx.operatorId, code);
    if (!factor) {
      await recordAudit(tx, { tenantId: ctx.tenantId, action: 'stepup.failed', outcome: 'failure', ...byOperator(ctx), target: { type: 'session', id: ctx.sessionId }, details: {} });
      return { ok: false as const };
    }
    await tx.update(sessions).set({ mfaVerifiedAt: now() }).where(and(eq(sessions.tenantId, ctx.tenantId), eq(sessions.id, ctx.sessionId)));
    await recordAudit(tx, { tenantId: ctx.tenantId, action: 'stepup.succeeded', outcome: 'success', ...byOperator(ctx), target: { type: 'session', id: ctx.sessionId }, details: { factor } });
    return { ok: true as const, factor };
  });
}
