import 'server-only';
import { sql } from 'drizzle-orm';
import { affectedRows, rowsOf, withPlatformTx, withTenantTx } from '@/db';
import { raiseAlert } from '@/lib/alerts/raise-alert';
import type { StreamEventLine, StreamLine } from '@/lib/audit/stream-line';
import { now } from '@/lib/clock';
import { open } from '@/lib/crypto/keyring';
import { checkpointLine, formatStreamLine, type StreamFormat } from './format-stream-line';
import { streamSecretContext } from './stream-secret-context';
import { sendToStream, StreamSendFailed, type StreamKind, type WireLine } from './send-to-stream';
import { logger } from '@/lib/observability/logger';

/** Events per request to the receiver while it keeps up. */
export const STREAM_BATCH = 500;
// Behind (a backfill, an outage), batches grow to this many: fewer round trips per event; for
// HEC under Splunk Cloud's 1 MB request limit (an event's envelope is about 800 bytes). Larger
// was slower: a batch's strings outlive the young generation while it is sent (a backfill ran
// at 64,000 events/s in batches of 2,000, 59,000 in 5,000, 52,000 in 10,000, 35,000 in 25,000).
const CATCH_UP_BATCH: Record<StreamKind, number> = { https_json: 2_000, splunk_hec: 1_000, syslog_tls: 2_000 };
// While one instance delivers a stream, the others leave it alone for this long; a delivery
// round stops well before it runs out.
const LEASE_MS = 60_000;
const ROUND_MS = 20_000;
/** A stream failing this long raises an alert (once per failing spell). */
export const FAILING_ALERT_MS = 15 * 60_000;

/** 2 s, 4 s, 8 s ... capped at 5 minutes: a receiver back from an outage catches up soon. */
export const streamBackoffMs = (attempts: number) => Math.min(2_000 * 2 ** (attempts - 1), 300_000);

interface LeasedStream {
  tenant_id: string;
  id: string;
  name: string;
  kind: StreamKind;
  format: StreamFormat;
  url: string;
  secret_ciphertext: string | null;
  cursor_seq: string | number;
  cursor_hash: string;
  checkpoint_seq: string | number;
  attempts: number;
  failing_since: string | Date | null;
  alerted_at: string | Date | null;
  lease_until: string | Date;
}

/**
 * Delivers every running stream that is due (all tenants; the server runs this every second):
 * each is leased first, so one instance delivers a stream at a time, then sent its chain in
 * order from its cursor, a batch at a time, the cursor moving only on the receiver's
 * acknowledgement and only while the lease is still this round's. Returns the events delivered.
 */
export async function deliverStreams(options: { batch?: number; roundMs?: number } = {}): Promise<number> {
  const at = now();
  const leaseUntil = new Date(at.getTime() + LEASE_MS).toISOString();
  const leased = await withPlatformTx(async (tx) =>
    rowsOf<LeasedStream>(
      await tx.execute(sql`
        update audit_streams s set lease_until = ${leaseUntil}
          from (select tenant_id, id from audit_streams
                 where status = 'running' and next_attempt_at <= ${at.toISOString()}
                   and (lease_until is null or lease_until < ${at.toISOString()})
                 order by next_attempt_at limit 20 for update skip locked) due
         where s.tenant_id = due.tenant_id and s.id = due.id
        returning s.tenant_id, s.id, s.name, s.kind, s.format, s.url, s.secret_ciphertext, s.cursor_seq, s.cursor_hash,
                  s.checkpoint_seq, s.attempts, s.failing_since, s.alerted_at, s.lease_until`),
    ),
  );
  const delivered = await Promise.all(
    leased.map((s) => deliverOne(s, leaseUntil, options.batch ?? STREAM_BATCH, options.roundMs ?? ROUND_MS)),
  );
  return delivered.reduce((a, b) => a + b, 0);
}

/** An event as its stream line, made by PostgreSQL (no row objects to parse and serialise again). */
interface EventRow {
  seq: string | number;
  /** Epoch milliseconds of occurred_at. */
  at: string | number;
  hash: string;
  line: string;
}

interface CheckpointRow {
  seq: string | number;
  head_hash: string;
  signed_at: string | Date;
  previous_checkpoint_hash: string;
  checkpoint_hash: string;
  signature: string;
  key_fingerprint: string;
}

async function deliverOne(s: LeasedStream, lease: string, batch: number, roundMs: number): Promise<number> {
  const tenantId = s.tenant_id;
  let cursor = Number(s.cursor_seq);
  let cursorHash = s.cursor_hash;
  let checkpointSeq = Number(s.checkpoint_seq);
  let delivered = 0;
  const started = Date.now();
  let size = batch;
  let secret: string | null = null;
  try {
    secret = s.secret_ciphertext
      ? open('stream-secret', s.secret_ciphertext, streamSecretContext(tenantId, s.id))
      : null;
    let reading: ReturnType<typeof readAfter> | null = readAfter(tenantId, cursor, cursorHash, checkpointSeq, size);
    while (reading) {
      const { events, checkpoints } = await reading;
      reading = null;
      if (events.length === 0 && checkpoints.length === 0) break;
      const next = {
        cursor: events.length > 0 ? Number(events.at(-1)!.seq) : cursor,
        hash: events.length > 0 ? events.at(-1)!.hash : cursorHash,
        checkpoint: checkpoints.length > 0 ? Number(checkpoints.at(-1)!.seq) : checkpointSeq,
        eventAt: events.length > 0 ? new Date(Number(events.at(-1)!.at)).toISOString() : null,
      };
      // A full batch: more is waiting. The next batch is read while this one is sent (the
      // database builds lines as the receiver takes them); it is dropped if this send fails.
      const more = events.length === size && Date.now() - started < roundMs;
      if (more) {
        size = Math.min(size * 4, Math.max(batch, CATCH_UP_BATCH[s.kind]));
        reading = readAfter(tenantId, next.cursor, next.hash, next.checkpoint, size);
        reading.catch(() => {});
      }
      await sendToStream(
        { id: s.id, kind: s.kind, format: s.format, url: s.url, secret },
        interleave(tenantId, events, checkpoints, s.format),
      );
      const kept = await withPlatformTx(async (tx) =>
        affectedRows(
          await tx.execute(sql`
            update audit_streams set cursor_seq = ${next.cursor}, cursor_hash = ${next.hash},
                   checkpoint_seq = ${next.checkpoint}, delivered_at = ${now().toISOString()},
                   delivered_event_at = coalesce(${next.eventAt}::timestamptz, delivered_event_at),
                   attempts = 0, last_error = null, last_error_detail = null, failing_since = null, alerted_at = null
             where tenant_id = ${tenantId} and id = ${s.id} and lease_until = ${lease}`),
        ),
      );
      // Paused, removed, or the lease expired and another instance took over: stop here.
      if (kept === 0) return delivered;
      delivered += events.length;
      [cursor, cursorHash, checkpointSeq] = [next.cursor, next.hash, next.checkpoint];
    }
    await release(tenantId, s.id, lease, now());
  } catch (error) {
    if (!(error instanceof StreamSendFailed)) logger().error({ err: error }, 'audit stream delivery failed');
    await fail(
      s,
      lease,
      error instanceof StreamSendFailed ? error : new StreamSendFailed('unreachable', String(error)),
    );
  }
  return delivered;
}

/**
 * The events after the cursor, each as its Mamori line (its previous hash the one before it, the
 * first the cursor's), and the checkpoints not yet sent up to the last of them.
 */
async function readAfter(tenantId: string, cursor: number, cursorHash: string, checkpointSeq: number, batch: number) {
  return withTenantTx(
    tenantId,
    async (tx) => {
      // The page first, then the window over it: lag() over the whole rest of the chain would
      // read every event after the cursor for each batch.
      const events = rowsOf<EventRow>(
        await tx.execute(sql`
          select seq, (extract(epoch from occurred_at) * 1000)::bigint as at, encode(hash, 'hex') as hash,
                 json_build_object('type', 'mamori.audit_event', 'tenantId', tenant_id, 'seq', seq,
                   'prevHash', coalesce(lag(encode(hash, 'hex')) over (order by seq), ${cursorHash}),
                   'hash', encode(hash, 'hex'), 'id', id,
                   'occurredAt', to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                   'actorOperatorId', actor_operator_id, 'actorLoginId', actor_login_id, 'action', action,
                   'targetType', target_type, 'targetId', target_id, 'outcome', outcome, 'ip', ip,
                   'userAgent', user_agent, 'sessionId', session_id, 'details', details)::text as line
            from (select * from audit_events where tenant_id = ${tenantId} and seq > ${cursor}
                   order by seq limit ${batch}) e
           order by seq`),
      );
      const through = events.length > 0 ? Number(events.at(-1)!.seq) : cursor;
      const checkpoints =
        through > checkpointSeq
          ? rowsOf<CheckpointRow>(
              await tx.execute(sql`
                select seq, head_hash, signed_at, previous_checkpoint_hash, checkpoint_hash, signature, key_fingerprint
                  from audit_checkpoints where tenant_id = ${tenantId} and seq > ${checkpointSeq} and seq <= ${through}
                 order by seq`),
            )
          : [];
      return { events, checkpoints };
    },
    { readOnly: true },
  );
}

/**
 * The batch on the wire, in chain order, each checkpoint right after the event it signs (or
 * first, if signed late); in OCSF each line is mapped from its Mamori form.
 */
function interleave(tenantId: string, events: EventRow[], checkpoints: CheckpointRow[], format: StreamFormat) {
  const wire = (line: StreamLine, at: number): WireLine => ({
    json: JSON.stringify(formatStreamLine(line, format)),
    at,
  });
  const pending = checkpoints.map((c) => {
    const signedAt = new Date(c.signed_at);
    return wire(
      checkpointLine({
        tenantId,
        seq: Number(c.seq),
        headHash: c.head_hash,
        signedAt,
        previousCheckpointHash: c.previous_checkpoint_hash,
        checkpointHash: c.checkpoint_hash,
        signature: c.signature,
        keyFingerprint: c.key_fingerprint,
      }),
      signedAt.getTime(),
    );
  });
  const seqs = checkpoints.map((c) => Number(c.seq));
  const lines: WireLine[] = [];
  let i = 0;
  const first = events.length > 0 ? Number(events[0].seq) : Infinity;
  while (i < pending.length && seqs[i] < first) lines.push(pending[i++]);
  for (const e of events) {
    const at = Number(e.at);
    lines.push(format === 'mamori' ? { json: e.line, at } : wire(JSON.parse(e.line) as StreamEventLine, at));
    while (i < pending.length && seqs[i] <= Number(e.seq)) lines.push(pending[i++]);
  }
  return lines;
}

async function release(tenantId: string, id: string, lease: string, at: Date) {
  await withPlatformTx((tx) =>
    tx.execute(sql`
      update audit_streams set lease_until = null, next_attempt_at = ${at.toISOString()}
       where tenant_id = ${tenantId} and id = ${id} and lease_until = ${lease}`),
  );
}

/** Records the failure, schedules the retry, and raises the alert once a spell passes 15 minutes. */
async function fail(s: LeasedStream, lease: string, error: StreamSendFailed) {
  const at = now();
  const attempts = s.attempts + 1;
  const failingSince = s.failing_since ? new Date(s.failing_since) : at;
  const alert = !s.alerted_at && at.getTime() - failingSince.getTime() >= FAILING_ALERT_MS;
  await withPlatformTx(async (tx) => {
    const kept = affectedRows(
      await tx.execute(sql`
        update audit_streams set attempts = ${attempts}, last_error = ${error.kind}, last_error_detail = ${error.detail.slice(0, 500)},
               failing_since = ${failingSince.toISOString()}, lease_until = null,
               next_attempt_at = ${new Date(at.getTime() + streamBackoffMs(attempts)).toISOString()},
               alerted_at = case when ${alert} then ${at.toISOString()}::timestamptz else alerted_at end
         where tenant_id = ${s.tenant_id} and id = ${s.id} and lease_until = ${lease}`),
    );
    if (kept > 0 && alert)
      await raiseAlert(tx, {
        tenantId: s.tenant_id,
        rule: 'audit_stream_failing',
        details: { stream: s.name, error: error.kind, since: failingSince.toISOString() },
      });
  });
}
