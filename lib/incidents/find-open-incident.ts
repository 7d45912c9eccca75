import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { PLATFORM_TENANT_ID, incidents } from '@/db/schema';
import { AppError } from '@/lib/http/app-error';
import type { IncidentUse, OperatorContext } from '@/lib/kernel/operator-context';

/**
 * The open incident an action names, if the actor may act for it: the acted-on tenant's own, or
 * the platform's when the actor is platform staff. Anything else is refused as unknown, the same
 * whether it exists elsewhere or not; a closed one is refused as closed.
 */
export async function findOpenIncident(
  ctx: OperatorContext & { granted?: { tenantId: string } },
  incidentId: string,
): Promise<IncidentUse> {
  const owners = [ctx.granted?.tenantId ?? ctx.tenantId];
  if (ctx.tenantId === PLATFORM_TENANT_ID && !owners.includes(PLATFORM_TENANT_ID)) owners.push(PLATFORM_TENANT_ID);
  for (const owner of owners) {
    const [found] = await withOwnerTx(
      owner,
      (tx) =>
        tx
          .select({ closedAt: incidents.closedAt })
          .from(incidents)
          .where(and(eq(incidents.tenantId, owner), eq(incidents.id, incidentId))),
      { readOnly: true },
    );
    if (!found) continue;
    if (found.closedAt) throw new AppError('conflict', { incidentId: ['incident_closed'] });
    return { ownerTenantId: owner, id: incidentId };
  }
  throw new AppError('bad_request', { incidentId: ['incident_unknown'] });
}
