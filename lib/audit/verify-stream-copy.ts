import { parseStreamLine, type StreamCheckpointLine, type StreamEventLine } from './stream-line';
import {
  chainStep,
  checkpointProblem,
  checkpointVerifier,
  digestOf,
  type BundleLine,
  type Damage,
} from './verify-bundle';

export type StreamCopyDamage = Damage | 'rewritten';

export interface ChainCopySummary {
  tenantId: string;
  events: number;
  /** Lines delivered again after a retry: the same sequence number with the same content. */
  duplicates: number;
  firstSeq: number;
  lastSeq: number;
  headHash: string;
  checkpoints: number;
  /** The last sequence number a signed checkpoint covers; events after it are not yet signed. */
  signedThrough: number | null;
  /** With a bundle: how many of the copy's events the bundle holds in full and agree. */
  compared: number;
}

export type StreamCopyVerdict =
  | { ok: true; chains: ChainCopySummary[]; ignored: number }
  | { ok: false; damage: StreamCopyDamage; tenantId: string | null; seq: number | null; message: string };

const fail = (damage: StreamCopyDamage, tenantId: string | null, seq: number | null, message: string) =>
  ({ ok: false, damage, tenantId, seq, message }) as const;

/**
 * Verifies an audit stream's copy as a receiver kept it (JSON Lines, in any mix of Mamori's
 * format, OCSF, Splunk HEC envelopes and syslog lines), per chain: every event's hash recomputed
 * from its content and its predecessor from the first event's previous hash on, sequence numbers
 * without gaps (a retried line repeating an event exactly is counted, not an error), every
 * streamed checkpoint signed and linked and equal to the copy's head at its sequence number.
 * With the events of a bundle exported later, it names the first event where the two disagree:
 * history rewritten after it was streamed.
 */
export function verifyStreamCopy(copy: string, publicKeyPem: string, bundleEventsJsonl?: string): StreamCopyVerdict {
  const events = new Map<string, StreamEventLine[]>();
  const checkpoints = new Map<string, StreamCheckpointLine[]>();
  let ignored = 0;
  let lineNo = 0;
  for (const text of copy.split('\n')) {
    lineNo++;
    if (!text.trim()) continue;
    let line;
    try {
      line = parseStreamLine(text.trim());
    } catch {
      return fail('malformed', null, null, `line ${lineNo} is not valid JSON`);
    }
    if (!line) {
      ignored++;
      continue;
    }
    const chain = line.type === 'mamori.audit_event' ? line.tenantId : line.chain;
    const into = line.type === 'mamori.audit_event' ? events : checkpoints;
    const list = (into.get(chain) ?? []) as StreamLine[];
    list.push(line);
    into.set(chain, list as never);
  }
  if (events.size === 0) return fail('missing', null, null, 'the copy holds no audit events');
  const bundle = bundleEventsJsonl === undefined ? null : bundleEvents(bundleEventsJsonl);
  if (bundle === 'malformed') return fail('malformed', null, null, 'a line of the bundle is not valid JSON');
  const signatureVerifies = checkpointVerifier(publicKeyPem);
  const chains: ChainCopySummary[] = [];
  for (const [tenantId, lines] of events) {
    const verdict = verifyChain(tenantId, lines, checkpoints.get(tenantId) ?? [], signatureVerifies, bundle);
    if (!verdict.ok) return verdict;
    chains.push(verdict.summary);
  }
  for (const tenantId of checkpoints.keys())
    if (!events.has(tenantId))
      return fail('malformed', tenantId, null, 'checkpoints of a chain with no events in the copy');
  return { ok: true, chains, ignored };
}

type StreamLine = StreamEventLine | StreamCheckpointLine;

function verifyChain(
  tenantId: string,
  lines: StreamEventLine[],
  checkpoints: StreamCheckpointLine[],
  signatureVerifies: ReturnType<typeof checkpointVerifier>,
  bundle: Map<string, Map<number, BundleLine>> | null,
): { ok: true; summary: ChainCopySummary } | ReturnType<typeof fail> {
  const bad = (damage: StreamCopyDamage, seq: number | null, message: string) => fail(damage, tenantId, seq, message);
  // The chain as streamed: each event follows the one before it.
  const heads = new Map<number, string>();
  const digests = new Map<number, string>();
  const first = lines[0];
  let previous = String(first.prevHash).toLowerCase();
  let expected = first.seq;
  heads.set(first.seq - 1, previous);
  let duplicates = 0;
  let count = 0;
  for (const e of lines) {
    if (typeof e.seq !== 'number' || typeof e.hash !== 'string')
      return bad('malformed', null, 'an event without seq or hash');
    if (e.seq < expected) {
      // At least once: a retry repeats what was sent; anything else at an old place is not a repeat.
      if (heads.get(e.seq) === e.hash.toLowerCase() && digests.get(e.seq) === digestOf(e)) {
        duplicates++;
        continue;
      }
      return bad('reordered', e.seq, `seq ${e.seq} arrives again after seq ${expected - 1} with other content`);
    }
    if (e.seq > expected) return bad('missing', expected, `seq ${expected} to ${e.seq - 1} missing from the copy`);
    if (String(e.prevHash).toLowerCase() !== previous)
      return bad('modified', e.seq, `event at seq ${e.seq} names a previous hash the copy does not have`);
    const digest = digestOf(e);
    const hash = chainStep(previous, e.seq, digest);
    if (hash !== e.hash.toLowerCase()) return bad('modified', e.seq, `event at seq ${e.seq} does not match its hash`);
    heads.set(e.seq, hash);
    digests.set(e.seq, digest);
    previous = hash;
    expected++;
    count++;
  }
  const lastSeq = expected - 1;

  // Checkpoints, in the order signed (a retry may repeat one): each verifies, links to the one
  // before it (the copy may start after the first), and equals the copy's head where it falls.
  const unique = [...new Map(checkpoints.map((c) => [c.seq, c])).values()].sort((a, b) => a.seq - b.seq);
  let previousCp: string | null = null;
  let signedThrough: number | null = null;
  for (const cp of unique) {
    const problem = checkpointProblem(cp, previousCp, signatureVerifies);
    if (problem) return bad('bad_signature', cp.seq, problem);
    previousCp = cp.checkpointHash;
    const head = heads.get(cp.seq);
    if (head !== undefined) {
      if (head !== cp.headHash.toLowerCase())
        return bad('modified', cp.seq, `the copy's head at seq ${cp.seq} differs from the signed checkpoint`);
      signedThrough = cp.seq;
    } else if (cp.seq > lastSeq) {
      return bad('truncated', lastSeq + 1, `a checkpoint covers seq ${cp.seq}, the copy's events stop at ${lastSeq}`);
    }
  }

  // Against a bundle: the first event where the database's history now says something else.
  let compared = 0;
  const held = bundle?.get(tenantId);
  if (bundle) {
    if (!held) return bad('rewritten', first.seq, 'the bundle holds no events of this chain');
    for (let seq = first.seq; seq <= lastSeq; seq++) {
      const theirs = held.get(seq);
      if (!theirs) continue;
      if (theirs.hash.toLowerCase() !== heads.get(seq) || digestOf(theirs) !== digests.get(seq))
        return bad(
          'rewritten',
          seq,
          `the bundle's event at seq ${seq} differs from the one streamed: history was rewritten after it`,
        );
      compared++;
    }
  }
  return {
    ok: true,
    summary: {
      tenantId,
      events: count,
      duplicates,
      firstSeq: first.seq,
      lastSeq,
      headHash: previous,
      checkpoints: unique.length,
      signedThrough,
      compared,
    },
  };
}

/** A bundle's events.jsonl by chain and sequence number (events it withholds carry a digest and hash). */
function bundleEvents(text: string): Map<string, Map<number, BundleLine>> | 'malformed' {
  const out = new Map<string, Map<number, BundleLine>>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: BundleLine & { tenantId?: string };
    try {
      e = JSON.parse(line);
    } catch {
      return 'malformed';
    }
    const chain = e.tenantId ?? '';
    if (!out.has(chain)) out.set(chain, new Map());
    out.get(chain)!.set(e.seq, e);
  }
  // Withheld lines name no tenant: a bundle is one chain, so they belong to the one named.
  const unnamed = out.get('');
  if (unnamed && out.size === 2) {
    const [[, named]] = [...out].filter(([k]) => k !== '');
    for (const [seq, e] of unnamed) named.set(seq, e);
    out.delete('');
  }
  return out;
}
