import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { withTenantTx, type Tx } from '@/db';
import { tenants } from '@/db/schema';
import { byActor, byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, PlatformAccess, SteppedUpActor, TokenAccess } from '@/lib/kernel/access';
import { revokeTenantSessions } from '@/lib/sessions/revoke-sessions';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { optionalEmailSchema, tenantCodeSchema } from './schemas';
import { reasonSchema } from '@/lib/http/input-schemas';

/** Platform staff's operations on a tenant; each writes its event into that tenant's chain. */

export const createTenantInput = z.object({
  code: tenantCodeSchema,
  name: z.string().trim().min(1).max(100),
  contactEmail: optionalEmailSchema,
});

/** A new company requires TOTP of everyone; its first operators get this long to enroll. */
export const NEW_TENANT_TOTP_GRACE_DAYS = 14;

export const newTenantTotpPolicy = (at: Date) => ({
  totpRequired: true,
  totpGraceUntil: new Date(at.getTime() + NEW_TENANT_TOTP_GRACE_DAYS * 86_400_000),
});

export async function createTenant(
  ctx: PlatformAccess<'tenants.write'> | TokenAccess<'tenants:write'>,
  input: z.infer<typeof createTenantInput>,
) {
  const tenantId = crypto.randomUUID();
  const totp = newTenantTotpPolicy(now());
  return withTenantTx(tenantId, async (tx) => {
    const [row] = await tx
      .insert(tenants)
      .values({ id: tenantId, code: input.code, name: input.name, contactEmail: input.contactEmail, ...totp })
      .onConflictDoNothing()
      .returning({ id: tenants.id });
    if (!row) throw new AppError('conflict', { code: ['taken'] });
    // Its audit chain is opened by the database (a trigger on tenants).
    await recordAudit(tx, {
      tenantId,
      action: 'tenant.created',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'tenant', id: tenantId },
      details: { ...input, totpRequired: true, totpGraceUntil: totp.totpGraceUntil.toISOString() },
    });
    return { tenantId };
  });
}

export const updateTenantInput = z.object({
  name: z.string().trim().min(1).max(100),
  contactEmail: optionalEmailSchema,
});

async function lockTenant(tx: Tx, tenantId: string) {
  const [row] = await tx
    .select({ name: tenants.name, contactEmail: tenants.contactEmail, status: tenants.status, code: tenants.code })
    .from(tenants)
    .where(and(eq(tenants.id, tenantId), eq(tenants.kind, 'tenant')))
    .for('update');
  if (!row) throw new AppError('not_found');
  return row;
}

export async function updateTenant(ctx: TenantAccess<'tenants.write'>, input: z.infer<typeof updateTenantInput>) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const before = await lockTenant(tx, tenantId);
    await tx
      .update(tenants)
      .set({ ...input, updatedAt: sql`now()` })
      .where(eq(tenants.id, tenantId));
    await recordAudit(tx, {
      tenantId,
      action: 'tenant.updated',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'tenant', id: tenantId },
      details: { before: { name: before.name, contactEmail: before.contactEmail }, after: input },
    });
  });
}

export const setTenantStatusInput = z.object({ status: z.enum(['active', 'suspended']), reason: reasonSchema });

/**
 * Suspending ends every session of the tenant now (so reactivating later does not bring old
 * sessions back) and stops its operators from logging in.
 */
export async function setTenantStatus(
  ctx: SteppedUpActor<'tenants.write', 'tenants:write'>,
  input: z.infer<typeof setTenantStatusInput>,
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const before = await lockTenant(tx, tenantId);
    if (before.status === input.status) return { sessionsEnded: 0 };
    await tx
      .update(tenants)
      .set({
        status: input.status,
        suspendedReason: input.status === 'suspended' ? input.reason : null,
        updatedAt: sql`now()`,
      })
      .where(eq(tenants.id, tenantId));
    const sessionsEnded =
      input.status === 'suspended' ? await revokeTenantSessions(tx, tenantId, 'tenant_suspended') : 0;
    await recordAudit(tx, {
      tenantId,
      action: input.status === 'suspended' ? 'tenant.suspended' : 'tenant.reactivated',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'tenant', id: tenantId },
      details: { reason: input.reason, sessionsEnded },
    });
    return { sessionsEnded };
  });
}
