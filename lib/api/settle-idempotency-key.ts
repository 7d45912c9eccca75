import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { apiIdempotencyKeys } from '@/db/schema';
import { seal } from '@/lib/crypto/keyring';
import { answerContext, type IdempotentRequest, type StoredAnswer } from './claim-idempotency-key';

/**
 * Keeps a claimed key's first answer for its retries, whatever it was: a refusal, and an internal
 * error too, since the change may have been made before it (a retry must never make it twice).
 * Sealed at rest: an answer may hold a temporary password.
 */
export async function settleIdempotencyKey(request: IdempotentRequest, answer: StoredAnswer): Promise<void> {
  await withTenantTx(request.tenantId, (tx) =>
    tx
      .update(apiIdempotencyKeys)
      .set({
        status: answer.status,
        contentType: answer.contentType,
        headers: answer.headers,
        body: seal('api-answer', answer.body, answerContext(request)).ciphertext,
      })
      .where(
        and(
          eq(apiIdempotencyKeys.tenantId, request.tenantId),
          eq(apiIdempotencyKeys.tokenId, request.tokenId),
          eq(apiIdempotencyKeys.key, request.key),
          sql`${apiIdempotencyKeys.status} is null`,
        ),
      ),
  );
}
