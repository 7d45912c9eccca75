import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withPlatformTx } from '@/db';
import type { PlatformAccess } from '@/lib/kernel/access';
import { now } from '@/lib/clock';

/** What ending every session would touch: live sessions on the platform and the customer tenants. */
export async function countLiveSessions(_ctx: PlatformAccess<'sessions.manage'>) {
  return withPlatformTx(async (tx) => {
    const [row] = rowsOf<{ sessions: number; tenants: number }>(
      await tx.execute(sql`
        select (select count(*)::int from sessions where revoked_at is null and expires_at > ${now().toISOString()}) as sessions,
               (select count(*)::int from tenants where kind = 'tenant') as tenants`),
    );
    return row;
  });
}
