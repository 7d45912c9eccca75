import 'server-only';
import { eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { tenants } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, SteppedUp } from '@/lib/kernel/access';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { PLATFORM_MIN_LENGTH } from './policy';

export const passwordSettingsInput = z.object({
  minLength: z.coerce.number().int().min(PLATFORM_MIN_LENGTH).max(64),
  // Off (empty) by default: calendar expiry is not recommended.
  maxAgeDays: z.preprocess(
    (v) => (v === '' || v === undefined || v === null ? null : v),
    z.coerce.number().int().min(30).max(3650).nullable(),
  ),
});

export async function getPasswordSettings(ctx: TenantAccess<'security.write'>) {
  const tenantId = ctx.granted.tenantId;
  const [row] = await withTenantTx(tenantId, (tx) =>
    tx
      .select({ minLength: tenants.passwordMinLength, maxAgeDays: tenants.passwordMaxAgeDays })
      .from(tenants)
      .where(eq(tenants.id, tenantId)),
  );
  if (!row) throw new AppError('not_found');
  return row;
}

/** A security setting: needs a fresh second factor like every other (TOTP even within a grace period). */
export async function updatePasswordSettings(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  input: z.infer<typeof passwordSettingsInput>,
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const [before] = await tx
      .select({ minLength: tenants.passwordMinLength, maxAgeDays: tenants.passwordMaxAgeDays })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
      .for('update');
    if (!before) throw new AppError('not_found');
    await tx
      .update(tenants)
      .set({ passwordMinLength: input.minLength, passwordMaxAgeDays: input.maxAgeDays })
      .where(eq(tenants.id, tenantId));
    await recordAudit(tx, {
      tenantId,
      action: 'password_policy.updated',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'tenant', id: tenantId },
      details: { before, after: input },
    });
  });
}
