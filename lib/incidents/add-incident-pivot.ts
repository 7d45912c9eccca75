import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { incidentPivots, incidents } from '@/db/schema';
import { filterParams, parseAuditFilter } from '@/lib/audit/audit-filter';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { uuidSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import type { TenantAccess } from '@/lib/kernel/access';

export const addIncidentPivotInput = z.object({
  incidentId: uuidSchema,
  /** The pivot as the audit page's query string (times as ISO 8601 instants). */
  filter: z.string().min(1).max(2000),
});

/**
 * Adds a pivot (a session, operator, address or target, with its time window) to an open
 * incident of the granted tenant. Kept in its canonical form, once.
 */
export async function addIncidentPivot(
  ctx: TenantAccess<'security.write'>,
  input: z.infer<typeof addIncidentPivotInput>,
) {
  const owner = ctx.granted.tenantId;
  // A pivot is of the incident's whole reach (the tenant's chain; for the platform, every chain):
  // a page position or a chosen chain is no part of it.
  const params = new URLSearchParams(input.filter);
  for (const k of ['before', 'tenant', 'across']) params.delete(k);
  const parsed = parseAuditFilter(params, 'api');
  if (!parsed.ok) throw new AppError('bad_request', { filter: ['invalid_pivot'] });
  const f = parsed.filter;
  if (!f.session && !f.actor && !f.ip && !f.target) throw new AppError('bad_request', { filter: ['invalid_pivot'] });
  const filter = filterParams(f).toString();
  return withOwnerTx(owner, async (tx) => {
    const [incident] = await tx
      .select({ closedAt: incidents.closedAt })
      .from(incidents)
      .where(and(eq(incidents.tenantId, owner), eq(incidents.id, input.incidentId)))
      .for('update');
    if (!incident) throw new AppError('not_found');
    if (incident.closedAt) throw new AppError('conflict', { incidentId: ['incident_closed'] });
    const added = await tx
      .insert(incidentPivots)
      .values({ tenantId: owner, incidentId: input.incidentId, filter, addedAt: now(), addedByLoginId: ctx.loginId })
      .onConflictDoNothing()
      .returning({ filter: incidentPivots.filter });
    if (added.length === 0) throw new AppError('conflict', { filter: ['pivot_exists'] });
    await recordAudit(tx, {
      tenantId: owner,
      action: 'incident.pivot_added',
      outcome: 'success',
      ...byOperator(ctx),
      incidentId: input.incidentId,
      target: { type: 'incident', id: input.incidentId },
      details: { filter },
    });
    return { filter };
  });
}
