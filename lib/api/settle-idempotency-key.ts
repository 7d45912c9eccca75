import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { apiIdempotencyKeys } from '@/db/schema';
import type { IdempotentRequest, StoredAnswer } from './claim-idempotency-key';

/**
 * Settles a claimed key: keeps the first answer for the key's retries, or, for a request that
 * failed inside (a 5xx, null here), lets the key go so a retry runs afresh.
 */
export async function settleIdempotencyKey(request: IdempotentRequest, answer: StoredAnswer | null): Promise<void> {
  const mine = and(
    eq(apiIdempotencyKeys.tenantId, request.tenantId),
    eq(apiIdempotencyKeys.tokenId, request.tokenId),
    eq(apiIdempotencyKeys.key, request.key),
    sql`${apiIdempotencyKeys.status} is null`,
  );
  await withTenantTx(request.tenantId, async (tx) => {
    if (!answer) await tx.delete(apiIdempotencyKeys).where(mine);
    else
      await tx
        .update(apiIdempotencyKeys)
        .set({ status: answer.status, contentType: answer.contentType, headers: answer.headers, body: answer.body })
        .where(mine);
  });
}
