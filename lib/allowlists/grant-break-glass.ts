import 'server-only';
import { withTenantTx } from '@/db';
import { ipBreakGlass } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { PlatformAccess, SteppedUp } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { reasonSchema } from '@/lib/http/input-schemas';
import { parseCidr } from '@/lib/ip/ip';
import { lockOperator } from '@/lib/tenancy/operator-guards';

export const breakGlassInput = z.object({
  cidr: z.string().trim().max(64),
  hours: z.coerce.number().int().min(1).max(24),
  reason: reasonSchema,
});

/** A platform admin's time-limited exception (at most 24 h) for one operator from one network. */
export async function grantBreakGlass(
  ctx: SteppedUp<PlatformAccess<'security.write'>>,
  tenantId: string,
  operatorId: string,
  input: z.infer<typeof breakGlassInput>,
) {
  const parsed = parseCidr(input.cidr);
  if (!parsed.ok) throw new AppError('bad_request', { cidr: ['invalid_format'] });
  if (parsed.cidr.prefix === 0) throw new AppError('bad_request', { cidr: ['too_wide'] });
  return withTenantTx(tenantId, async (tx) => {
    const target = await lockOperator(tx, tenantId, operatorId);
    const expiresAt = new Date(now().getTime() + input.hours * 3_600_000);
    await tx.insert(ipBreakGlass).values({
      tenantId,
      operatorId,
      cidr: parsed.normalized,
      reason: input.reason,
      expiresAt,
      grantedByLoginId: ctx.loginId,
    });
    await recordAudit(tx, {
      tenantId,
      action: 'ip_allowlist.break_glass_granted',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'operator', id: operatorId },
      details: {
        loginId: target.loginId,
        cidr: parsed.normalized,
        expiresAt: expiresAt.toISOString(),
        reason: input.reason,
      },
    });
    return { expiresAt };
  });
}
