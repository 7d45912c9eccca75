import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { auditCheckpoints, auditEvents } from '@/db/schema';
import { chainSigningKeys } from './published-signing-key';
import { checkpointsJsonl, verifyBundle, type BundleVerdict } from './verify-bundle';

/**
 * The offline verifier's check on one chain as stored: every hash from genesis, the sequence, and
 * the signed checkpoints. Unaudited: callers that act for a person record the check themselves.
 */
export async function verifyStoredChain(tenantId: string): Promise<BundleVerdict> {
  const { events, checkpoints } = await withOwnerTx(tenantId, async (tx) => ({
    events: await tx.select().from(auditEvents).where(eq(auditEvents.tenantId, tenantId)).orderBy(asc(auditEvents.seq)),
    checkpoints: await tx
      .select()
      .from(auditCheckpoints)
      .where(eq(auditCheckpoints.tenantId, tenantId))
      .orderBy(asc(auditCheckpoints.seq)),
  }));
  const eventsJsonl = events
    .map((e) =>
      JSON.stringify({ ...e, occurredAt: e.occurredAt.toISOString(), hash: Buffer.from(e.hash).toString('hex') }),
    )
    .join('\n');
  return verifyBundle(eventsJsonl, checkpointsJsonl(checkpoints), (await chainSigningKeys(tenantId)) ?? '');
}
