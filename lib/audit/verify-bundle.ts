import { createHash } from 'node:crypto';
import { chainHash, eventDigest, GENESIS_HASH, type AuditRecord } from './canonical';
import { GENESIS_CHECKPOINT, checkpointHash, verifyCheckpoint, type CheckpointBody } from './checkpoint';

/** One exported event: the hashed record plus its sequence number and chain hash. */
export interface ExportedEvent extends Omit<AuditRecord, 'occurredAt'> {
  seq: number;
  occurredAt: string;
  hash: string;
}

export interface ExportedCheckpoint extends CheckpointBody {
  checkpointHash: string;
  signature: string;
  keyFingerprint: string;
}

export type Damage = 'modified' | 'missing' | 'inserted' | 'reordered' | 'truncated' | 'bad_signature' | 'malformed';

export type BundleVerdict =
  | { ok: true; events: number; checkpoints: number; lastSeq: number; headHash: string }
  | { ok: false; damage: Damage; seq: number | null; message: string };

const fail = (damage: Damage, seq: number | null, message: string): BundleVerdict => ({ ok: false, damage, seq, message });

/**
 * Verifies an evidence bundle offline: every checkpoint's Ed25519 signature and link, every
 * event hash recomputed in order from the genesis, sequence numbers without gaps, and that the
 * events reach the last signed checkpoint. Names the first bad event and the kind of damage.
 */
export function verifyBundle(eventsJsonl: string, checkpointsJsonl: string, publicKeyPem: string): BundleVerdict {
  let events: ExportedEvent[];
  let checkpoints: ExportedCheckpoint[];
  try {
    events = eventsJsonl.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    checkpoints = checkpointsJsonl.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return fail('malformed', null, 'a line is not valid JSON');
  }
  let previousCp = GENESIS_CHECKPOINT;
  for (const cp of checkpoints) {
    const body: CheckpointBody = { chain: cp.chain, seq: cp.seq, headHash: cp.headHash, signedAt: cp.signedAt, previousCheckpointHash: cp.previousCheckpointHash };
    if (!verifyCheckpoint(body, cp.signature, publicKeyPem)) return fail('bad_signature', cp.seq, `checkpoint at seq ${cp.seq}: signature does not verify with the given public key`);
    if (cp.previousCheckpointHash !== previousCp || checkpointHash(body) !== cp.checkpointHash) return fail('bad_signature', cp.seq, `checkpoint at seq ${cp.seq}: not linked to the previous checkpoint`);
    previousCp = cp.checkpointHash;
  }
  const signedHead = new Map(checkpoints.map((c) => [c.seq, c.headHash]));
  const seen = new Set<number>();
  let previous: Uint8Array = GENESIS_HASH;
  let expected = 1;
  // After retention pruning the chain starts just past a signed checkpoint, from its head.
  const first = events[0]?.seq ?? 1;
  if (first > 1 && signedHead.has(first - 1)) {
    previous = Buffer.from(signedHead.get(first - 1)!, 'hex');
    expected = first;
  }
  const fits = (x: ExportedEvent, from: Uint8Array, seq: number) =>
    chainHash(from, seq, eventDigest({ ...x, occurredAt: new Date(x.occurredAt) })).toString('hex') === x.hash;
  let beforePrevious: Uint8Array | null = null;
  for (const [i, e] of events.entries()) {
    if (seen.has(e.seq)) return fail('inserted', e.seq, `a second event claims seq ${e.seq}`);
    if (e.seq < expected) return fail('reordered', e.seq, `seq ${e.seq} comes after seq ${expected - 1}`);
    if (e.seq > expected) {
      // A later event appearing early is a swap; otherwise events are missing.
      const reordered = events.some((x) => x.seq === expected);
      return reordered ? fail('reordered', e.seq, `seq ${e.seq} stands where seq ${expected} belongs`) : fail('missing', expected, `seq ${expected} to ${e.seq - 1} missing`);
    }
    seen.add(e.seq);
    const digest = eventDigest({ ...e, occurredAt: new Date(e.occurredAt) });
    const hash = chainHash(previous, e.seq, digest);
    if (hash.toString('hex') !== e.hash) {
      // Where seq is authoritative (the database) a swap or an insertion keeps the numbering
      // intact; it shows as events whose stored hashes fit one place off.
      const next = events[i + 1];
      if (next && fits(next, previous, e.seq)) {
        return fits(e, Buffer.from(next.hash, 'hex'), e.seq + 1)
          ? fail('reordered', e.seq, `the events at seq ${e.seq} and ${e.seq + 1} are swapped`)
          : fail('inserted', e.seq, `the event at seq ${e.seq} was put in before the one that belongs there`);
      }
      if (beforePrevious && fits(e, beforePrevious, e.seq - 1)) {
        return fail('inserted', e.seq - 1, `the event at seq ${e.seq - 1} was put in; the event now at seq ${e.seq} belongs there`);
      }
      // Its stored hash fits the chain with other content, or fits nothing: both are a changed event.
      return fail('modified', e.seq, `event at seq ${e.seq} does not match its hash`);
    }
    const signed = signedHead.get(e.seq);
    if (signed && signed !== e.hash) return fail('modified', e.seq, `event at seq ${e.seq} differs from the signed checkpoint`);
    beforePrevious = previous;
    previous = hash;
    expected++;
  }
  const lastSigned = checkpoints.at(-1)?.seq ?? 0;
  if (lastSigned > expected - 1) return fail('truncated', expected, `the last checkpoint covers seq ${lastSigned}, the events stop at ${expected - 1}`);
  return { ok: true, events: events.length, checkpoints: checkpoints.length, lastSeq: expected - 1, headHash: Buffer.from(previous).toString('hex') };
}

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
