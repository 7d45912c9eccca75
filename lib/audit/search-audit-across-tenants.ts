import 'server-only';
import { sql } from 'drizzle-orm';
import { selectOwnerRows } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import type { PlatformAccess } from '@/lib/kernel/access';
import type { AuditFilter } from './audit-filter';
import { AUDIT_PAGE, COLUMNS, auditSearchFilter, toEventRow, type Cell } from './search-audit-events';

/**
 * A pivot across every tenant's chain, for platform staff: what one address, session or operator
 * did anywhere, newest first, each event with its tenant. Each tenant is one index range cut at
 * the page size (a lateral join), so the cost grows with the number of tenants, not of events.
 * The newest page only: a tenant's link pages on within that chain.
 */
export async function searchAuditAcrossTenants(
  _ctx: PlatformAccess<'audit.read'>,
  query: AuditFilter,
  pageSize = AUDIT_PAGE,
) {
  const { where } = auditSearchFilter(
    PLATFORM_TENANT_ID,
    { ...query, tenant: undefined, before: undefined },
    sql`t.id`,
  );
  const top = sql.raw(String(pageSize));
  const rows = await selectOwnerRows<Cell[]>(
    PLATFORM_TENANT_ID,
    sql`select e.*, t.code as tenant_code, t.name as tenant_name from tenants t cross join lateral (
          select ${COLUMNS} from audit_events where ${where} order by occurred_at desc, seq desc limit ${top}
        ) e order by e.occurred_at desc, e.seq desc limit ${top}`,
    { plan: 'custom' },
  );
  return rows.map((r) => ({ ...toEventRow(r), tenantCode: r[15] as string, tenantName: r[16] as string }));
}
