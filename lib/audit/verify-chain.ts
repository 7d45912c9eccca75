import { chainHash, eventDigest, GENESIS_HASH, type AuditRecord } from './canonical';

export interface ChainRow extends AuditRecord {
  seq: number;
  hash: Uint8Array;
}

export type ChainVerdict =
  | { ok: true; count: number; lastSeq: number; headHash: string }
  | { ok: false; seq: number; problem: 'gap' | 'modified'; count: number };

/**
 * Recomputes every hash of a chain from its rows (ordered by seq) and checks that sequence numbers
 * run without a gap from `startSeq`. Pure: used by tests, the console and the offline verifier.
 */
export function verifyChain(
  rows: Iterable<ChainRow>,
  start = { seq: 1, previousHash: GENESIS_HASH as Uint8Array },
): ChainVerdict {
  let previous = start.previousHash;
  let expectedSeq = start.seq;
  let count = 0;
  for (const row of rows) {
    if (row.seq !== expectedSeq) return { ok: false, seq: expectedSeq, problem: 'gap', count };
    const hash = chainHash(previous, row.seq, eventDigest(row));
    if (!hash.equals(Buffer.from(row.hash))) return { ok: false, seq: row.seq, problem: 'modified', count };
    previous = hash;
    expectedSeq++;
    count++;
  }
  return { ok: true, count, lastSeq: expectedSeq - 1, headHash: Buffer.from(previous).toString('hex') };
}
