import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { affectedRows, rowsOf, withOwnerTx } from '@/db';
import { PLATFORM_TENANT_ID, rotationCampaigns } from '@/db/schema';
import { byActor, recordAudit } from '@/lib/audit/record-audit';
import type { SteppedUpActor } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { z } from '@/lib/http/zod-messages';
import { reasonSchema } from '@/lib/http/input-schemas';
import { campaignScope, campaignTenantsInput } from './campaign-scope';
import { assertDeadlineAhead, deadlineSchema } from './campaign-deadline';

export const startCampaignInput = z.object({
  reason: reasonSchema,
  deadline: deadlineSchema,
  revokeSessions: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
  ...campaignTenantsInput.shape,
});

/**
 * Starts a forced rotation: every active operator in scope whose password predates the campaign
 * must change it (the starter too, if in scope), optionally with all their sessions ended but the
 * starter's own. Set-based SQL from start to end, whatever the number of operators.
 */
export async function startRotationCampaign(
  ctx: SteppedUpActor<'security.write', 'rotation:write'>,
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
           ${ctx.sessionId ? sql`and not (s.tenant_id = ${ctx.tenantId} and s.id = ${ctx.sessionId})` : sql``}`);
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
      ...byActor(ctx),
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
          ...byActor(ctx),
          target: { type: 'rotation_campaign', id: campaignId },
          details: { ...details, operators: c.n, campaignTenantId: ownerTenantId },
        });
      }
    }
    const [self] = ctx.operatorId
      ? rowsOf<{ n: number }>(
          await tx.execute(sql`
            select count(*)::int as n from rotation_targets
             where campaign_tenant_id = ${ownerTenantId} and campaign_id = ${campaignId}
               and tenant_id = ${ctx.tenantId} and operator_id = ${ctx.operatorId}`),
        )
      : [{ n: 0 }];
    return { campaignId, operators: total, tenants: counts.length, sessionsEnded, includesSelf: self.n > 0 };
  });
}
