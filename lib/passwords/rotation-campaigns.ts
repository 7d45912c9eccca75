import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { affectedRows, rowsOf, withOwnerTx, type Tx } from '@/db';
import { PLATFORM_TENANT_ID, rotationCampaigns, rotationTargets } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, SteppedUp } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { reasonSchema } from '@/lib/http/input-schemas';
import { campaignScope, campaignTenantsInput } from './campaign-scope';

// A date-time without a zone (an <input type="datetime-local">) is Japan time, as the UI says.
export const deadlineSchema = z.preprocess(
  (v) =>
    typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v)
      ? `${v.length === 16 ? `${v}:00` : v}+09:00`
      : v,
  z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'invalid_format'),
);

export const startCampaignInput = z.object({
  reason: reasonSchema,
  deadline: deadlineSchema,
  revokeSessions: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
  ...campaignTenantsInput.shape,
});

/** A deadline at least a minute ahead: less would lock operators before they could act. */
export function assertDeadlineAhead(deadline: Date, at: Date) {
  if (deadline.getTime() <= at.getTime() + 60_000) throw new AppError('bad_request', { deadline: ['in_past'] });
}

/**
 * Starts a forced rotation: every active operator in scope whose password predates the campaign
 * must change it (the starter too, if in scope), optionally with all their sessions ended but the
 * starter's own. Set-based SQL from start to end, whatever the number of operators.
 */
export async function startRotationCampaign(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  input: z.infer<typeof startCampaignInput>,
) {
  const ownerTenantId = ctx.granted.tenantId;
  const startedAt = now();
  assertDeadlineAhead(input.deadline, startedAt);
  const platform = ownerTenantId === PLATFORM_TENANT_ID;
  return withOwnerTx(ownerTenantId, async (tx) => {
    const scope = await campaignScope(tx, ownerTenantId, input);
    const campaignId = crypto.randomUUID();
    await tx.insert(rotationCampaigns).values({
      tenantId: ownerTenantId,
      id: campaignId,
      reason: input.reason,
      deadline: input.deadline,
      revokeSessions: input.revokeSessions,
      startedAt,
      startedByOperatorId: ctx.operatorId,
      startedByLoginId: ctx.loginId,
    });
    const at = startedAt.toISOString();
    // Times are kept to the millisecond: a password set in the campaign's own millisecond does
    // not demonstrably postdate it, so it is rotated too.
    const perTenant = await tx.execute(sql`
      with targets as (
        insert into rotation_targets (tenant_id, campaign_tenant_id, campaign_id, operator_id, deadline)
        select o.tenant_id, ${ownerTenantId}, ${campaignId}, o.id, ${input.deadline.toISOString()}
          from operators o
         where ${scope} and o.status = 'active' and o.password_changed_at <= ${at}
        returning tenant_id, operator_id
      ), flagged as (
        update operators o set must_change_password = true
          from targets t where o.tenant_id = t.tenant_id and o.id = t.operator_id
        returning o.tenant_id
      )
      select tenant_id, count(*)::int as n from flagged group by tenant_id`);
    const counts = rowsOf<{ tenant_id: string; n: number }>(perTenant);
    const total = counts.reduce((n, r) => n + r.n, 0);
    let sessionsEnded = 0;
    if (input.revokeSessions) {
      const ended = await tx.execute(sql`
        update sessions s set revoked_at = ${at}, revoked_reason = 'rotation_campaign'
          from rotation_targets t
         where t.campaign_tenant_id = ${ownerTenantId} and t.campaign_id = ${campaignId} and s.tenant_id = t.tenant_id and s.operator_id = t.operator_id
           and s.revoked_at is null
           -- The starter's own session stays: they are asked to change their password in it.
           and not (s.tenant_id = ${ctx.tenantId} and s.id = ${ctx.sessionId})`);
      sessionsEnded = affectedRows(ended);
    }
    await tx
      .update(rotationCampaigns)
      .set({ targetCount: total, tenantCount: counts.length })
      .where(and(eq(rotationCampaigns.tenantId, ownerTenantId), eq(rotationCampaigns.id, campaignId)));
    const details = {
      reason: input.reason,
      deadline: input.deadline.toISOString(),
      revokeSessions: input.revokeSessions,
      sessionsEnded,
    };
    await recordAudit(tx, {
      tenantId: ownerTenantId,
      action: 'rotation.started',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'rotation_campaign', id: campaignId },
      details: {
        ...details,
        operators: total,
        tenants: counts.length,
        scope: platform ? (input.tenantIds?.length ? 'chosen_tenants' : 'all_tenants') : 'tenant',
      },
    });
    // Each tenant's own chain says that its operators were put under rotation, and how many.
    if (platform) {
      for (const c of counts) {
        await recordAudit(tx, {
          tenantId: c.tenant_id,
          action: 'rotation.started',
          outcome: 'success',
          ...byOperator(ctx),
          target: { type: 'rotation_campaign', id: campaignId },
          details: { ...details, operators: c.n, campaignTenantId: ownerTenantId },
        });
      }
    }
    const [self] = rowsOf<{ n: number }>(
      await tx.execute(sql`
        select count(*)::int as n from rotation_targets
         where campaign_tenant_id = ${ownerTenantId} and campaign_id = ${campaignId}
           and tenant_id = ${ctx.tenantId} and operator_id = ${ctx.operatorId}`),
    );
    return { campaignId, operators: total, tenants: counts.length, sessionsEnded, includesSelf: self.n > 0 };
  });
}

async function lockCampaign(tx: Tx, ownerTenantId: string, campaignId: string) {
  const [row] = await tx
    .select({ status: rotationCampaigns.status, deadline: rotationCampaigns.deadline })
    .from(rotationCampaigns)
    .where(and(eq(rotationCampaigns.tenantId, ownerTenantId), eq(rotationCampaigns.id, campaignId)))
    .for('update');
  if (!row) throw new AppError('not_found');
  if (row.status !== 'active') throw new AppError('conflict', { campaign: ['not_active'] });
  return row;
}

export const extendCampaignInput = z.object({ deadline: deadlineSchema });

export async function extendRotationCampaign(
  ctx: TenantAccess<'security.write'>,
  campaignId: string,
  input: z.infer<typeof extendCampaignInput>,
) {
  const ownerTenantId = ctx.granted.tenantId;
  return withOwnerTx(ownerTenantId, async (tx) => {
    const before = await lockCampaign(tx, ownerTenantId, campaignId);
    if (input.deadline.getTime() <= Math.max(before.deadline.getTime(), now().getTime()))
      throw new AppError('bad_request', { deadline: ['not_later'] });
    await tx
      .update(rotationCampaigns)
      .set({ deadline: input.deadline })
      .where(and(eq(rotationCampaigns.tenantId, ownerTenantId), eq(rotationCampaigns.id, campaignId)));
    await tx
      .update(rotationTargets)
      .set({ deadline: input.deadline })
      .where(
        and(
          eq(rotationTargets.campaignTenantId, ownerTenantId),
          eq(rotationTargets.campaignId, campaignId),
          eq(rotationTargets.status, 'pending'),
        ),
      );
    await recordAudit(tx, {
      tenantId: ownerTenantId,
      action: 'rotation.extended',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'rotation_campaign', id: campaignId },
      details: { before: before.deadline.toISOString(), after: input.deadline.toISOString() },
    });
  });
}

/**
 * Stops a campaign: pending operators are released from the must-change flag it set (unless
 * another campaign still holds them); operators already locked stay locked until an admin resets them.
 */
export async function cancelRotationCampaign(ctx: TenantAccess<'security.write'>, campaignId: string) {
  const ownerTenantId = ctx.granted.tenantId;
  return withOwnerTx(ownerTenantId, async (tx) => {
    await lockCampaign(tx, ownerTenantId, campaignId);
    await tx
      .update(rotationCampaigns)
      .set({ status: 'cancelled', cancelledAt: now() })
      .where(and(eq(rotationCampaigns.tenantId, ownerTenantId), eq(rotationCampaigns.id, campaignId)));
    const released = await tx.execute(sql`
      with cancelled as (
        update rotation_targets set status = 'cancelled'
         where campaign_tenant_id = ${ownerTenantId} and campaign_id = ${campaignId} and status = 'pending'
        returning tenant_id, operator_id
      )
      update operators o set must_change_password = false
        from cancelled c
       where o.tenant_id = c.tenant_id and o.id = c.operator_id
         and not exists (select 1 from rotation_targets t where t.tenant_id = c.tenant_id and t.operator_id = c.operator_id
                          and t.status = 'pending' and t.campaign_id <> ${campaignId})`);
    const count = affectedRows(released);
    await recordAudit(tx, {
      tenantId: ownerTenantId,
      action: 'rotation.cancelled',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'rotation_campaign', id: campaignId },
      details: { released: count },
    });
    return { released: count };
  });
}
