import 'server-only';
import { eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { tenants } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import type { SteppedUp, TenantAccess } from '@/lib/kernel/access';

export const dormancyPeriodInput = z.object({ dormantAfterDays: z.coerce.number().int().min(30).max(730) });

/** The days without a sign-in after which the tenant's operators (the platform's: its staff) are disabled. */
export async function getDormancyPeriod(ctx: TenantAccess<'security.write'>) {
  const tenantId = ctx.granted.tenantId;
  const [row] = await withTenantTx(tenantId, (tx) =>
    tx.select({ dormantAfterDays: tenants.dormantAfterDays }).from(tenants).where(eq(tenants.id, tenantId)),
  );
  if (!row) throw new AppError('not_found');
  return row.dormantAfterDays;
}

/** Changes it; a security setting, so with a fresh second factor, audited with before and after. */
export async function setDormancyPeriod(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  input: z.infer<typeof dormancyPeriodInput>,
) {
  const tenantId = ctx.granted.tenantId;
  await withTenantTx(tenantId, async (tx) => {
    const [before] = await tx
      .select({ days: tenants.dormantAfterDays })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
      .for('update');
    if (!before) throw new AppError('not_found');
    await tx.update(tenants).set({ dormantAfterDays: input.dormantAfterDays }).where(eq(tenants.id, tenantId));
    await recordAudit(tx, {
      tenantId,
      action: 'tenant.dormancy_updated',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'tenant', id: tenantId },
      details: { before: before.days, after: input.dormantAfterDays },
    });
  });
}
