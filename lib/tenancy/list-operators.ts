import 'server-only';
import { and, asc, eq, gt, ilike, or, sql, type SQL } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { operators } from '@/db/schema';
import type { TenantActor } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { decodeCursor, encodeCursor } from '@/lib/http/cursor';
import { z } from '@/lib/http/zod-messages';
import { PAGE_SIZE, escapeLike } from './list-tenants';

export const listOperatorsQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  after: z.string().max(1000).optional().catch(undefined),
});

// Each operator's second factor, read through the primary keys of the two tables (a page is 50
// rows). The outer columns are spelled with their table: drizzle writes a bare column name, which
// inside the sub-select would mean the sub-select's own.
const factorColumns = {
  totp: sql<
    'active' | 'pending' | null
  >`(select tc.status from totp_credentials tc where tc.tenant_id = operators.tenant_id and tc.operator_id = operators.id)`,
  recoveryCodesLeft: sql<number>`(select count(*)::int from recovery_codes rc where rc.tenant_id = operators.tenant_id and rc.operator_id = operators.id and rc.used_at is null)`,
};

/** One tenant's operators by login ID, keyset-paged on the (tenant_id, login_id_key) index. */
export async function listOperators(
  ctx: TenantActor<'operators.read' | 'operators.write', 'operators:read'>,
  query: z.infer<typeof listOperatorsQuery>,
) {
  const tenantId = ctx.granted.tenantId;
  const conditions: SQL[] = [eq(operators.tenantId, tenantId)];
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    conditions.push(or(ilike(operators.loginIdKey, pattern), ilike(operators.displayName, pattern))!);
  }
  const cursor = decodeCursor(query.after);
  if (cursor && typeof cursor.value === 'string') conditions.push(gt(operators.loginIdKey, cursor.value));
  const rows = await withTenantTx(tenantId, (tx) =>
    tx
      .select({
        id: operators.id,
        loginId: operators.loginId,
        loginIdKey: operators.loginIdKey,
        displayName: operators.displayName,
        email: operators.email,
        role: operators.role,
        status: operators.status,
        mustChangePassword: operators.mustChangePassword,
        failedLoginCount: operators.failedLoginCount,
        lockedAt: operators.lockedAt,
        lastLoginAt: operators.lastLoginAt,
        lastLoginIp: operators.lastLoginIp,
        ...factorColumns,
      })
      .from(operators)
      .where(and(...conditions))
      .orderBy(asc(operators.loginIdKey))
      .limit(PAGE_SIZE + 1),
  );
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return { rows: page, next: rows.length > PAGE_SIZE && last ? encodeCursor(last.loginIdKey, last.id) : null };
}

/** One operator of a tenant, for the detail page; null when not in this tenant. */
export async function getOperator(
  // A write token reads back the operator it changed.
  ctx: TenantActor<'operators.read' | 'operators.write', 'operators:read' | 'operators:write'>,
  operatorId: string,
) {
  const tenantId = ctx.granted.tenantId;
  const [row] = await withTenantTx(tenantId, (tx) =>
    tx
      .select({
        id: operators.id,
        loginId: operators.loginId,
        displayName: operators.displayName,
        email: operators.email,
        role: operators.role,
        status: operators.status,
        mustChangePassword: operators.mustChangePassword,
        failedLoginCount: operators.failedLoginCount,
        lockedAt: operators.lockedAt,
        lastLoginAt: operators.lastLoginAt,
        lastLoginIp: operators.lastLoginIp,
        createdAt: operators.createdAt,
        ...factorColumns,
        // For the dialogs that end them: "ends 3 sessions of …".
        liveSessions: sql<number>`(select count(*)::int from sessions s where s.tenant_id = operators.tenant_id and s.operator_id = operators.id and s.revoked_at is null and s.expires_at > ${now().toISOString()}::timestamptz)`,
      })
      .from(operators)
      .where(and(eq(operators.tenantId, tenantId), eq(operators.id, operatorId))),
  );
  return row ?? null;
}
