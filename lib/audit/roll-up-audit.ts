import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withPlatformTx } from '@/db';
import { VIEWER_TIME_ZONE } from './audit-filter';

// One roll-up at a time across instances (each would otherwise count the same new events).
const ROLLUP_LOCK = 0x6d616d6f; // "mamo"

/**
 * Counts every chain's events since it was last counted into audit_daily (per company, day in
 * Japan time, action and outcome, with the rows an order export carried) and into
 * audit_daily_total, and moves each chain's mark, in one transaction. Chains grow in sequence
 * order and a sequence number is committed before the next is taken, so nothing is counted twice
 * or missed. Returns how many events were counted (0 when another instance holds the roll-up).
 */
export async function rollUpAudit(): Promise<number> {
  return withPlatformTx(async (tx) => {
    const [lock] = rowsOf<{ ok: boolean }>(
      await tx.execute(sql`select pg_try_advisory_xact_lock(${ROLLUP_LOCK}) as ok`),
    );
    if (!lock.ok) return 0;
    const [counted] = rowsOf<{ n: number | string | null }>(
      await tx.execute(sql`
        with k as (
          select c.tenant_id, coalesce(m.last_seq, 0) as from_seq, c.last_seq as to_seq
            from audit_chains c left join audit_rollup_marks m on m.tenant_id = c.tenant_id
           where c.last_seq > coalesce(m.last_seq, 0)),
        a as (
          select e.tenant_id, (e.occurred_at at time zone ${VIEWER_TIME_ZONE})::date as day, e.action, e.outcome,
                 count(*)::int as events,
                 coalesce(sum((e.details->>'rows')::bigint) filter (where e.action = 'orders.exported'), 0)::bigint as rows
            from k join audit_events e on e.tenant_id = k.tenant_id and e.seq > k.from_seq and e.seq <= k.to_seq
           group by 1, 2, 3, 4),
        d as (
          insert into audit_daily (tenant_id, day, action, outcome, events, rows)
          select tenant_id, day, action, outcome, events, rows from a
          on conflict (tenant_id, day, action, outcome)
          do update set events = audit_daily.events + excluded.events, rows = audit_daily.rows + excluded.rows),
        t as (
          insert into audit_daily_total (day, action, outcome, events, rows)
          select day, action, outcome, sum(events)::int, sum(rows)::bigint from a where tenant_id in
            (select id from tenants where kind = 'tenant') group by day, action, outcome
          on conflict (day, action, outcome)
          do update set events = audit_daily_total.events + excluded.events, rows = audit_daily_total.rows + excluded.rows),
        m as (
          insert into audit_rollup_marks (tenant_id, last_seq) select tenant_id, to_seq from k
          on conflict (tenant_id) do update set last_seq = excluded.last_seq)
        select sum(events) as n from a`),
    );
    return Number(counted?.n ?? 0);
  });
}
