import 'server-only';
import { withOwnerTx } from '@/db';
import { incidents } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { z } from '@/lib/http/zod-messages';
import type { TenantAccess } from '@/lib/kernel/access';

export const incidentTitleSchema = z.string().trim().min(3).max(200);
export const openIncidentInput = z.object({ title: incidentTitleSchema });

/** Opens an incident of the granted tenant (the platform's: across companies). */
export async function openIncident(ctx: TenantAccess<'security.write'>, input: z.infer<typeof openIncidentInput>) {
  const owner = ctx.granted.tenantId;
  const id = crypto.randomUUID();
  await withOwnerTx(owner, async (tx) => {
    await tx
      .insert(incidents)
      .values({ tenantId: owner, id, title: input.title, openedAt: now(), openedByLoginId: ctx.loginId });
    await recordAudit(tx, {
      tenantId: owner,
      action: 'incident.opened',
      outcome: 'success',
      ...byOperator(ctx),
      incidentId: id,
      target: { type: 'incident', id },
      details: { title: input.title },
    });
  });
  return { id };
}
