import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '@/db';
import { alerts, type AlertRule } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { queueWebhook } from './webhooks';

export interface AlertInput {
  tenantId: string;
  rule: AlertRule;
  operator?: { operatorId: string | null; loginId: string | null } | null;
  details?: Record<string, unknown>;
}

/**
 * Raises a security alert in the caller's transaction, with its `alert.raised` event and, when the
 * tenant has a webhook, its queued delivery: an alert exists exactly when the action that caused it does.
 */
export async function raiseAlert(tx: Tx, input: AlertInput): Promise<string> {
  const [row] = await tx
    .insert(alerts)
    .values({
      tenantId: input.tenantId,
      rule: input.rule,
      operatorId: input.operator?.operatorId ?? null,
      loginId: input.operator?.loginId ?? null,
      details: input.details ?? {},
    })
    .returning({ id: alerts.id });
  await recordAudit(tx, {
    tenantId: input.tenantId,
    action: 'alert.raised',
    outcome: 'success',
    actor: { operatorId: null, loginId: 'system:alerts' },
    target: { type: 'alert', id: row.id },
    details: { rule: input.rule, operatorLoginId: input.operator?.loginId ?? null, ...(input.details ?? {}) },
  });
  await queueWebhook(tx, input.tenantId, row.id);
  return row.id;
}

/**
 * As raiseAlert, unless the same rule is still open for the same operator and address from the
 * last hour: someone retrying a known password from one place raises one alert, not one per try.
 */
export async function raiseAlertOnce(
  tx: Tx,
  input: AlertInput & { operator: { operatorId: string; loginId: string }; details: { ip: string } },
): Promise<string | null> {
  // The alert's own clock (raised_at defaults to the database's now()) decides "the last hour".
  const open = rowsOf<{ id: string }>(
    await tx.execute(sql`
      select id from alerts
       where tenant_id = ${input.tenantId} and rule = ${input.rule} and operator_id = ${input.operator.operatorId}
         and acknowledged_at is null and raised_at >= now() - interval '1 hour' and details->>'ip' = ${input.details.ip}
       limit 1`),
  );
  return open.length > 0 ? null : raiseAlert(tx, input);
}
