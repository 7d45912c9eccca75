import 'server-only';
import { withTenantTx } from '@/db';
import { operators, ROLES } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorContext } from '@/lib/kernel/operator-context';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { hashPassword } from '@/lib/passwords/hash-password';
import { temporaryPassword } from '@/lib/passwords/temporary-password';
import { loginIdKey } from './normalize-login-id';
import { assertRoleFits, baseRoleOf } from './operator-guards';
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
 * operator must replace it at first login. Login IDs are unique across the whole platform.
 */
export async function createOperator(
  ctx: OperatorContext,
  tenantId: string,
  input: z.infer<typeof createOperatorInput>,
) {
  const role = input.role ?? baseRoleOf(tenantId);
  assertRoleFits(tenantId, role);
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  return withTenantTx(tenantId, async (tx) => {
    // The unique index is platform-wide and not subject to row-level security, so a login ID
    // taken in any tenant conflicts here, race-free, and becomes a field message.
    const key = loginIdKey(input.loginId);
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
      ...byOperator(ctx),
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
