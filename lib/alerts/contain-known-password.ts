import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { alerts, operators, type AlertRule } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { AppError } from '@/lib/http/app-error';
import type { SteppedUp, TenantAccess } from '@/lib/kernel/access';
import { revokeOperatorSessions } from '@/lib/sessions/revoke-sessions';
import { lockOperator } from '@/lib/tenancy/operator-guards';
import { markAlertChecked } from './acknowledge-alert';

/** The alerts that say an operator's password is known to someone else. */
export const KNOWN_PASSWORD_RULES = [
  'password_from_refused_ip',
  'password_then_wrong_codes',
] as const satisfies readonly AlertRule[];

/**
 * The one-click answer to such an alert: the operator must choose a new password at their next
 * login, every session of theirs ends now, and the alert is marked as handled; one transaction,
 * each step in the audit trail with the alert it answers.
 */
export async function containKnownPassword(
  ctx: SteppedUp<TenantAccess<'operators.write'>>,
  alertId: string,
  input: { reason: string },
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const [alert] = await tx
      .select({ operatorId: alerts.operatorId, rule: alerts.rule })
      .from(alerts)
      .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, alertId), inArray(alerts.rule, KNOWN_PASSWORD_RULES)))
      .for('update');
    if (!alert?.operatorId) throw new AppError('not_found');
    const target = await lockOperator(tx, tenantId, alert.operatorId);
    await tx
      .update(operators)
      .set({ mustChangePassword: true })
      .where(and(eq(operators.tenantId, tenantId), eq(operators.id, target.id)));
    const sessionsEnded = await revokeOperatorSessions(tx, tenantId, target.id, 'revoked_by_admin');
    const because = { reason: input.reason, alertId, rule: alert.rule };
    const about = { type: 'operator', id: target.id } as const;
    await recordAudit(tx, {
      tenantId,
      action: 'password.change_forced',
      outcome: 'success',
      ...byOperator(ctx),
      target: about,
      details: { loginId: target.loginId, ...because },
    });
    await recordAudit(tx, {
      tenantId,
      action: 'sessions.revoked_bulk',
      outcome: 'success',
      ...byOperator(ctx),
      target: about,
      details: { scope: 'operator', loginId: target.loginId, count: sessionsEnded, ...because },
    });
    await markAlertChecked(tx, ctx, alertId);
    return { loginId: target.loginId, sessionsEnded };
  });
}
