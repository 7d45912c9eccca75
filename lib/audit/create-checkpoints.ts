import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withPlatformTx } from '@/db';
import { now } from '@/lib/clock';
import { GENESIS_CHECKPOINT, checkpointHash, signCheckpoint } from './checkpoint';
import { signingKey } from './signing-key';

/**
 * Signs the head of every chain that grew since its last checkpoint (every 5 minutes from the
 * server, and on demand). Reading the chain row needs no lock: seq and head change together.
 */
export async function createCheckpoints(onlyTenantId?: string): Promise<number> {
  const key = signingKey();
  return withPlatformTx(async (tx) => {
    const heads = rowsOf<{ tenant_id: string; last_seq: number | string; head: string; cp_seq: number | string | null; cp_hash: string | null }>(
      await tx.execute(sql`
        select c.tenant_id, c.last_seq, encode(c.head_hash, 'hex') as head, cp.seq as cp_seq, cp.checkpoint_hash as cp_hash
          from audit_chains c
          left join lateral (select seq, checkpoint_hash from audit_checkpoints k where k.tenant_id = c.tenant_id order by seq desc limit 1) cp on true
         where c.last_seq > coalesce(cp.seq, 0) ${onlyTenantId ? sql`and c.tenant_id = ${onlyTenantId}` : sql``}`),
    );
    const signedAt = now().toISOString();
    for (const h of heads) {
      const body = { chain: h.tenant_id, seq: Number(h.last_seq), headHash: h.head, signedAt, previousCheckpointHash: h.cp_hash ?? GENESIS_CHECKPOINT };
      await tx.execute(sql`select mamori_store_checkpoint(${body.chain}::uuid, ${body.seq}, ${body.headHash}, ${signedAt}::timestamptz,
        ${body.previousCheckpointHash}, ${checkpointHash(body)}, ${signCheckpoint(body, key.privateKey)}, ${key.fingerprint})`);
    }
    return heads.length;
  });
}
