import { sql, type SQL } from 'drizzle-orm';
import type { ChainSource } from './audit-signer';
import type { ExportedCheckpoint, ExportedEvent } from './verify-bundle';

/** Runs one statement in a transaction of the caller's choosing (role and scope) and gives its rows. */
export type StatementRunner = (query: SQL) => Promise<Record<string, unknown>[]>;

const iso = (v: unknown) => new Date(v as string | Date).toISOString();

/**
 * The chains as the signer reads them, through statements the database lets its role run: the
 * app's role on embedded PGlite (the app serves the signer child), the signer's own read-only role
 * on PostgreSQL. Either way audit rows are only read, and checkpoints filed through the door.
 */
export function chainSource(run: StatementRunner): ChainSource {
  return {
    async heads(chains) {
      const rows = await run(
        chains && chains.length > 0
          ? sql`select tenant_id::text as chain, last_seq from audit_chains where tenant_id = any(${`{${chains.join(',')}}`}::uuid[]) order by tenant_id`
          : sql`select tenant_id::text as chain, last_seq from audit_chains order by tenant_id`,
      );
      return rows.map((r) => ({ chain: r.chain as string, seq: Number(r.last_seq) }));
    },
    async lastCheckpoint(chain) {
      const [r] =
        await run(sql`select tenant_id::text as chain, seq, head_hash, signed_at, previous_checkpoint_hash, checkpoint_hash, signature, key_fingerprint
        from audit_checkpoints where tenant_id = ${chain}::uuid order by seq desc limit 1`);
      if (!r) return null;
      return {
        chain: r.chain as string,
        seq: Number(r.seq),
        headHash: r.head_hash as string,
        signedAt: iso(r.signed_at),
        previousCheckpointHash: r.previous_checkpoint_hash as string,
        checkpointHash: r.checkpoint_hash as string,
        signature: r.signature as string,
        keyFingerprint: r.key_fingerprint as string,
      } satisfies ExportedCheckpoint;
    },
    async events(chain, fromSeq, limit) {
      const rows =
        await run(sql`select tenant_id::text as tenant_id, seq, id::text as id, occurred_at, actor_operator_id::text as actor_operator_id, actor_login_id,
          action, target_type, target_id, outcome, ip, user_agent, session_id::text as session_id, details, encode(hash, 'hex') as hash
        from audit_events where tenant_id = ${chain}::uuid and seq >= ${fromSeq} order by seq limit ${limit}`);
      return rows.map((r): ExportedEvent => ({
        tenantId: r.tenant_id as string,
        seq: Number(r.seq),
        id: r.id as string,
        occurredAt: iso(r.occurred_at),
        actorOperatorId: r.actor_operator_id as string | null,
        actorLoginId: r.actor_login_id as string | null,
        action: r.action as string,
        targetType: r.target_type as string | null,
        targetId: r.target_id as string | null,
        outcome: r.outcome as ExportedEvent['outcome'],
        ip: r.ip as string | null,
        userAgent: r.user_agent as string | null,
        sessionId: r.session_id as string | null,
        details: r.details as Record<string, unknown>,
        hash: r.hash as string,
      }));
    },
    async store(c) {
      await run(
        sql`select mamori_store_checkpoint(${c.chain}::uuid, ${c.seq}, ${c.headHash}, ${c.signedAt}::timestamptz, ${c.previousCheckpointHash}, ${c.checkpointHash}, ${c.signature}, ${c.keyFingerprint})`,
      );
    },
    async refuse(chain, refusal) {
      await run(sql`select mamori_report_chain_refused(${chain}::uuid, ${refusal.seq}, ${refusal.reason})`);
    },
    async registerKey(fingerprint, publicKeyPem) {
      await run(sql`select mamori_register_signing_key(${fingerprint}, ${publicKeyPem})`);
    },
  };
}
