import 'server-only';
import { eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { tenants } from '@/db/schema';
import { byActor, recordAudit } from '@/lib/audit/record-audit';
import type { SteppedUpActor, TenantActor } from '@/lib/kernel/access';
import { assertIfMatch, etagOf } from '@/lib/http/etag';
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

/** The policy's state as its ETag names it. */
const policyTag = (p: { minLength: number; maxAgeDays: number | null }) =>
  etagOf({ minLength: p.minLength, maxAgeDays: p.maxAgeDays });

export async function getPasswordSettings(ctx: TenantActor<'security.write', 'policy:read' | 'policy:write'>) {
  const tenantId = ctx.granted.tenantId;
  const [row] = await withTenantTx(tenantId, (tx) =>
    tx
      .select({ minLength: tenants.passwordMinLength, maxAgeDays: tenants.passwordMaxAgeDays })
      .from(tenants)
      .where(eq(tenants.id, tenantId)),
  );
  if (!row) throw new AppError('not_found');
  return { ...row, etag: policyTag(row) };
}

/** A security setting: needs a fresh second factor like every other (TOTP even within a grace period). */
export async function updatePasswordSettings(
  ctx: SteppedUpActor<'security.write', 'policy:write'>,
  input: z.infer<typeof passwordSettingsInput>,
  options: { ifMatch?: string } = {},
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const [before] = await tx
      .select({ minLength: tenants.passwordMinLength, maxAgeDays: tenants.passwordMaxAgeDays })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
      .for('update');
    if (!before) throw new AppError('not_found');
    assertIfMatch(options.ifMatch, policyTag(before));
    await tx
      .update(tenants)
      .set({ passwordMinLength: input.minLength, passwordMaxAgeDays: input.maxAgeDays })
      .where(eq(tenants.id, tenantId));
    await recordAudit(tx, {
      tenantId,
      action: 'password_policy.updated',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'tenant', id: tenantId },
      details: { before, after: input },
    });
    return { etag: policyTag(input) };
  });
}
