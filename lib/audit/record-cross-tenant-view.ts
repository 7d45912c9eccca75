import 'server-only';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import type { PlatformAccess } from '@/lib/kernel/access';
import { filterParams, type AuditFilter } from './audit-filter';
import { byOperator, recordAudit } from './record-audit';

/**
 * Platform staff looked across every tenant's trail (a pivot, its blast radius or its report):
 * recorded in the platform's own chain with the filter (an incident's: its filters), so a
 * cross-tenant look is itself evidence.
 */
export async function recordCrossTenantView(
  ctx: PlatformAccess<'audit.read'>,
  query: AuditFilter | AuditFilter[],
  view: 'search' | 'report' | 'csv',
): Promise<void> {
  const filters = (Array.isArray(query) ? query : [query]).map((f) => filterParams(f).toString());
  await withPlatformTx((tx) =>
    recordAudit(tx, {
      tenantId: PLATFORM_TENANT_ID,
      action: 'audit.searched_across',
      outcome: 'success',
      ...byOperator(ctx),
      // An incident's several pivots are listed; one look keeps its single filter.
      details: filters.length === 1 ? { filter: filters[0], view } : { filters, view },
    }),
  );
}
