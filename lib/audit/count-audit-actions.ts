import 'server-only';
import { sql } from 'drizzle-orm';
import { selectOwnerRows } from '@/db';
import type { AuditFilter } from './audit-filter';
import { auditSearchFilter } from './search-audit-events';

/** How many of a filter's newest events are counted: enough for a session or a day of an address. */
export const PIVOT_COUNT_CAP = 10_000;

/**
 * For a pivot (everything one session, operator, address or target did): how many events of each
 * action match the filter, over its newest PIVOT_COUNT_CAP events, so the count stays an index
 * range however long the history. `capped` says the count stopped there. Callers have authorized
 * the viewer for `tenantId`, as for the search.
 */
export async function countAuditActions(tenantId: string, query: AuditFilter) {
  const { chain, where } = auditSearchFilter(tenantId, { ...query, before: undefined });
  const rows = await selectOwnerRows<[string, number | string]>(
    chain,
    sql`select action, count(*)::int from (
          select action from audit_events where ${where}
           order by occurred_at desc, seq desc limit ${sql.raw(String(PIVOT_COUNT_CAP))}
        ) newest group by action order by 2 desc, 1`,
    { plan: 'custom' },
  );
  const actions = rows.map(([action, n]) => ({ action, count: Number(n) }));
  const total = actions.reduce((sum, a) => sum + a.count, 0);
  return { chain, total, capped: total >= PIVOT_COUNT_CAP, actions };
}
