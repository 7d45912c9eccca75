import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkpointLine, formatStreamLine } from '@/lib/streams/format-stream-line';
import { chainHash, eventDigest, GENESIS_HASH, type AuditRecord } from './canonical';
import { GENESIS_CHECKPOINT, checkpointHash, signCheckpoint } from './checkpoint';
import { fingerprintOf } from './sign-chain-head';
import type { StreamEventLine, StreamLine } from './stream-line';
import { exportedEvent } from './verify-bundle';
import { verifyStreamCopy } from './verify-stream-copy';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const fingerprint = fingerprintOf(publicKeyPem);
const tenantId = randomUUID();

/** An event as the chain stores it, with its place in the chain. */
type ChainedEvent = AuditRecord & { seq: number; hash: string };

/** An event as a stream sends it (the deliverer has PostgreSQL build the same object). */
const eventLine = (e: ChainedEvent, prevHash: string): StreamEventLine => ({
  type: 'mamori.audit_event',
  ...exportedEvent(e, e.hash),
  prevHash,
});

/** A chain of n events, and a signed checkpoint every `every` events, as the database holds them. */
function chain(n: number, every = 4) {
  const events: ChainedEvent[] = [];
  const checkpoints = [];
  let previous: Buffer = GENESIS_HASH;
  let previousCp = GENESIS_CHECKPOINT;
  for (let seq = 1; seq <= n; seq++) {
    const record: AuditRecord = {
      tenantId,
      id: randomUUID(),
      occurredAt: new Date(Date.UTC(2026, 11, 3, 9, 0, seq)),
      actorOperatorId: randomUUID(),
      actorLoginId: 'naniwa.mori',
      action: seq % 3 === 0 ? 'orders.exported' : seq % 3 === 1 ? 'login.succeeded' : 'operator.disabled',
      targetType: null,
      targetId: null,
      outcome: 'success',
      ip: '203.0.113.66',
      userAgent: 'Mozilla/5.0',
      sessionId: null,
      details: { rows: seq, 名前: '森' },
    };
    previous = chainHash(previous, seq, eventDigest(record));
    events.push({ ...record, seq, hash: previous.toString('hex') });
    if (seq % every === 0) {
      const body = {
        chain: tenantId,
        seq,
        headHash: previous.toString('hex'),
        signedAt: new Date(Date.UTC(2026, 11, 3, 9, 1, seq)).toISOString(),
        previousCheckpointHash: previousCp,
      };
      previousCp = checkpointHash(body);
      checkpoints.push({
        tenantId,
        seq,
        headHash: body.headHash,
        signedAt: new Date(body.signedAt),
        previousCheckpointHash: body.previousCheckpointHash,
        checkpointHash: previousCp,
        signature: signCheckpoint(body, privateKey),
        keyFingerprint: fingerprint,
      });
    }
  }
  return { events, checkpoints };
}

/** The stream's lines from `from` on (events after it, each checkpoint once its head was sent). */
function stream(n: number, from = 0): StreamLine[] {
  const { events, checkpoints } = chain(n);
  const lines: StreamLine[] = [];
  for (const e of events.filter((x) => x.seq > from)) {
    lines.push(eventLine(e, e.seq === 1 ? GENESIS_HASH.toString('hex') : events[e.seq - 2].hash));
    const cp = checkpoints.find((c) => c.seq === e.seq);
    if (cp) lines.push(checkpointLine(cp));
  }
  return lines;
}

const jsonl = (lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n');

describe('a stream copy verified on its own', () => {
  it('accepts an unbroken copy from the middle of the chain, in each format a receiver may keep', () => {
    const lines = stream(12, 5);
    const verdict = verifyStreamCopy(jsonl(lines), publicKeyPem);
    expect(verdict).toMatchObject({
      ok: true,
      chains: [{ tenantId, events: 7, firstSeq: 6, lastSeq: 12, checkpoints: 2, signedThrough: 12, duplicates: 0 }],
    });
    const ocsf = lines.map((l) => formatStreamLine(l, 'ocsf'));
    expect(verifyStreamCopy(jsonl(ocsf), publicKeyPem)).toMatchObject({ ok: true, chains: [{ events: 7 }] });
    const hec = ocsf.map((event) => ({ time: 1, host: 'mamori', sourcetype: 'ocsf', event }));
    expect(verifyStreamCopy(jsonl(hec), publicKeyPem)).toMatchObject({ ok: true, chains: [{ events: 7 }] });
    const syslog = lines.map((l) => `<110>1 2026-12-03T09:00:00.000Z mamori mamori - audit - ${JSON.stringify(l)}`);
    expect(verifyStreamCopy(syslog.join('\n'), publicKeyPem)).toMatchObject({ ok: true, chains: [{ events: 7 }] });
  });

  it('counts a retried batch repeated at the boundary, and names a repeat with other content', () => {
    const lines = stream(8);
    const retried = [...lines.slice(0, 6), ...lines.slice(3)];
    expect(verifyStreamCopy(jsonl(retried), publicKeyPem)).toMatchObject({
      ok: true,
      chains: [{ events: 8, duplicates: 2 }],
    });
    const forged = lines.slice(3, 4).map((l) => ({ ...l, details: { rows: 0 } }));
    expect(verifyStreamCopy(jsonl([...lines, ...forged]), publicKeyPem)).toMatchObject({
      ok: false,
      damage: 'reordered',
      seq: (lines[3] as { seq: number }).seq,
    });
  });

  it('names the first gap, the first changed event and a forged checkpoint', () => {
    const lines = stream(8);
    const gap = lines.filter((l) => !(l.type === 'mamori.audit_event' && (l.seq === 3 || l.seq === 4)));
    expect(verifyStreamCopy(jsonl(gap), publicKeyPem)).toMatchObject({ ok: false, damage: 'missing', seq: 3 });
    const edited = lines.map((l) => (l.type === 'mamori.audit_event' && l.seq === 6 ? { ...l, ip: '192.0.2.1' } : l));
    expect(verifyStreamCopy(jsonl(edited), publicKeyPem)).toMatchObject({ ok: false, damage: 'modified', seq: 6 });
    const badCp = lines.map((l) =>
      l.type === 'mamori.checkpoint' ? { ...l, signedAt: '2027-01-01T00:00:00.000Z' } : l,
    );
    expect(verifyStreamCopy(jsonl(badCp), publicKeyPem)).toMatchObject({ ok: false, damage: 'bad_signature', seq: 4 });
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyStreamCopy(jsonl(lines), other)).toMatchObject({ ok: false, damage: 'bad_signature' });
    // Events cut off under a checkpoint that was streamed.
    const cut = lines.filter((l) => !(l.type === 'mamori.audit_event' && l.seq > 6));
    expect(verifyStreamCopy(jsonl(cut), publicKeyPem)).toMatchObject({ ok: false, damage: 'truncated', seq: 7 });
    expect(verifyStreamCopy(`${jsonl(lines)}\n{not json`, publicKeyPem)).toMatchObject({
      ok: false,
      damage: 'malformed',
    });
  });

  it('with a later bundle, names the first event whose history was rewritten after streaming', () => {
    const lines = stream(8);
    const asBundle = (rows: StreamLine[]) =>
      jsonl(rows.filter((l) => l.type === 'mamori.audit_event').map(({ type: _t, prevHash: _p, ...e }) => e));
    expect(verifyStreamCopy(jsonl(lines), publicKeyPem, asBundle(lines))).toMatchObject({
      ok: true,
      chains: [{ compared: 8 }],
    });
    // The database's event at seq 5 rewritten after it was streamed (its stored hash left as it was).
    const rewritten = lines.map((l) =>
      l.type === 'mamori.audit_event' && l.seq === 5 ? { ...l, actorLoginId: 'someone.else' } : l,
    );
    expect(verifyStreamCopy(jsonl(lines), publicKeyPem, asBundle(rewritten))).toMatchObject({
      ok: false,
      damage: 'rewritten',
      seq: 5,
    });
  });
});
