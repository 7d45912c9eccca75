import 'server-only';
import { now } from '@/lib/clock';
import { and, eq, sql } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { operators, ROLES } from '@/db/schema';
import { byActor, recordAudit } from '@/lib/audit/record-audit';
import type { SteppedUpActor, TenantActor } from '@/lib/kernel/access';
import { revokeOperatorSessions } from '@/lib/sessions/revoke-sessions';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { hashPassword } from '@/lib/passwords/hash-password';
import { pushPasswordHistory } from '@/lib/passwords/password-history';
import { temporaryPassword } from '@/lib/passwords/temporary-password';
import { assertAnotherAdminRemains, assertRoleFits, assertTokenMayGrant, lockOperator } from './operator-guards';
import { displayNameSchema, optionalEmailSchema } from './schemas';
import { reasonInput, reasonSchema } from '@/lib/http/input-schemas';

/**
 * Administration of one operator by an admin of the same tenant (or platform staff). Each
 * function locks the target row, applies one change and writes its audit event with the
 * before/after values an investigator needs, all in one transaction.
 */

export const updateOperatorInput = z.object({ displayName: displayNameSchema, email: optionalEmailSchema });

export async function updateOperator(
  ctx: TenantActor<'operators.write', 'operators:write'>,
  operatorId: string,
  input: z.infer<typeof updateOperatorInput>,
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const before = await lockOperator(tx, tenantId, operatorId);
    await tx
      .update(operators)
      .set({ displayName: input.displayName, email: input.email, updatedAt: sql`now()` })
      .where(and(eq(operators.tenantId, tenantId), eq(operators.id, operatorId)));
    await recordAudit(tx, {
      tenantId,
      action: 'operator.updated',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'operator', id: operatorId },
      details: {
        loginId: before.loginId,
        before: { displayName: before.displayName, email: before.email },
        after: input,
      },
    });
  });
}

export const setOperatorStatusInput = z.object({ status: z.enum(['active', 'disabled']), reason: reasonSchema });

/** Disabling ends the operator's sessions at once and is refused for oneself and the last admin. */
export async function setOperatorStatus(
  ctx: TenantActor<'operators.write', 'operators:write'>,
  operatorId: string,
  input: z.infer<typeof setOperatorStatusInput>,
) {
  const tenantId = ctx.granted.tenantId;
  if (operatorId === ctx.operatorId) throw new AppError('conflict', { status: ['own_account'] });
  return withTenantTx(tenantId, async (tx) => {
    const before = await lockOperator(tx, tenantId, operatorId);
    if (before.status === input.status) return { sessionsEnded: 0 };
    if (input.status === 'disabled') await assertAnotherAdminRemains(tx, tenantId, operatorId);
    await tx
      .update(operators)
      // Re-enabled: dormancy counts afresh from now (see disable-dormant-operators.ts).
      .set({ status: input.status, updatedAt: sql`now()`, ...(input.status === 'active' ? { enabledAt: now() } : {}) })
      .where(and(eq(operators.tenantId, tenantId), eq(operators.id, operatorId)));
    const sessionsEnded =
      input.status === 'disabled' ? await revokeOperatorSessions(tx, tenantId, operatorId, 'operator_disabled') : 0;
    await recordAudit(tx, {
      tenantId,
      action: input.status === 'disabled' ? 'operator.disabled' : 'operator.enabled',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'operator', id: operatorId },
      details: {
        loginId: before.loginId,
        reason: input.reason,
        before: before.status,
        after: input.status,
        sessionsEnded,
      },
    });
    return { sessionsEnded };
  });
}

export const changeOperatorRoleInput = z.object({ role: z.enum(ROLES) });

/** Never one's own role; never the last active admin. Takes effect on the target's next request. */
export async function changeOperatorRole(
  ctx: SteppedUpActor<'operators.write', 'operators:write'>,
  operatorId: string,
  input: z.infer<typeof changeOperatorRoleInput>,
) {
  const tenantId = ctx.granted.tenantId;
  if (operatorId === ctx.operatorId) throw new AppError('conflict', { role: ['own_role'] });
  assertRoleFits(tenantId, input.role);
  assertTokenMayGrant(ctx, tenantId, input.role);
  return withTenantTx(tenantId, async (tx) => {
    const before = await lockOperator(tx, tenantId, operatorId);
    if (before.role === input.role) return;
    if (before.status === 'active') await assertAnotherAdminRemains(tx, tenantId, operatorId);
    await tx
      .update(operators)
      .set({ role: input.role, updatedAt: sql`now()` })
      .where(and(eq(operators.tenantId, tenantId), eq(operators.id, operatorId)));
    await recordAudit(tx, {
      tenantId,
      action: 'operator.role_changed',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'operator', id: operatorId },
      details: { loginId: before.loginId, before: before.role, after: input.role },
    });
  });
}

/** Clears failed-login counters and a lock after 100 failures. */
export async function unlockOperator(
  ctx: TenantActor<'operators.write', 'operators:write'>,
  operatorId: string,
  input: z.infer<typeof reasonInput>,
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const before = await lockOperator(tx, tenantId, operatorId);
    const [counters] = await tx
      .select({ failed: operators.failedLoginCount, lockedAt: operators.lockedAt })
      .from(operators)
      .where(and(eq(operators.tenantId, tenantId), eq(operators.id, operatorId)));
    await tx
      .update(operators)
      .set({ failedLoginCount: 0, lastFailedLoginAt: null, lockedAt: null })
      .where(and(eq(operators.tenantId, tenantId), eq(operators.id, operatorId)));
    await recordAudit(tx, {
      tenantId,
      action: 'operator.unlocked',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'operator', id: operatorId },
      details: {
        loginId: before.loginId,
        reason: input.reason,
        failedLoginCount: counters.failed,
        wasLocked: counters.lockedAt !== null,
      },
    });
  });
}

/** A new temporary password (shown once), must-change set, every session of the target ended. */
export async function resetOperatorPassword(
  ctx: SteppedUpActor<'operators.write', 'operators:write'>,
  operatorId: string,
  input: z.infer<typeof reasonInput>,
) {
  const tenantId = ctx.granted.tenantId;
  if (operatorId === ctx.operatorId) throw new AppError('conflict', { password: ['own_account'] });
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  return withTenantTx(tenantId, async (tx) => {
    const before = await lockOperator(tx, tenantId, operatorId);
    const [current] = await tx
      .select({ hash: operators.passwordHash })
      .from(operators)
      .where(and(eq(operators.tenantId, tenantId), eq(operators.id, operatorId)));
    await pushPasswordHistory(tx, tenantId, operatorId, current.hash);
    await tx
      .update(operators)
      .set({
        passwordHash,
        passwordChangedAt: sql`now()`,
        mustChangePassword: true,
        failedLoginCount: 0,
        lastFailedLoginAt: null,
        lockedAt: null,
      })
      .where(and(eq(operators.tenantId, tenantId), eq(operators.id, operatorId)));
    const sessionsEnded = await revokeOperatorSessions(tx, tenantId, operatorId, 'password_reset');
    await recordAudit(tx, {
      tenantId,
      action: 'operator.password_reset',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'operator', id: operatorId },
      details: { loginId: before.loginId, reason: input.reason, sessionsEnded },
    });
    return { loginId: before.loginId, temporaryPassword: password, sessionsEnded };
  });
}
