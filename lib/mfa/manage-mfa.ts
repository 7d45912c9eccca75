import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, withPlatformTx, withTenantTx } from '@/db';
import { recoveryCodes, tenants, totpCredentials } from '@/db/schema';
import { byActor, byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorAccess, PlatformAccess, SteppedUpActor, TenantActor } from '@/lib/kernel/access';
import { assertIfMatch, etagOf } from '@/lib/http/etag';
import { revokeOperatorSessions } from '@/lib/sessions/revoke-sessions';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { verifyPassword } from '@/lib/passwords/hash-password';
import { passwordRules } from '@/lib/passwords/password-history';
import { lockOperator } from '@/lib/tenancy/operator-guards';
import { reasonSchema } from '@/lib/http/input-schemas';
import { verifySecondFactor } from './verify-second-factor';

export const resetMfaInput = z.object({ reason: reasonSchema });

/** An admin resets an operator's TOTP: credential and codes gone, sessions ended, re-enrollment forced. */
export async function resetOperatorMfa(
  ctx: SteppedUpActor<'operators.write', 'operators:write'>,
  operatorId: string,
  input: z.infer<typeof resetMfaInput>,
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const target = await lockOperator(tx, tenantId, operatorId);
    await tx
      .delete(totpCredentials)
      .where(and(eq(totpCredentials.tenantId, tenantId), eq(totpCredentials.operatorId, operatorId)));
    await tx
      .delete(recoveryCodes)
      .where(and(eq(recoveryCodes.tenantId, tenantId), eq(recoveryCodes.operatorId, operatorId)));
    const sessionsEnded = await revokeOperatorSessions(
      tx,
      tenantId,
      operatorId,
      'mfa_reset',
      ctx.operatorId === operatorId ? (ctx.sessionId ?? undefined) : undefined,
    );
    await recordAudit(tx, {
      tenantId,
      action: 'mfa.reset',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'operator', id: operatorId },
      details: { loginId: target.loginId, reason: input.reason, sessionsEnded },
    });
    return { sessionsEnded };
  });
}

export const disableOwnTotpInput = z.object({
  password: z.string().min(1).max(4096),
  code: z.string().trim().min(1).max(64),
  endOtherSessions: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
});

/**
 * An operator removes their own TOTP (to re-enroll, e.g. on a new phone) only with the password
 * and a current code (ASVS 7.5.1). Where TOTP is required they must enroll again before going on.
 */
export async function disableOwnTotp(ctx: OperatorAccess, input: z.infer<typeof disableOwnTotpInput>) {
  const rules = await withTenantTx(ctx.tenantId, (tx) => passwordRules(tx, ctx.tenantId, ctx.operatorId));
  const passwordOk = await verifyPassword(rules.currentHash, input.password);
  return withTenantTx(ctx.tenantId, async (tx) => {
    const factor = passwordOk ? await verifySecondFactor(tx, ctx.tenantId, ctx.operatorId, input.code) : null;
    if (!factor)
      throw new AppError('bad_request', passwordOk ? { code: ['wrong_code'] } : { password: ['wrong_password'] });
    await tx
      .delete(totpCredentials)
      .where(and(eq(totpCredentials.tenantId, ctx.tenantId), eq(totpCredentials.operatorId, ctx.operatorId)));
    await tx
      .delete(recoveryCodes)
      .where(and(eq(recoveryCodes.tenantId, ctx.tenantId), eq(recoveryCodes.operatorId, ctx.operatorId)));
    const sessionsEnded = input.endOtherSessions
      ? await revokeOperatorSessions(tx, ctx.tenantId, ctx.operatorId, 'mfa_disabled', ctx.sessionId)
      : 0;
    await recordAudit(tx, {
      tenantId: ctx.tenantId,
      action: 'mfa.disabled',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'operator', id: ctx.operatorId },
      details: { sessionsEnded },
    });
    return { sessionsEnded };
  });
}

export const totpPolicyInput = z.object({
  required: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
  graceDays: z.coerce.number().int().min(0).max(90),
});

/** The policy's state as its ETag names it. */
const totpPolicyTag = (p: { required: boolean; graceUntil: Date | null }) =>
  etagOf({ required: p.required, graceUntil: p.graceUntil?.toISOString() ?? null });

/** Tenant setting "require TOTP", with a grace period in days from now. */
export async function setTotpPolicy(
  ctx: SteppedUpActor<'security.write', 'policy:write'>,
  input: z.infer<typeof totpPolicyInput>,
  options: { ifMatch?: string } = {},
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const [before] = await tx
      .select({ required: tenants.totpRequired, graceUntil: tenants.totpGraceUntil })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
      .for('update');
    if (!before) throw new AppError('not_found');
    assertIfMatch(options.ifMatch, totpPolicyTag(before));
    const graceUntil = input.required ? new Date(now().getTime() + input.graceDays * 86_400_000) : null;
    await tx
      .update(tenants)
      .set({ totpRequired: input.required, totpGraceUntil: graceUntil })
      .where(eq(tenants.id, tenantId));
    await recordAudit(tx, {
      tenantId,
      action: 'mfa.policy_updated',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'tenant', id: tenantId },
      details: {
        before: { required: before.required, graceUntil: before.graceUntil?.toISOString() ?? null },
        after: { required: input.required, graceUntil: graceUntil?.toISOString() ?? null },
      },
    });
    return { etag: totpPolicyTag({ required: input.required, graceUntil }), required: input.required, graceUntil };
  });
}

export async function getTotpPolicy(ctx: TenantActor<'security.write', 'policy:read' | 'policy:write'>) {
  const tenantId = ctx.granted.tenantId;
  const [row] = await withTenantTx(tenantId, (tx) =>
    tx
      .select({ required: tenants.totpRequired, graceUntil: tenants.totpGraceUntil })
      .from(tenants)
      .where(eq(tenants.id, tenantId)),
  );
  if (!row) throw new AppError('not_found');
  return { ...row, etag: totpPolicyTag(row) };
}

/** Share of active operators enrolled, per tenant (platform tenants page). */
export async function enrollmentShares(
  _access: PlatformAccess<'tenants.list'>,
): Promise<Map<string, { enrolled: number; active: number }>> {
  const rows = rowsOf<{ tenant_id: string; enrolled: number; active: number }>(
    await withPlatformTx((tx) =>
      tx.execute(sql`
        select o.tenant_id, count(*)::int as active, count(tc.operator_id)::int as enrolled
          from operators o
          left join totp_credentials tc on tc.tenant_id = o.tenant_id and tc.operator_id = o.id and tc.status = 'active'
         where o.status = 'active' group by o.tenant_id`),
    ),
  );
  return new Map(rows.map((r) => [r.tenant_id, { enrolled: r.enrolled, active: r.active }]));
}
