import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ChainExtension, anchorFrom, type Refusal, type SignedPosition, type SignerKey } from './sign-chain-head';
import type { ExportedCheckpoint, ExportedEvent } from './verify-bundle';

/**
 * Where the signer reads chains from and files what it signs: the database through its own
 * read-only role (PostgreSQL), or the app over IPC (embedded PGlite, where one process owns the
 * database). The source can lie; the signer only signs what extends its own last signed heads.
 */
export interface ChainSource {
  /** Every chain with its head sequence number. */
  heads(chains?: string[]): Promise<{ chain: string; seq: number }[]>;
  /** The newest stored checkpoint of a chain, for a signer that has no position of its own yet. */
  lastCheckpoint(chain: string): Promise<ExportedCheckpoint | null>;
  /** Up to `limit` events from `fromSeq` on, in sequence order. */
  events(chain: string, fromSeq: number, limit: number): Promise<ExportedEvent[]>;
  store(checkpoint: ExportedCheckpoint): Promise<void>;
  refuse(chain: string, refusal: { reason: Refusal; seq: number }): Promise<void>;
  registerKey(fingerprint: string, publicKeyPem: string): Promise<void>;
}

const SLICE = 2000;

interface SignerState {
  positions: Record<string, SignedPosition>;
}

export interface SigningRound {
  signed: string[];
  refused: { chain: string; reason: Refusal; seq: number }[];
}

/**
 * The signer: its key, and its memory of the last head it signed per chain, kept in a file of its
 * own (written whole and renamed into place, so a crash leaves the old or the new state). That
 * memory is what a rewritten history cannot get past.
 */
export class AuditSigner {
  private state: SignerState;
  private registered = false;

  constructor(
    readonly key: SignerKey,
    private readonly stateFile: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.state = existsSync(stateFile)
      ? (JSON.parse(readFileSync(stateFile, 'utf8')) as SignerState)
      : { positions: {} };
  }

  position(chain: string): SignedPosition | null {
    return this.state.positions[chain] ?? null;
  }

  private persist() {
    mkdirSync(path.dirname(this.stateFile), { recursive: true });
    const temporary = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.state), { mode: 0o600 });
    renameSync(temporary, this.stateFile);
  }

  /** Adds the chain's events from `from` up to `to` to the extension, slice by slice. */
  private async walk(source: ChainSource, extension: ChainExtension, from: number, to: number) {
    for (let next = from; next <= to && !extension.refusal;) {
      const slice = (await source.events(extension.chain, next, SLICE)).filter((e) => e.seq <= to);
      if (slice.length === 0) break;
      extension.add(slice);
      next = slice.at(-1)!.seq + 1;
    }
  }

  /**
   * Where to go on from for a chain: this signer's own position, or a stored checkpoint of its own
   * key where it has none (its state was lost, or it is new), or one past its position that it
   * filed but could not remember (it stopped in between), once the chain is seen to lead there.
   */
  private async startOf(
    source: ChainSource,
    chain: string,
  ): Promise<{ from: SignedPosition | null; link: SignedPosition | null }> {
    const own = this.position(chain);
    const last = await source.lastCheckpoint(chain);
    const stored = anchorFrom(last, this.key);
    // Checkpoints of a key this signer does not hold (the key was replaced): it reads the chain
    // from its genesis itself and chains its first checkpoint to the last stored one.
    if (!own && !stored && last)
      return { from: null, link: { seq: last.seq, headHash: last.headHash, checkpointHash: last.checkpointHash } };
    if (!stored || (own && stored.seq <= own.seq)) return { from: own, link: null };
    if (own) {
      const check = new ChainExtension(chain, own);
      await this.walk(source, check, own.seq, stored.seq);
      if (check.reached()?.seq !== stored.seq || check.reached()?.hash !== stored.headHash)
        return { from: own, link: null };
    }
    this.state.positions[chain] = stored;
    this.persist();
    return { from: stored, link: null };
  }

  /** Signs the head of every chain (or of these) that grew since its last checkpoint. */
  async signChains(source: ChainSource, chains?: string[]): Promise<SigningRound> {
    if (!this.registered) {
      await source.registerKey(this.key.fingerprint, this.key.publicKeyPem);
      this.registered = true;
    }
    const round: SigningRound = { signed: [], refused: [] };
    for (const head of await source.heads(chains)) {
      const { from, link } = await this.startOf(source, head.chain);
      if ((from ?? link) && head.seq === (from ?? link)!.seq) continue;
      const extension = new ChainExtension(head.chain, from, link);
      await this.walk(source, extension, from ? from.seq : 1, head.seq);
      const verdict = extension.finish(this.key, this.clock().toISOString(), head.seq);
      if (!verdict) continue;
      if ('refused' in verdict) {
        round.refused.push({ chain: head.chain, ...verdict.refused });
        await source.refuse(head.chain, verdict.refused);
        continue;
      }
      // Filed first, remembered after: a signer that stops in between finds its checkpoint stored
      // next time and goes on from there (startOf).
      await source.store(verdict.checkpoint);
      this.state.positions[head.chain] = verdict.position;
      this.persist();
      round.signed.push(head.chain);
    }
    return round;
  }
}
