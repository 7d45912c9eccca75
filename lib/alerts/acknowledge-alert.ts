import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { withTenantTx, type Tx } from '@/db';
import { alerts } from '@/db/schema';
import { byActor, recordAudit } from '@/lib/audit/record-audit';
import type { TenantActor } from '@/lib/kernel/access';
import type { Permission } from '@/lib/kernel/permissions';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';

/** Marks an alert as looked at; who did is kept on the alert and in the audit trail. */
export async function acknowledgeAlert(ctx: TenantActor<'security.write', 'alerts:write'>, alertId: string) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    if (!(await markAlertChecked(tx, ctx, alertId))) throw new AppError('not_found');
  });
}

/** In the caller's transaction: an open alert marked as checked, with its event; false when none was open. */
export async function markAlertChecked(
  tx: Tx,
  ctx: TenantActor<Permission, 'alerts:write'>,
  alertId: string,
): Promise<boolean> {
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
    ...byActor(ctx),
    target: { type: 'alert', id: alertId },
    details: { rule: row.rule },
  });
  return true;
}
