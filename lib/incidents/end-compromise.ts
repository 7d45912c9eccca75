import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { compromiseDeclarations } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { reasonSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import type { SteppedUp, TenantAccess } from '@/lib/kernel/access';

export const endCompromiseInput = z.object({ reason: reasonSchema });

/**
 * Ends the owner's active compromise declaration: only by this explicit step, never by itself.
 * What it voided stays void; the record and its progress remain for the incident's report.
 */
export async function endCompromise(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  input: z.infer<typeof endCompromiseInput>,
) {
  const owner = ctx.granted.tenantId;
  return withOwnerTx(owner, async (tx) => {
    const [ended] = await tx
      .update(compromiseDeclarations)
      .set({ endedAt: now(), endedByLoginId: ctx.loginId })
      .where(and(eq(compromiseDeclarations.tenantId, owner), isNull(compromiseDeclarations.endedAt)))
      .returning({ id: compromiseDeclarations.id, declaredAt: compromiseDeclarations.declaredAt });
    if (!ended) throw new AppError('not_found');
    await recordAudit(tx, {
      tenantId: owner,
      action: 'compromise.ended',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'compromise', id: ended.id },
      details: { reason: input.reason, declaredAt: ended.declaredAt.toISOString() },
    });
  });
}
