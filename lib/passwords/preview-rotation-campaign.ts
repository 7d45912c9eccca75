import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withOwnerTx } from '@/db';
import type { TenantAccess } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { z } from '@/lib/http/zod-messages';
import { campaignScope } from './campaign-scope';
import { assertDeadlineAhead } from './campaign-deadline';
import type { startCampaignInput } from './start-rotation-campaign';

/**
 * What starting a campaign would do, for the confirmation the starter reads first: how many
 * operators of how many tenants, how many live sessions would end, and whether the starter's own
 * password is among them. Reads only; the start counts again in its own transaction.
 */
export async function previewRotationCampaign(
  ctx: TenantAccess<'security.write'>,
  input: z.infer<typeof startCampaignInput>,
) {
  const ownerTenantId = ctx.granted.tenantId;
  assertDeadlineAhead(input.deadline, now());
  return withOwnerTx(ownerTenantId, async (tx) => {
    const scope = await campaignScope(tx, ownerTenantId, input);
    const at = now().toISOString();
    const [row] = rowsOf<{ operators: number; tenants: number; includes_self: boolean; live_sessions: number }>(
      await tx.execute(sql`
        with targets as (
          select o.tenant_id, o.id from operators o
           where ${scope} and o.status = 'active' and o.password_changed_at <= ${at}
        )
        select (select count(*)::int from targets) as operators,
               (select count(distinct tenant_id)::int from targets) as tenants,
               exists (select 1 from targets where tenant_id = ${ctx.tenantId} and id = ${ctx.operatorId}) as includes_self,
               (select count(*)::int from sessions s join targets t on s.tenant_id = t.tenant_id and s.operator_id = t.id
                 where s.revoked_at is null and s.expires_at > ${at}
                   and not (s.tenant_id = ${ctx.tenantId} and s.id = ${ctx.sessionId})) as live_sessions`),
    );
    return {
      operators: row.operators,
      tenants: row.tenants,
      includesSelf: row.includes_self,
      liveSessions: row.live_sessions,
    };
  });
}
