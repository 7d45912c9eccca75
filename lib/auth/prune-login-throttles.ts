import 'server-only';
import { sql } from 'drizzle-orm';
import { affectedRows, withPlatformTx } from '@/db';
import { now } from '@/lib/clock';

/** Failure counts of unknown login IDs are kept a day after their last failure (the longest back-off is 15 minutes). */
export const UNKNOWN_ID_KEEP_MS = 24 * 3_600_000;

export async function pruneLoginThrottles(): Promise<number> {
  const before = new Date(now().getTime() - UNKNOWN_ID_KEEP_MS).toISOString();
  return withPlatformTx(async (tx) =>
    affectedRows(await tx.execute(sql`delete from login_id_throttles where last_failed_at < ${before}`)),
  );
}
