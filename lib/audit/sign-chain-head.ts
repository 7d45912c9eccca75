import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { GENESIS_CHECKPOINT, checkpointBytes, checkpointHash, type CheckpointBody } from './checkpoint';
import { GENESIS_HEX, chainStep, digestOf, type ExportedCheckpoint, type ExportedEvent } from './verify-bundle';

/**
 * The audit signer's judgement, without I/O: it signs a chain's head only when the events since
 * the last head it signed extend that head (the same prefix, the sequence only growing), and
 * refuses anything else. It runs in its own process with the private key; the web process only
 * hands it events (embedded PGlite) or nothing at all (PostgreSQL, where it reads them itself).
 */

/** The last head this signer signed for a chain, and that checkpoint's hash. */
export interface SignedPosition {
  seq: number;
  headHash: string;
  checkpointHash: string;
}

export interface SignerKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  fingerprint: string;
}

/** sha256 of the DER public key, hex, as shown in the console and written into bundles. */
export const fingerprintOf = (publicKeyPem: string) =>
  createHash('sha256')
    .update(createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' }))
    .digest('hex');

export function signerKeyFrom(privatePem: string): SignerKey {
  const privateKey = createPrivateKey(privatePem.replace(/\\n/g, '\n'));
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKeyPem, fingerprint: fingerprintOf(publicKeyPem) };
}

export type Refusal = 'rewritten' | 'truncated' | 'gap';

/**
 * A stored checkpoint this signer may start from when it has no position of its own for a chain
 * (its state was lost, or it is new): only one its own key signed.
 */
export function anchorFrom(checkpoint: ExportedCheckpoint | null, key: SignerKey): SignedPosition | null {
  if (!checkpoint || checkpoint.keyFingerprint !== key.fingerprint) return null;
  const body: CheckpointBody = {
    chain: checkpoint.chain,
    seq: checkpoint.seq,
    headHash: checkpoint.headHash,
    signedAt: checkpoint.signedAt,
    previousCheckpointHash: checkpoint.previousCheckpointHash,
  };
  let good = false;
  try {
    good =
      verify(
        null,
        checkpointBytes(body),
        createPublicKey(key.publicKeyPem),
        Buffer.from(checkpoint.signature, 'base64'),
      ) && checkpointHash(body) === checkpoint.checkpointHash;
  } catch {
    good = false;
  }
  return good
    ? { seq: checkpoint.seq, headHash: checkpoint.headHash, checkpointHash: checkpoint.checkpointHash }
    : null;
}

/**
 * Walks a chain's events onward from a signed position, slice by slice (a large chain is never
 * held at once): the event at the position itself, where it still exists, must carry the signed
 * hash, and every later one must follow from it by its own content.
 */
export class ChainExtension {
  private previous: string;
  private expected: number;
  private last: { seq: number; hash: string } | null = null;
  refusal: { reason: Refusal; seq: number } | null = null;

  /**
   * `link`: a stored checkpoint of another key (the signer's key was replaced) to chain the next
   * checkpoint to, once this walk has seen the chain reach its head.
   */
  constructor(
    readonly chain: string,
    readonly from: SignedPosition | null,
    private readonly link: SignedPosition | null = null,
  ) {
    this.previous = from ? from.headHash : GENESIS_HEX;
    this.expected = from ? from.seq : 1;
  }

  /** Events in sequence order, starting at the position's own seq (or the next one). */
  add(events: readonly ExportedEvent[]): void {
    for (const e of events) {
      if (this.refusal) return;
      // Earlier events are already under the signed position.
      if (this.from && e.seq < this.from.seq) continue;
      if (this.from && e.seq === this.from.seq && this.last === null) {
        // The signed event itself: it must still be what was signed.
        if (e.hash !== this.from.headHash) this.refusal = { reason: 'rewritten', seq: e.seq };
        this.expected = e.seq + 1;
        continue;
      }
      if (this.last === null && this.from && e.seq === this.from.seq + 1) this.expected = e.seq;
      if (e.seq !== this.expected) {
        this.refusal = {
          reason: this.last === null && this.from && e.seq > this.from.seq + 1 ? 'truncated' : 'gap',
          seq: this.expected,
        };
        return;
      }
      const hash = chainStep(this.previous, e.seq, digestOf(e));
      if (hash !== e.hash) {
        this.refusal = { reason: 'rewritten', seq: e.seq };
        return;
      }
      if (this.link && e.seq === this.link.seq && hash !== this.link.headHash) {
        this.refusal = { reason: 'rewritten', seq: e.seq };
        return;
      }
      this.previous = hash;
      this.last = { seq: e.seq, hash };
      this.expected = e.seq + 1;
    }
  }

  /** The last event that followed so far: its seq and hash. */
  reached(): { seq: number; hash: string } | null {
    return this.last;
  }

  /**
   * The verdict once every event up to the head was added: a signed checkpoint of the new head, or
   * the refusal, or null when nothing came after the signed position. `headSeq` is the chain's
   * head as its store reports it: a head below the signed position is a truncation.
   */
  finish(
    key: SignerKey,
    signedAt: string,
    headSeq: number,
  ):
    | { checkpoint: ExportedCheckpoint; position: SignedPosition }
    | { refused: { reason: Refusal; seq: number } }
    | null {
    if (!this.refusal && this.from && headSeq < this.from.seq) this.refusal = { reason: 'truncated', seq: headSeq + 1 };
    if (!this.refusal && this.last && this.last.seq !== headSeq)
      this.refusal = { reason: 'gap', seq: this.last.seq + 1 };
    if (!this.refusal && this.link && (this.last?.seq ?? 0) < this.link.seq)
      this.refusal = { reason: 'truncated', seq: (this.last?.seq ?? 0) + 1 };
    if (this.refusal) return { refused: this.refusal };
    if (!this.last) return null;
    const body: CheckpointBody = {
      chain: this.chain,
      seq: this.last.seq,
      headHash: this.last.hash,
      signedAt,
      previousCheckpointHash: (this.link ?? this.from)?.checkpointHash ?? GENESIS_CHECKPOINT,
    };
    const checkpoint: ExportedCheckpoint = {
      ...body,
      checkpointHash: checkpointHash(body),
      signature: sign(null, checkpointBytes(body), key.privateKey).toString('base64'),
      keyFingerprint: key.fingerprint,
    };
    return {
      checkpoint,
      position: { seq: body.seq, headHash: body.headHash, checkpointHash: checkpoint.checkpointHash },
    };
  }
}
