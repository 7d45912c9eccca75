import 'server-only';
import { withTenantTx } from '@/db';
import { eq } from 'drizzle-orm';
import { operators, ROLES, tenants } from '@/db/schema';
import { byActor, recordAudit } from '@/lib/audit/record-audit';
import type { SteppedUpActor } from '@/lib/kernel/access';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { hashPassword } from '@/lib/passwords/hash-password';
import { temporaryPassword } from '@/lib/passwords/temporary-password';
import { loginIdKey } from './normalize-login-id';
import { assertRoleFits, assertTokenMayGrant, baseRoleOf } from './operator-guards';
import { displayNameSchema, loginIdSchema, optionalEmailSchema } from './schemas';

export const createOperatorInput = z.object({
  loginId: loginIdSchema,
  displayName: displayNameSchema,
  email: optionalEmailSchema,
  // Least privilege by default: without a choice, the tenant's lowest role (see baseRoleOf).
  role: z.preprocess((v) => (v === '' ? undefined : v), z.enum(ROLES).optional()),
});

/**
 * Creates an operator with a temporary password, returned once for the admin to hand over; the
 * operator must replace it at first login. A login ID starts with its tenant's code and a dot
 * (the database holds the rule too), so one tenant's IDs never meet another's: a taken ID can
 * only be one of this tenant's own.
 */
export async function createOperator(
  ctx: SteppedUpActor<'operators.write', 'operators:write'>,
  input: z.infer<typeof createOperatorInput>,
) {
  const tenantId = ctx.granted.tenantId;
  const role = input.role ?? baseRoleOf(tenantId);
  assertRoleFits(tenantId, role);
  assertTokenMayGrant(ctx, tenantId, role);
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  return withTenantTx(tenantId, async (tx) => {
    const key = loginIdKey(input.loginId);
    const [tenant] = await tx.select({ code: tenants.code }).from(tenants).where(eq(tenants.id, tenantId));
    if (!tenant) throw new AppError('not_found');
    if (!key.startsWith(`${tenant.code}.`) || key.length <= tenant.code.length + 1) {
      throw new AppError('bad_request', { loginId: ['tenant_prefix'] });
    }
    // Within the tenant's own prefix a taken ID conflicts here, race-free, as a field message.
    const [row] = await tx
      .insert(operators)
      .values({
        tenantId,
        loginId: input.loginId,
        loginIdKey: key,
        displayName: input.displayName,
        email: input.email,
        role,
        passwordHash,
        mustChangePassword: true,
      })
      .onConflictDoNothing()
      .returning({ id: operators.id });
    if (!row) throw new AppError('conflict', { loginId: ['taken'] });
    await recordAudit(tx, {
      tenantId,
      action: 'operator.created',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'operator', id: row.id },
      details: {
        loginId: input.loginId,
        displayName: input.displayName,
        email: input.email,
        role,
        roleChosen: input.role ? 'explicit' : 'default',
        aboveBase: role !== baseRoleOf(tenantId),
      },
    });
    return { operatorId: row.id, loginId: input.loginId, role, temporaryPassword: password };
  });
}
