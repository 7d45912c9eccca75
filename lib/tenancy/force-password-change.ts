import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { operators } from '@/db/schema';
import { byActor, recordAudit } from '@/lib/audit/record-audit';
import type { SteppedUpActor } from '@/lib/kernel/access';
import { z } from '@/lib/http/zod-messages';
import { lockOperator } from '@/lib/tenancy/operator-guards';
import { reasonSchema } from '@/lib/http/input-schemas';

export const forcePasswordChangeInput = z.object({ reason: reasonSchema });

/** Flags one operator to change their password (their current one stays valid to log in with). */
export async function forcePasswordChange(
  ctx: SteppedUpActor<'operators.write', 'operators:write'>,
  operatorId: string,
  input: z.infer<typeof forcePasswordChangeInput>,
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const target = await lockOperator(tx, tenantId, operatorId);
    await tx
      .update(operators)
      .set({ mustChangePassword: true })
      .where(and(eq(operators.tenantId, tenantId), eq(operators.id, operatorId)));
    await recordAudit(tx, {
      tenantId,
      action: 'password.change_forced',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'operator', id: operatorId },
      details: { loginId: target.loginId, reason: input.reason },
    });
  });
}
