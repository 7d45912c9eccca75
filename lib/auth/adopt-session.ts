import 'server-only';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { withPlatformTx } from '@/db';
import { sessions } from '@/db/schema';
import { now } from '@/lib/clock';
import { hashSessionToken } from '@/lib/crypto/session-token';

/**
 * The bridge to Auth.js: the login flow (lib) creates the session row; Auth.js then wraps its
 * token in the encrypted cookie. Only a session created in the last minute can be adopted, and
 * the provider is reachable only from our own server actions (no Auth.js routes are mounted).
 */
export async function adoptSession(token: string): Promise<{ operatorId: string } | null> {
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) return null;
  const [row] = await withPlatformTx((tx) =>
    tx
      .select({ operatorId: sessions.operatorId })
      .from(sessions)
      .where(
        and(
          eq(sessions.tokenHash, hashSessionToken(token)),
          isNull(sessions.revokedAt),
          gt(sessions.createdAt, new Date(now().getTime() - 60_000)),
        ),
      ),
  );
  return row ?? null;
}
