import 'server-only';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { sessions } from '@/db/schema';
import { withTenantTx } from '@/db';
import { now } from '@/lib/clock';
import type { OperatorAccess } from '@/lib/kernel/access';
import { sessionLimits } from './create-session';

/** The caller's sessions that are still usable, newest first. */
export async function listOwnSessions(ctx: OperatorAccess) {
  const at = now();
  const { idle } = sessionLimits();
  return withTenantTx(ctx.tenantId, (tx) =>
    tx
      .select({
        id: sessions.id,
        createdAt: sessions.createdAt,
        lastSeenAt: sessions.lastSeenAt,
        ip: sessions.ip,
        userAgent: sessions.userAgent,
      })
      .from(sessions)
      .where(
        and(
          eq(sessions.tenantId, ctx.tenantId),
          eq(sessions.operatorId, ctx.operatorId),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, at),
          gt(sessions.lastSeenAt, new Date(at.getTime() - idle)),
        ),
      )
      .orderBy(desc(sessions.lastSeenAt)),
  );
}
