import 'server-only';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Tx } from '@/db';
import { PLATFORM_TENANT_ID, operators, tenants, type Role } from '@/db/schema';
import { AppError } from '@/lib/http/app-error';

export const adminRoleOf = (tenantId: string): Role =>
  tenantId === PLATFORM_TENANT_ID ? 'platform_admin' : 'tenant_admin';

/** The least-privileged role of a tenant (or of the platform): what a new account gets unless chosen otherwise. */
export const baseRoleOf = (tenantId: string): Role =>
  tenantId === PLATFORM_TENANT_ID ? 'platform_auditor' : 'tenant_operator';

/** Platform staff hold platform roles, a company's operators company roles; never mixed. */
export function assertRoleFits(tenantId: string, role: Role) {
  const platform = tenantId === PLATFORM_TENANT_ID;
  const fits = platform
    ? role === 'platform_admin' || role === 'platform_auditor'
    : role === 'tenant_admin' || role === 'tenant_operator';
  if (!fits) throw new AppError('bad_request', { role: ['invalid_choice'] });
}

/**
 * An API token grants no more than the tenant's least role: making an admin (who can export
 * customer data and reveal secrets, which no token may) takes a person with a fresh second factor,
 * in the console. A token may still take admin rights away.
 */
export function assertTokenMayGrant(actor: { operatorId: string | null }, tenantId: string, role: Role) {
  if (actor.operatorId === null && role !== baseRoleOf(tenantId))
    throw new AppError('forbidden', { role: ['admin_needs_person'] });
}

/** The target operator of an admin action, locked for the rest of the transaction; 404 if it
 *  is not in this tenant. */
export async function lockOperator(tx: Tx, tenantId: string, operatorId: string) {
  const [row] = await tx
    .select({
      id: operators.id,
      loginId: operators.loginId,
      displayName: operators.displayName,
      email: operators.email,
      role: operators.role,
      status: operators.status,
    })
    .from(operators)
    .where(and(eq(operators.tenantId, tenantId), eq(operators.id, operatorId)))
    .for('update');
  if (!row) throw new AppError('not_found');
  return row;
}

/**
 * Refuses a change that would leave the tenant (or the platform) without an active admin. The
 * tenant row is locked first, so two admins demoting each other at once cannot both succeed.
 */
export async function assertAnotherAdminRemains(tx: Tx, tenantId: string, operatorId: string) {
  await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for('update');
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(operators)
    .where(
      and(
        eq(operators.tenantId, tenantId),
        eq(operators.role, adminRoleOf(tenantId)),
        eq(operators.status, 'active'),
        ne(operators.id, operatorId),
      ),
    );
  if (row.n === 0) throw new AppError('conflict', { role: ['last_admin'] });
}
