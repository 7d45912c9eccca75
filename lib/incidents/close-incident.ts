import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { incidents } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { reasonSchema, uuidSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import type { TenantAccess } from '@/lib/kernel/access';

export const closeIncidentInput = z.object({ incidentId: uuidSchema, reason: reasonSchema });

/** Closes an open incident with a note; its record, pivots and timeline stay for the report. */
export async function closeIncident(ctx: TenantAccess<'security.write'>, input: z.infer<typeof closeIncidentInput>) {
  const owner = ctx.granted.tenantId;
  await withOwnerTx(owner, async (tx) => {
    const [closed] = await tx
      .update(incidents)
      .set({ closedAt: now(), closedByLoginId: ctx.loginId, closingNote: input.reason })
      .where(and(eq(incidents.tenantId, owner), eq(incidents.id, input.incidentId), isNull(incidents.closedAt)))
      .returning({ id: incidents.id });
    if (!closed) throw new AppError('not_found');
    await recordAudit(tx, {
      tenantId: owner,
      action: 'incident.closed',
      outcome: 'success',
      ...byOperator(ctx),
      incidentId: input.incidentId,
      target: { type: 'incident', id: input.incidentId },
      details: { reason: input.reason },
    });
  });
}
