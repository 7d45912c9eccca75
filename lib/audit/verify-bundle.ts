import * as nodeCrypto from 'node:crypto';
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, chainHash, GENESIS_HASH, type AuditRecord } from './canonical';
import { GENESIS_CHECKPOINT, checkpointBytes, checkpointHash, type CheckpointBody } from './checkpoint';

/** One exported event: the hashed record plus its sequence number and chain hash. */
export interface ExportedEvent extends Omit<AuditRecord, 'occurredAt'> {
  seq: number;
  occurredAt: string;
  hash: string;
}

/** An event whose content a filtered bundle withholds: its place in the chain and its digest. */
export interface WithheldEvent {
  seq: number;
  digest: string;
  hash: string;
}

export interface ExportedCheckpoint extends CheckpointBody {
  checkpointHash: string;
  signature: string;
  keyFingerprint: string;
}

/** A checkpoint as the database stores it. */
export interface StoredCheckpoint {
  tenantId: string;
  seq: number;
  headHash: string;
  signedAt: Date;
  previousCheckpointHash: string;
  checkpointHash: string;
  signature: string;
  keyFingerprint: string;
}

/** A stored checkpoint as bundles and streams carry it. */
export const exportedCheckpoint = (c: StoredCheckpoint): ExportedCheckpoint => ({
  chain: c.tenantId,
  seq: c.seq,
  headHash: c.headHash,
  signedAt: c.signedAt.toISOString(),
  previousCheckpointHash: c.previousCheckpointHash,
  checkpointHash: c.checkpointHash,
  signature: c.signature,
  keyFingerprint: c.keyFingerprint,
});

/** Stored checkpoints as a bundle's checkpoints.jsonl: one exported checkpoint a line. */
export const checkpointsJsonl = (rows: StoredCheckpoint[]): string =>
  rows.map((c) => JSON.stringify(exportedCheckpoint(c))).join('\n');

/** A chained event as bundles and streams carry it: the hashed record, its seq and its hash. */
export const exportedEvent = (e: AuditRecord & { seq: number }, hash: string): ExportedEvent => ({
  tenantId: e.tenantId,
  seq: e.seq,
  id: e.id,
  occurredAt: e.occurredAt.toISOString(),
  actorOperatorId: e.actorOperatorId,
  actorLoginId: e.actorLoginId,
  action: e.action,
  targetType: e.targetType,
  targetId: e.targetId,
  outcome: e.outcome,
  ip: e.ip,
  userAgent: e.userAgent,
  sessionId: e.sessionId,
  details: e.details,
  hash,
});

export type Damage = 'modified' | 'missing' | 'inserted' | 'reordered' | 'truncated' | 'bad_signature' | 'malformed';

export type BundleVerdict =
  | { ok: true; events: number; withheld: number; checkpoints: number; lastSeq: number; headHash: string }
  | { ok: false; damage: Damage; seq: number | null; message: string };

const fail = (damage: Damage, seq: number | null, message: string): BundleVerdict => ({
  ok: false,
  damage,
  seq,
  message,
});
const malformed = () => fail('malformed', null, 'a line is not valid JSON');

// One-shot hashing where Node has it (20.12 and later; the package still allows 20.9, hence no
// named import): a Hash object per call costs more than hashing the few hundred bytes of an
// event. Hex out, which it returns faster than a Buffer; hashes are compared as hex anyway.
const hashHex: (data: string | Uint8Array) => string =
  typeof nodeCrypto.hash === 'function'
    ? (data) => nodeCrypto.hash('sha256', data)
    : (data) => createHash('sha256').update(data).digest('hex');

// eventDigest's canonical JSON has a fixed key set; these are its keys in canonicalJson's sorted
// order ("v" last). Writing them out saves sorting and allocating entries for every event.
const DIGEST_KEYS = [
  'action',
  'actorLoginId',
  'actorOperatorId',
  'details',
  'id',
  'ip',
  'occurredAt',
  'outcome',
  'sessionId',
  'targetId',
  'targetType',
  'tenantId',
  'userAgent',
] as const;

/** A line of events.jsonl: an event, or one a filtered bundle withholds. */
export type BundleLine = ExportedEvent | WithheldEvent;

const isWithheld = (e: BundleLine): e is WithheldEvent =>
  typeof (e as WithheldEvent).digest === 'string' && (e as ExportedEvent).action === undefined;

/**
 * eventDigest({ ...e, occurredAt: new Date(e.occurredAt) }) in hex, whatever a line holds; a
 * withheld event's digest as the bundle states it (the chain then decides whether it is true).
 */
export function digestOf(line: BundleLine): string {
  if (isWithheld(line)) return line.digest.toLowerCase();
  const e = line;
  const occurredAt = new Date(e.occurredAt).toISOString();
  let body = '{';
  for (const key of DIGEST_KEYS) {
    const value = key === 'occurredAt' ? occurredAt : e[key];
    // canonicalJson drops undefined members, and writes a string or null as JSON.stringify does.
    if (value !== undefined)
      body += `"${key}":${typeof value === 'string' || value === null ? JSON.stringify(value) : canonicalJson(value)},`;
  }
  return hashHex(`${body}"v":1}`);
}

export const GENESIS_HEX = Buffer.from(GENESIS_HASH).toString('hex');
const link = Buffer.alloc(72);

/** chainHash(previous, seq, digest) in hex, without allocating for the usual 32-byte previous hash. */
export function chainStep(previousHex: string, seq: number, digestHex: string): string {
  if (previousHex.length !== 64)
    return chainHash(Buffer.from(previousHex, 'hex'), seq, Buffer.from(digestHex, 'hex')).toString('hex');
  link.write(previousHex, 0, 'hex');
  link.writeBigInt64BE(BigInt(seq), 32);
  link.write(digestHex, 40, 'hex');
  return hashHex(link);
}

/**
 * The non-empty lines of a JSON Lines text, parsed one at a time, so a bundle of millions of
 * events is never held as objects all at once. `next` throws on a line that is not JSON; `rest`
 * parses all remaining lines, or gives null if one is not JSON.
 */
class JsonLines<T> {
  private from = 0;
  malformed = false;

  constructor(private readonly text: string) {}

  next(): T | undefined {
    while (this.from < this.text.length) {
      let end = this.text.indexOf('\n', this.from);
      if (end === -1) end = this.text.length;
      const line = this.text.slice(this.from, end);
      this.from = end + 1;
      if (!line) continue;
      try {
        return JSON.parse(line) as T;
      } catch (error) {
        this.malformed = true;
        throw error;
      }
    }
    return undefined;
  }

  rest(): T[] | null {
    const out: T[] = [];
    try {
      for (let x = this.next(); x !== undefined; x = this.next()) out.push(x);
    } catch {
      return null;
    }
    return out;
  }
}

/**
 * Verifies an evidence bundle offline: every checkpoint's Ed25519 signature and link, every
 * event hash recomputed in order from the genesis, sequence numbers without gaps, and that the
 * events reach the last signed checkpoint. Names the first bad event and the kind of damage; a
 * line that is not JSON, anywhere, makes the bundle malformed whatever else is wrong.
 */
export function verifyBundle(eventsJsonl: string, checkpointsJsonl: string, publicKeyPem: string): BundleVerdict {
  const events = new JsonLines<BundleLine>(eventsJsonl);
  const checkpoints = new JsonLines<ExportedCheckpoint>(checkpointsJsonl).rest();
  if (checkpoints === null) return malformed();
  try {
    return check(events, checkpoints, publicKeyPem);
  } catch (error) {
    // Odd content can make hashing throw; a malformed line, there or later, still decides.
    if (events.malformed || events.rest() === null) return malformed();
    throw error;
  }
}

/** The public keys in a PEM text (one or more blocks), by the fingerprint checkpoints name them with. */
function publicKeysOf(pem: string): Map<string, KeyObject> {
  const blocks = pem.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [pem];
  return new Map(
    blocks.map((block) => {
      const key = createPublicKey(block);
      return [
        createHash('sha256')
          .update(key.export({ type: 'spki', format: 'der' }))
          .digest('hex'),
        key,
      ] as const;
    }),
  );
}

/**
 * Checks checkpoint signatures against the public keys in a PEM text. The keys are parsed once,
 * not for every checkpoint; a key that does not parse fails every signature. The PEM may hold
 * several keys (the signer's key was replaced): each checkpoint names its own.
 */
export function checkpointVerifier(publicKeyPem: string) {
  let keys: Map<string, KeyObject> | undefined;
  return (body: CheckpointBody, signature: string, fingerprint: string) => {
    try {
      keys ??= publicKeysOf(publicKeyPem);
      const key = keys.get(fingerprint) ?? (keys.size === 1 ? [...keys.values()][0] : undefined);
      return key !== undefined && verify(null, checkpointBytes(body), key, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  };
}

/**
 * What is wrong with a checkpoint, if anything: its signature, or its link to the checkpoint
 * before it (`previous` null: the first one seen, whose predecessor is not at hand).
 */
export function checkpointProblem(
  cp: ExportedCheckpoint,
  previous: string | null,
  signatureVerifies: ReturnType<typeof checkpointVerifier>,
): string | null {
  const body: CheckpointBody = {
    chain: cp.chain,
    seq: cp.seq,
    headHash: cp.headHash,
    signedAt: cp.signedAt,
    previousCheckpointHash: cp.previousCheckpointHash,
  };
  if (!signatureVerifies(body, cp.signature, cp.keyFingerprint))
    return `checkpoint at seq ${cp.seq}: signature does not verify with the given public key`;
  if ((previous !== null && cp.previousCheckpointHash !== previous) || checkpointHash(body) !== cp.checkpointHash)
    return `checkpoint at seq ${cp.seq}: not linked to the previous checkpoint`;
  return null;
}

function check(events: JsonLines<BundleLine>, checkpoints: ExportedCheckpoint[], publicKeyPem: string): BundleVerdict {
  // Any finding stands only if no later line is malformed; the later events also tell a swap
  // from a gap.
  const later = () => events.rest();
  const damaged = (damage: Damage, seq: number | null, message: string) =>
    later() === null ? malformed() : fail(damage, seq, message);
  const signatureVerifies = checkpointVerifier(publicKeyPem);
  let e = events.next();
  let previousCp = GENESIS_CHECKPOINT;
  for (const cp of checkpoints) {
    const problem = checkpointProblem(cp, previousCp, signatureVerifies);
    if (problem) return damaged('bad_signature', cp.seq, problem);
    previousCp = cp.checkpointHash;
  }
  const signedHead = new Map(checkpoints.map((c) => [c.seq, c.headHash]));
  const seen = new Set<number>();
  // Hex, as lowercase as the stored hashes it is compared with.
  let previous = GENESIS_HEX;
  let expected = 1;
  // After retention pruning the chain starts just past a signed checkpoint, from its head.
  const first = e?.seq ?? 1;
  if (first > 1 && signedHead.has(first - 1)) {
    previous = Buffer.from(signedHead.get(first - 1)!, 'hex').toString('hex');
    expected = first;
  }
  const fits = (x: BundleLine, from: string, seq: number) => chainStep(from, seq, digestOf(x)) === x.hash;
  let beforePrevious: string | null = null;
  let count = 0;
  let withheld = 0;
  for (; e !== undefined; e = events.next(), count++) {
    if (isWithheld(e)) withheld++;
    if (seen.has(e.seq)) return damaged('inserted', e.seq, `a second event claims seq ${e.seq}`);
    if (e.seq < expected) return damaged('reordered', e.seq, `seq ${e.seq} comes after seq ${expected - 1}`);
    if (e.seq > expected) {
      const rest = later();
      if (rest === null) return malformed();
      // A later event appearing early is a swap; otherwise events are missing.
      return rest.some((x) => x.seq === expected)
        ? fail('reordered', e.seq, `seq ${e.seq} stands where seq ${expected} belongs`)
        : fail('missing', expected, `seq ${expected} to ${e.seq - 1} missing`);
    }
    seen.add(e.seq);
    const hash = chainStep(previous, e.seq, digestOf(e));
    if (hash !== e.hash) {
      const rest = later();
      if (rest === null) return malformed();
      // Where seq is authoritative (the database) a swap or an insertion keeps the numbering
      // intact; it shows as events whose stored hashes fit one place off.
      const next = rest[0];
      if (next && fits(next, previous, e.seq)) {
        return fits(e, Buffer.from(next.hash, 'hex').toString('hex'), e.seq + 1)
          ? fail('reordered', e.seq, `the events at seq ${e.seq} and ${e.seq + 1} are swapped`)
          : fail('inserted', e.seq, `the event at seq ${e.seq} was put in before the one that belongs there`);
      }
      if (beforePrevious && fits(e, beforePrevious, e.seq - 1)) {
        return fail(
          'inserted',
          e.seq - 1,
          `the event at seq ${e.seq - 1} was put in; the event now at seq ${e.seq} belongs there`,
        );
      }
      // Its stored hash fits the chain with other content, or fits nothing: both are a changed event.
      return fail('modified', e.seq, `event at seq ${e.seq} does not match its hash`);
    }
    const signed = signedHead.get(e.seq);
    if (signed && signed !== e.hash)
      return damaged('modified', e.seq, `event at seq ${e.seq} differs from the signed checkpoint`);
    beforePrevious = previous;
    previous = hash;
    expected++;
  }
  const lastSigned = checkpoints.at(-1)?.seq ?? 0;
  if (lastSigned > expected - 1)
    return fail(
      'truncated',
      expected,
      `the last checkpoint covers seq ${lastSigned}, the events stop at ${expected - 1}`,
    );
  return {
    ok: true,
    events: count,
    withheld,
    checkpoints: checkpoints.length,
    lastSeq: expected - 1,
    headHash: previous,
  };
}

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
