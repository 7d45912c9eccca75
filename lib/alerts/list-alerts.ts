import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { withPlatformTx, withTenantTx, type Tx } from '@/db';
import { alerts, tenants } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorContext } from '@/lib/kernel/operator-context';
import { hasPermission, isPlatformRole } from '@/lib/kernel/permissions';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';

const columns = {
  id: alerts.id,
  tenantId: alerts.tenantId,
  tenantName: tenants.name,
  rule: alerts.rule,
  loginId: alerts.loginId,
  details: alerts.details,
  raisedAt: alerts.raisedAt,
  acknowledgedAt: alerts.acknowledgedAt,
  acknowledgedByLoginId: alerts.acknowledgedByLoginId,
};

const latest = (tx: Tx, tenantId: string | null, limit: number) =>
  tx
    .select(columns)
    .from(alerts)
    .innerJoin(tenants, eq(tenants.id, alerts.tenantId))
    .where(tenantId ? eq(alerts.tenantId, tenantId) : undefined)
    // As the indexes sort (nulls last), so the newest are read from them, not sorted.
    .orderBy(sql`${alerts.raisedAt} desc nulls last`)
    .limit(limit);

/**
 * The newest alerts for a dashboard: platform staff see every tenant's, a tenant's auditors and
 * admins their own. Null for anyone else (operators without audit rights see no panel).
 */
export async function listAlerts(ctx: OperatorContext, limit = 20) {
  if (isPlatformRole(ctx.role)) return withPlatformTx((tx) => latest(tx, null, limit), { readOnly: true });
  if (!hasPermission(ctx.role, 'audit.read')) return null;
  return withTenantTx(ctx.tenantId, (tx) => latest(tx, ctx.tenantId, limit), { readOnly: true });
}

/** Marks an alert as looked at; who did is kept on the alert and in the audit trail. */
export async function acknowledgeAlert(ctx: OperatorContext, tenantId: string, alertId: string) {
  return withTenantTx(tenantId, async (tx) => {
    const [row] = await tx
      .update(alerts)
      .set({ acknowledgedAt: now(), acknowledgedByLoginId: ctx.loginId })
      .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, alertId), isNull(alerts.acknowledgedAt)))
      .returning({ rule: alerts.rule });
    if (!row) throw new AppError('not_found');
    await recordAudit(tx, {
      tenantId,
      action: 'alert.acknowledged',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'alert', id: alertId },
      details: { rule: row.rule },
    });
  });
}
