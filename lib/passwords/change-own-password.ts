import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { operators } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorContext } from '@/lib/auth/load-session';
import { revokeOperatorSessions } from '@/lib/auth/revoke-sessions';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { hashPassword, verifyPassword } from './hash-password';

export const MIN_PASSWORD_LENGTH = 12;

export const changeOwnPasswordInput = z
  .object({
    currentPassword: z.string().min(1).max(4096),
    newPassword: z.string().min(MIN_PASSWORD_LENGTH).max(1024),
    confirmPassword: z.string().max(1024),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'mismatch' })
  .refine((v) => v.newPassword.normalize('NFKC') !== v.currentPassword.normalize('NFKC'), { path: ['newPassword'], message: 'same_password' });

/**
 * Needs the current password; on success clears must-change and ends every other session of the
 * operator, so a stolen session does not outlive the password it came with.
 */
export async function changeOwnPassword(ctx: OperatorContext, input: z.infer<typeof changeOwnPasswordInput>) {
  const [row] = await withTenantTx(ctx.tenantId, (tx) =>
    tx
      .select({ hash: operators.passwordHash })
      .from(operators)
      .where(and(eq(operators.tenantId, ctx.tenantId), eq(operators.id, ctx.operatorId))),
  );
  if (!row || !(await verifyPassword(row.hash, input.currentPassword))) {
    await withTenantTx(ctx.tenantId, (tx) =>
      recordAudit(tx, {
        tenantId: ctx.tenantId,
        action: 'password.change_failed',
        outcome: 'failure',
        ...byOperator(ctx),
        target: { type: 'operator', id: ctx.operatorId },
        details: { reason: 'wrong_current_password' },
      }),
    );
    throw new AppError('bad_request', { currentPassword: ['wrong_password'] });
  }
  const passwordHash = await hashPassword(input.newPassword);
  return withTenantTx(ctx.tenantId, async (tx) => {
    await tx
      .update(operators)
      .set({ passwordHash, passwordChangedAt: sql`now()`, mustChangePassword: false, updatedAt: sql`now()` })
      .where(and(eq(operators.tenantId, ctx.tenantId), eq(operators.id, ctx.operatorId)));
    const otherSessionsEnded = await revokeOperatorSessions(tx, ctx.tenantId, ctx.operatorId, 'password_changed', ctx.sessionId);
    await recordAudit(tx, {
      tenantId: ctx.tenantId,
      action: 'password.changed',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'operator', id: ctx.operatorId },
      details: { otherSessionsEnded, wasTemporary: ctx.mustChangePassword },
    });
    return { otherSessionsEnded };
  });
}
