import 'server-only';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf, withOwnerTx, type Tx } from '@/db';
import { auditStreams } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { seal } from '@/lib/crypto/keyring';
import { AppError } from '@/lib/http/app-error';
import { OutboundRefused, assertReceiver } from '@/lib/http/outbound';
import type { SteppedUp, TenantAccess } from '@/lib/kernel/access';
import { MAX_STREAMS, type CreateStreamInput } from './stream-input';
import { streamSecretContext } from './stream-secret-context';

const GENESIS = '0'.repeat(64);

/**
 * Adds an audit stream to the caller's chain (their company's, or the platform's for staff): the
 * destination checked where its name points now, at most three streams, the HMAC secret made
 * (HTTPS JSON; shown once) or the HEC token sealed. It starts after the chain's current head, or
 * with a backfill from the first event on the chosen day (Japan time). Audited.
 */
export async function createStream(ctx: SteppedUp<TenantAccess<'security.write'>>, input: CreateStreamInput) {
  const tenantId = ctx.granted.tenantId;
  await assertReceiver(input.url, input.kind === 'syslog_tls' ? 'syslog' : 'https').catch((e: unknown) => {
    if (e instanceof OutboundRefused)
      throw new AppError('bad_request', {
        url: [e.reason === 'unresolvable' ? 'webhook_unresolvable' : 'webhook_not_public'],
      });
    throw e;
  });
  const id = randomUUID();
  const secret =
    input.kind === 'https_json'
      ? `whsec_${randomBytes(24).toString('base64url')}`
      : input.kind === 'splunk_hec'
        ? input.token
        : null;
  await withOwnerTx(tenantId, async (tx) => {
    // One at a time per chain, so two admins adding at once cannot pass the limit together.
    await tx.execute(sql`select id from tenants where id = ${tenantId} for update`);
    const [{ n }] = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from audit_streams where tenant_id = ${tenantId}`),
    );
    if (n >= MAX_STREAMS) throw new AppError('conflict', { name: [`too_many_streams:${MAX_STREAMS}`] });
    const taken = rowsOf(
      await tx.execute(sql`select 1 from audit_streams where tenant_id = ${tenantId} and name = ${input.name}`),
    );
    if (taken.length > 0) throw new AppError('conflict', { name: ['taken'] });
    const start = await startingPoint(tx, tenantId, input.backfillFrom || null);
    await tx.insert(auditStreams).values({
      tenantId,
      id,
      name: input.name,
      kind: input.kind,
      format: input.format,
      url: input.url,
      secretCiphertext: secret ? seal('stream-secret', secret, streamSecretContext(tenantId, id)).ciphertext : null,
      cursorSeq: start.seq,
      cursorHash: start.hash,
      checkpointSeq: start.checkpointSeq,
      backfillFrom: input.backfillFrom ? new Date(`${input.backfillFrom}T00:00:00+09:00`) : null,
      createdByLoginId: ctx.loginId,
    });
    await recordAudit(tx, {
      tenantId,
      action: 'audit_stream.created',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'audit_stream', id },
      details: {
        name: input.name,
        kind: input.kind,
        format: input.format,
        host: new URL(input.url).host,
        backfillFrom: input.backfillFrom || null,
        fromSeq: start.seq + 1,
      },
    });
  });
  return { id, secret: input.kind === 'https_json' ? secret : null };
}

/**
 * Where a new stream's cursor stands: just before the first event on the backfill day (the hash
 * of the event before it, or of the signed head retention pruning left there), or at the head.
 * Checkpoints from there on are streamed with the events they sign.
 */
async function startingPoint(tx: Tx, tenantId: string, day: string | null) {
  const [head] = rowsOf<{ seq: string | number; hash: string }>(
    await tx.execute(sql`
      select last_seq as seq, encode(head_hash, 'hex') as hash from audit_chains where tenant_id = ${tenantId}`),
  );
  const headSeq = Number(head?.seq ?? 0);
  let seq = headSeq;
  let hash = head?.hash ?? GENESIS;
  if (day) {
    const [first] = rowsOf<{ seq: string | number | null }>(
      await tx.execute(sql`
        select min(seq) as seq from audit_events
         where tenant_id = ${tenantId} and occurred_at >= ${`${day}T00:00:00+09:00`}::timestamptz`),
    );
    if (first?.seq !== null && first?.seq !== undefined) {
      seq = Number(first.seq) - 1;
      const [before] = rowsOf<{ hash: string }>(
        await tx.execute(sql`
          select encode(hash, 'hex') as hash from audit_events where tenant_id = ${tenantId} and seq = ${seq}
          union all
          select head_hash from audit_checkpoints where tenant_id = ${tenantId} and seq = ${seq}
          limit 1`),
      );
      hash = seq === 0 ? GENESIS : (before?.hash ?? GENESIS);
    }
  }
  const [cp] = rowsOf<{ seq: string | number | null }>(
    await tx.execute(
      sql`select max(seq) as seq from audit_checkpoints where tenant_id = ${tenantId} and seq <= ${seq}`,
    ),
  );
  return { seq, hash, checkpointSeq: Number(cp?.seq ?? 0) };
}
