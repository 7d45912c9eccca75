import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { PLATFORM_TENANT_ID, incidentPivots, incidents } from '@/db/schema';
import type { AuditFilter } from '@/lib/audit/audit-filter';
import { AppError } from '@/lib/http/app-error';
import type { PlatformAccess, TenantAccess } from '@/lib/kernel/access';
import { pivotFilter } from './get-incident';

/**
 * The pivots of one incident of the granted tenant (or, with platform access, of the platform) as
 * audit filters: what its report, CSV and bundle are computed from. An incident of someone else is
 * not found; one without pivots has nothing to measure.
 */
export async function readIncidentPivots(
  access: TenantAccess<'audit.read'> | PlatformAccess<'audit.read'>,
  incidentId: string,
): Promise<{ ownerTenantId: string; title: string; filters: AuditFilter[] }> {
  const owner = 'tenantId' in access.granted ? access.granted.tenantId : PLATFORM_TENANT_ID;
  const found = await withOwnerTx(
    owner,
    async (tx) => {
      const [incident] = await tx
        .select({ title: incidents.title })
        .from(incidents)
        .where(and(eq(incidents.tenantId, owner), eq(incidents.id, incidentId)));
      if (!incident) return null;
      const pivots = await tx
        .select({ filter: incidentPivots.filter })
        .from(incidentPivots)
        .where(and(eq(incidentPivots.tenantId, owner), eq(incidentPivots.incidentId, incidentId)))
        .orderBy(asc(incidentPivots.addedAt));
      return { title: incident.title, pivots };
    },
    { readOnly: true },
  );
  if (!found) throw new AppError('not_found');
  if (found.pivots.length === 0) throw new AppError('bad_request', { incident: ['no_pivots'] });
  return { ownerTenantId: owner, title: found.title, filters: found.pivots.map((p) => pivotFilter(p.filter)) };
}
