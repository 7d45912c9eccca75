import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { withPlatformTx, withTenantTx, type Tx } from '@/db';
import { alerts, PLATFORM_TENANT_ID, tenants } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess } from '@/lib/kernel/access';
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
 * The newest alerts for a dashboard: a tenant's own, or, read on the platform, every tenant's.
 */
export async function listAlerts(ctx: TenantAccess<'audit.read'>, limit = 20) {
  const { tenantId } = ctx.granted;
  if (tenantId === PLATFORM_TENANT_ID) return withPlatformTx((tx) => latest(tx, null, limit), { readOnly: true });
  return withTenantTx(tenantId, (tx) => latest(tx, tenantId, limit), { readOnly: true });
}

/** Marks an alert as looked at; who did is kept on the alert and in the audit trail. */
export async function acknowledgeAlert(ctx: TenantAccess<'security.write'>, alertId: string) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    if (!(await markAlertChecked(tx, ctx, alertId))) throw new AppError('not_found');
  });
}

/** In the caller's transaction: an open alert marked as checked, with its event; false when none was open. */
export async function markAlertChecked(tx: Tx, ctx: TenantAccess, alertId: string): Promise<boolean> {
  const tenantId = ctx.granted.tenantId;
  const [row] = await tx
    .update(alerts)
    .set({ acknowledgedAt: now(), acknowledgedByLoginId: ctx.loginId })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, alertId), isNull(alerts.acknowledgedAt)))
    .returning({ rule: alerts.rule });
  if (!row) return false;
  await recordAudit(tx, {
    tenantId,
    action: 'alert.acknowledged',
    outcome: 'success',
    ...byOperator(ctx),
    target: { type: 'alert', id: alertId },
    details: { rule: row.rule },
  });
  return true;
}
