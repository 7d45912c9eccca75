import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { operators, sessions } from '@/db/schema';
import { now } from '@/lib/clock';
import type { TenantAccess } from '@/lib/kernel/access';

/**
 * One session of the granted tenant as a pivot shows it: whose, from where, since when and
 * whether it is still live (not revoked, not expired). Null when unknown here.
 */
export async function getSession(ctx: TenantAccess<'sessions.manage' | 'audit.read'>, sessionId: string) {
  const tenantId = ctx.granted.tenantId;
  const [row] = await withTenantTx(
    tenantId,
    (tx) =>
      tx
        .select({
          id: sessions.id,
          operatorId: sessions.operatorId,
          loginId: operators.loginId,
          displayName: operators.displayName,
          ip: sessions.ip,
          createdAt: sessions.createdAt,
          expiresAt: sessions.expiresAt,
          revokedAt: sessions.revokedAt,
        })
        .from(sessions)
        .innerJoin(operators, and(eq(operators.tenantId, sessions.tenantId), eq(operators.id, sessions.operatorId)))
        .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId))),
    { readOnly: true },
  );
  if (!row) return null;
  return { ...row, live: row.revokedAt === null && row.expiresAt.getTime() > now().getTime() };
}
