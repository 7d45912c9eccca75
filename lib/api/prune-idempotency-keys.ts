import 'server-only';
import { sql } from 'drizzle-orm';
import { affectedRows, withPlatformTx } from '@/db';
import { now } from '@/lib/clock';
import { IDEMPOTENCY_KEEP_MS } from './claim-idempotency-key';

/** Idempotency keys past their day: their answers are no longer replayed. */
export async function pruneIdempotencyKeys(): Promise<number> {
  const before = new Date(now().getTime() - IDEMPOTENCY_KEEP_MS).toISOString();
  return withPlatformTx(async (tx) =>
    affectedRows(await tx.execute(sql`delete from api_idempotency_keys where created_at < ${before}`)),
  );
}
