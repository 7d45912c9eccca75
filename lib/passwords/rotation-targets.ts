import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '@/db';
import { rotationTargets } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorContext } from '@/lib/kernel/operator-context';
import { now } from '@/lib/clock';

/** After a password change: every open target of this operator is done, one event each. */
export async function completeRotationTargets(tx: Tx, ctx: OperatorContext) {
  const done = await tx
    .update(rotationTargets)
    .set({ status: 'rotated', rotatedAt: now() })
    .where(
      and(
        eq(rotationTargets.tenantId, ctx.tenantId),
        eq(rotationTargets.operatorId, ctx.operatorId),
        inArray(rotationTargets.status, ['pending', 'locked']),
      ),
    )
    .returning({ campaignId: rotationTargets.campaignId, campaignTenantId: rotationTargets.campaignTenantId });
  for (const c of done) {
    await recordAudit(tx, {
      tenantId: ctx.tenantId,
      action: 'rotation.completed_by_operator',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'rotation_campaign', id: c.campaignId },
      details: { campaignTenantId: c.campaignTenantId },
    });
  }
  return done;
}

/**
 * Locks every operator still pending after their campaign's deadline (set-based, all tenants or
 * one operator) and records one event per tenant. Run by the server every minute and by the
 * login path for the operator at hand, so a deadline holds to the second.
 */
export async function lockOverdueRotations(tx: Tx, only?: { tenantId: string; operatorId: string }) {
  const at = now().toISOString();
  const result = await tx.execute(sql`
    with overdue as (
      update rotation_targets set status = 'locked', locked_at = ${at}
       where status = 'pending' and deadline <= ${at}
         ${only ? sql`and tenant_id = ${only.tenantId} and operator_id = ${only.operatorId}` : sql``}
      returning tenant_id, operator_id, campaign_id
    ), locked as (
      update operators o set locked_at = ${at}
        from overdue where o.tenant_id = overdue.tenant_id and o.id = overdue.operator_id
      returning o.tenant_id, o.login_id, overdue.campaign_id
    )
    select tenant_id, campaign_id, count(*)::int as n, (array_agg(login_id order by login_id))[1:50] as login_ids
      from locked group by tenant_id, campaign_id`);
  const rows = rowsOf<{ tenant_id: string; campaign_id: string; n: number; login_ids: string[] }>(result);
  for (const r of rows) {
    await recordAudit(tx, {
      tenantId: r.tenant_id,
      action: 'rotation.locked_after_deadline',
      outcome: 'success',
      actor: { operatorId: null, loginId: 'system:rotation' },
      target: { type: 'rotation_campaign', id: r.campaign_id },
      details: { count: r.n, loginIds: r.login_ids },
    });
  }
  return rows.reduce((n, r) => n + r.n, 0);
}
