import 'server-only';
import { sql } from 'drizzle-orm';
import { selectOwnerRows } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import type { PlatformAccess } from '@/lib/kernel/access';
import type { AuditFilter } from './audit-filter';
import { PIVOT_COUNT_CAP } from './count-audit-actions';
import { auditSearchFilter } from './search-audit-events';

/**
 * A pivot across tenants counted: per tenant that saw it, its events by action, over each
 * tenant's newest PIVOT_COUNT_CAP (`capped` says where a count stopped there).
 */
export async function countAuditAcrossTenants(_ctx: PlatformAccess<'audit.read'>, query: AuditFilter) {
  const { where } = auditSearchFilter(
    PLATFORM_TENANT_ID,
    { ...query, tenant: undefined, before: undefined },
    sql`t.id`,
  );
  const rows = await selectOwnerRows<[string, string, string, string, number | string]>(
    PLATFORM_TENANT_ID,
    sql`select t.id, t.code, t.name, e.action, count(*)::int from tenants t cross join lateral (
          select action from audit_events where ${where}
           order by occurred_at desc, seq desc limit ${sql.raw(String(PIVOT_COUNT_CAP))}
        ) e group by t.id, t.code, t.name, e.action order by t.code, 5 desc, e.action`,
    { plan: 'custom' },
  );
  const tenants = new Map<
    string,
    { tenantId: string; code: string; name: string; total: number; actions: { action: string; count: number }[] }
  >();
  for (const [tenantId, code, name, action, n] of rows) {
    const entry = tenants.get(tenantId) ?? { tenantId, code, name, total: 0, actions: [] };
    entry.actions.push({ action, count: Number(n) });
    entry.total += Number(n);
    tenants.set(tenantId, entry);
  }
  const list = [...tenants.values()].map((t) => ({ ...t, capped: t.total >= PIVOT_COUNT_CAP }));
  const byAction = new Map<string, number>();
  for (const t of list) for (const a of t.actions) byAction.set(a.action, (byAction.get(a.action) ?? 0) + a.count);
  return {
    tenants: list,
    total: list.reduce((s, t) => s + t.total, 0),
    actions: [...byAction].map(([action, count]) => ({ action, count })).sort((a, b) => b.count - a.count),
  };
}
