import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withPlatformTx, type Tx } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { revokeOperatorSessions } from '@/lib/sessions/revoke-sessions';

const BATCH = 500;
const SYSTEM = { operatorId: null, loginId: 'system:dormancy' };

/**
 * Active operators whose company's (for staff, the platform's) dormancy period has passed since
 * their last sign-in or since they last became active, as of `at`. Each company keeps one active
 * admin: when every admin is dormant, the most recently active one stays (and the dashboard says so).
 */
export function dormantOperators(at: Date, tenantId?: string) {
  const adminRole = sql`case when t.id = ${PLATFORM_TENANT_ID}::uuid then 'platform_admin' else 'tenant_admin' end`;
  const since = sql`greatest(coalesce(o.last_login_at, o.enabled_at), o.enabled_at)`;
  return sql`
    with cand as (
      select o.tenant_id, o.id, o.login_id, o.role = ${adminRole} as is_admin, ${since} as since, t.dormant_after_days
        from operators o join tenants t on t.id = o.tenant_id
       where o.status = 'active' ${tenantId ? sql`and o.tenant_id = ${tenantId}` : sql``}
         and ${since} < ${at.toISOString()}::timestamptz - make_interval(days => t.dormant_after_days)),
    kept as (
      select distinct on (c.tenant_id) c.tenant_id, c.id
        from cand c
       where c.is_admin
         and not exists (
           select 1 from operators a join tenants t on t.id = a.tenant_id
            where a.tenant_id = c.tenant_id and a.status = 'active' and a.role = ${adminRole}
              and not exists (select 1 from cand d where d.tenant_id = a.tenant_id and d.id = a.id))
       order by c.tenant_id, c.since desc)
    select c.tenant_id, c.id, c.login_id, c.since, c.dormant_after_days,
           exists (select 1 from kept k where k.tenant_id = c.tenant_id and k.id = c.id) as kept
      from cand c`;
}

/**
 * Disables every dormant operator (see dormantOperators), in batches: sessions end, and each is
 * audited in its company's chain as `operator.disabled` with reason `dormant`. A row another
 * instance disabled meanwhile, or that signed in meanwhile, is left alone. Returns how many.
 */
export async function disableDormantOperators(at: Date = now()): Promise<number> {
  let disabled = 0;
  for (;;) {
    const n = await withPlatformTx((tx) => disableBatch(tx, at));
    disabled += n.disabled;
    if (n.seen < BATCH) return disabled;
  }
}

async function disableBatch(tx: Tx, at: Date) {
  const due = rowsOf<{
    tenant_id: string;
    id: string;
    login_id: string;
    since: string | Date;
    dormant_after_days: number;
  }>(await tx.execute(sql`select * from (${dormantOperators(at)}) d where not d.kept limit ${BATCH}`));
  let disabled = 0;
  for (const o of due) {
    const since = new Date(o.since);
    // Still active and still dormant: another instance or a sign-in may have come first.
    const [row] = rowsOf<{ id: string }>(
      await tx.execute(sql`
        update operators set status = 'disabled', updated_at = ${at.toISOString()}
         where tenant_id = ${o.tenant_id} and id = ${o.id} and status = 'active'
           and greatest(coalesce(last_login_at, enabled_at), enabled_at) = ${since.toISOString()}::timestamptz
        returning id`),
    );
    if (!row) continue;
    const sessionsEnded = await revokeOperatorSessions(tx, o.tenant_id, o.id, 'operator_dormant');
    await recordAudit(tx, {
      tenantId: o.tenant_id,
      action: 'operator.disabled',
      outcome: 'success',
      actor: SYSTEM,
      target: { type: 'operator', id: o.id },
      details: {
        loginId: o.login_id,
        reason: 'dormant',
        inactiveSince: since.toISOString(),
        dormantAfterDays: Number(o.dormant_after_days),
        before: 'active',
        after: 'disabled',
        sessionsEnded,
      },
    });
    disabled++;
  }
  return { seen: due.length, disabled };
}
