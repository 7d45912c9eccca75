import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { operators } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorAccess } from '@/lib/kernel/access';
import { revokeOperatorSessions } from '@/lib/sessions/revoke-sessions';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { hashPassword, verifyPassword } from './hash-password';
import { isReusedPassword, passwordRules, pushPasswordHistory } from './password-history';
import { MAX_LENGTH, checkPasswordPolicy } from './policy';
import { completeRotationTargets } from './rotation-targets';

export const changeOwnPasswordInput = z
  .object({
    currentPassword: z.string().min(1).max(4096),
    newPassword: z
      .string()
      .min(1)
      .max(MAX_LENGTH * 4),
    confirmPassword: z.string().max(MAX_LENGTH * 4),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'mismatch' });

/**
 * Needs the current password and a new one the policy accepts; then clears must-change, closes
 * the operator's rotation targets and ends every other session, so a stolen session does not
 * outlive the password it came with.
 */
export async function changeOwnPassword(ctx: OperatorAccess, input: z.infer<typeof changeOwnPasswordInput>) {
  const rules = await withTenantTx(ctx.tenantId, (tx) => passwordRules(tx, ctx.tenantId, ctx.operatorId));
  const failed = async (reason: string, fields: Record<string, string[]>) => {
    await withTenantTx(ctx.tenantId, (tx) =>
      recordAudit(tx, {
        tenantId: ctx.tenantId,
        action: 'password.change_failed',
        outcome: 'failure',
        ...byOperator(ctx),
        target: { type: 'operator', id: ctx.operatorId },
        details: { reason },
      }),
    );
    throw new AppError('bad_request', fields);
  };
  if (!(await verifyPassword(rules.currentHash, input.currentPassword))) {
    return failed('wrong_current_password', { currentPassword: ['wrong_password'] });
  }
  const policy = checkPasswordPolicy(input.newPassword, rules);
  const reused = await withTenantTx(ctx.tenantId, (tx) =>
    isReusedPassword(tx, ctx.tenantId, ctx.operatorId, rules.currentHash, input.newPassword),
  );
  const reasons = [...policy.reasons, ...(reused ? (['reused'] as const) : [])];
  if (reasons.length > 0) return failed(`policy:${reasons.join(',')}`, { newPassword: reasons });

  const passwordHash = await hashPassword(input.newPassword);
  return withTenantTx(ctx.tenantId, async (tx) => {
    await pushPasswordHistory(tx, ctx.tenantId, ctx.operatorId, rules.currentHash);
    await tx
      .update(operators)
      .set({ passwordHash, passwordChangedAt: sql`now()`, mustChangePassword: false, updatedAt: sql`now()` })
      .where(and(eq(operators.tenantId, ctx.tenantId), eq(operators.id, ctx.operatorId)));
    const otherSessionsEnded = await revokeOperatorSessions(
      tx,
      ctx.tenantId,
      ctx.operatorId,
      'password_changed',
      ctx.sessionId,
    );
    const campaigns = await completeRotationTargets(tx, ctx);
    await recordAudit(tx, {
      tenantId: ctx.tenantId,
      action: 'password.changed',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'operator', id: ctx.operatorId },
      details: { otherSessionsEnded, wasTemporary: ctx.mustChangePassword, rotationCampaigns: campaigns.length },
    });
    return { otherSessionsEnded };
  });
}
