import 'server-only';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Tx } from '@/db';
import { sessions } from '@/db/schema';
import { now } from '@/lib/clock';

/** Ends every live session of one operator (optionally sparing one); returns how many ended. */
export async function revokeOperatorSessions(
  tx: Tx,
  tenantId: string,
  operatorId: string,
  reason: string,
  exceptSessionId?: string,
): Promise<number> {
  const ended = await tx
    .update(sessions)
    .set({ revokedAt: now(), revokedReason: reason })
    .where(
      and(
        eq(sessions.tenantId, tenantId),
        eq(sessions.operatorId, operatorId),
        isNull(sessions.revokedAt),
        exceptSessionId ? ne(sessions.id, exceptSessionId) : sql`true`,
      ),
    )
    .returning({ id: sessions.id });
  return ended.length;
}

/** Ends every live session of a tenant (optionally sparing the caller's); returns how many ended. */
export async function revokeTenantSessions(
  tx: Tx,
  tenantId: string,
  reason: string,
  exceptSessionId?: string,
): Promise<number> {
  const ended = await tx
    .update(sessions)
    .set({ revokedAt: now(), revokedReason: reason })
    .where(
      and(
        eq(sessions.tenantId, tenantId),
        isNull(sessions.revokedAt),
        exceptSessionId ? ne(sessions.id, exceptSessionId) : sql`true`,
      ),
    )
    .returning({ id: sessions.id });
  return ended.length;
}
