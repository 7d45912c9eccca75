import 'server-only';
import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { apiIdempotencyKeys } from '@/db/schema';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { open } from '@/lib/crypto/keyring';

/** How long a key's first answer is kept: a client retrying for longer than a day is making a new request. */
export const IDEMPOTENCY_KEEP_MS = 24 * 3_600_000;

/** What a key names: one token's one request, by method, path and body. */
export interface IdempotentRequest {
  tenantId: string;
  tokenId: string;
  key: string;
  method: string;
  path: string;
  body: string;
}

/** The first answer to a request, as stored and replayed. */
export interface StoredAnswer {
  status: number;
  contentType: string | null;
  headers: Record<string, string>;
  body: string;
}

export const fingerprintOf = (r: IdempotentRequest) =>
  createHash('sha256').update(`${r.method}\n${r.path}\n${r.body}`).digest('hex');

/** What a stored answer is sealed to: its token and key, so a copied row does not open. */
export const answerContext = (r: Pick<IdempotentRequest, 'tenantId' | 'tokenId' | 'key'>) =>
  `api-answer:${r.tenantId}:${r.tokenId}:${r.key}`;

/**
 * Claims a key before the request runs, in a transaction of its own so a concurrent retry sees it.
 * Answers 'claimed' (run the request, then settle the key), or the stored first answer to replay.
 * Refuses a key still running, or whose request was cut off before its answer was kept (409: the
 * change may or may not have been made), and a key used for a different request (422). A key
 * older than a day is taken over as new.
 */
export async function claimIdempotencyKey(request: IdempotentRequest): Promise<'claimed' | StoredAnswer> {
  const fingerprint = fingerprintOf(request);
  const at = now();
  const stale = new Date(at.getTime() - IDEMPOTENCY_KEEP_MS);
  return withTenantTx(request.tenantId, async (tx) => {
    const mine = and(
      eq(apiIdempotencyKeys.tenantId, request.tenantId),
      eq(apiIdempotencyKeys.tokenId, request.tokenId),
      eq(apiIdempotencyKeys.key, request.key),
    );
    const [fresh] = await tx
      .insert(apiIdempotencyKeys)
      .values({ tenantId: request.tenantId, tokenId: request.tokenId, key: request.key, fingerprint, createdAt: at })
      .onConflictDoUpdate({
        target: [apiIdempotencyKeys.tenantId, apiIdempotencyKeys.tokenId, apiIdempotencyKeys.key],
        set: {
          fingerprint,
          status: null,
          contentType: null,
          headers: null,
          body: null,
          createdAt: at,
        },
        setWhere: lt(apiIdempotencyKeys.createdAt, stale),
      })
      .returning({ key: apiIdempotencyKeys.key });
    if (fresh) return 'claimed' as const;
    const [row] = await tx
      .select({
        fingerprint: apiIdempotencyKeys.fingerprint,
        status: apiIdempotencyKeys.status,
        contentType: apiIdempotencyKeys.contentType,
        headers: apiIdempotencyKeys.headers,
        body: apiIdempotencyKeys.body,
      })
      .from(apiIdempotencyKeys)
      .where(mine);
    if (!row) throw new AppError('conflict', { 'Idempotency-Key': ['in_progress'] });
    if (row.fingerprint !== fingerprint)
      throw new AppError('idempotency_key_reused', { 'Idempotency-Key': ['reused'] });
    if (row.status === null) throw new AppError('conflict', { 'Idempotency-Key': ['in_progress'] });
    return {
      status: row.status,
      contentType: row.contentType,
      headers: row.headers ?? {},
      body: row.body ? open('api-answer', row.body, answerContext(request)) : '',
    };
  });
}
