/**
 * P6: offline bundle verification speed. A bundle of 200,000 real chained events (fields as the
 * app sends them to the door, hashes from chainHash, as the database function computes them) with Ed25519-
 * signed checkpoints is built in memory; verifyBundle() on it is timed against sha256 over the
 * same bytes (events.jsonl and checkpoints.jsonl as the verifier reads them from the tar), in
 * alternating rounds. No goal: the ratio says what verification costs beyond reading the bytes.
 */
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { chainHash, completeRecord, eventDigest, GENESIS_HASH } from '@/lib/audit/canonical';
import { checkpointHash, GENESIS_CHECKPOINT, signCheckpoint, type CheckpointBody } from '@/lib/audit/checkpoint';
import { auditFieldsOf, type AuditEventInput } from '@/lib/audit/record-audit';
import { verifyBundle, type ExportedCheckpoint, type ExportedEvent } from '@/lib/audit/verify-bundle';
import { nowMs, round, type BenchReport, type TableRow } from './lib';

const EVENTS = Number(process.env.BENCH_P6_EVENTS ?? 200_000);
// The server signs a chain's head every 5 minutes when it grew: tens to thousands of events per
// checkpoint, with traffic. One per 50 is on the dense side, so signatures weigh more than usual.
const CHECKPOINT_EVERY = 50;
const ROUNDS = 5;

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
];

/** Shapes as the app writes them: logins, logouts, failures by unknown IDs, admin changes, exports. */
function inputFor(
  tenantId: string,
  operators: { id: string; loginId: string }[],
  sessions: string[],
  i: number,
): AuditEventInput {
  const op = operators[(i * 7919) % operators.length];
  const session = sessions[(i * 104729) % sessions.length];
  const ip =
    i % 10 === 0
      ? `2001:db8:${(i % 4096).toString(16)}::${(i % 65536).toString(16)}`
      : `10.${i % 256}.${(i >> 8) % 256}.${1 + (i % 200)}`;
  const client = { ip, userAgent: USER_AGENTS[i % 2], sessionId: session };
  switch (i % 20) {
    case 0:
      return {
        tenantId,
        action: 'login.failed',
        outcome: 'failure',
        actor: { operatorId: null, loginId: i % 40 === 0 ? "=cmd|' /C calc'!A0" : 'admin' },
        ip,
        userAgent: client.userAgent,
        details: { reason: 'unknown_login_id', consecutiveFailures: 1 + (i % 5) },
      };
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
      return {
        tenantId,
        action: 'logout',
        outcome: 'success',
        actor: { operatorId: op.id, loginId: op.loginId },
        target: { type: 'session', id: session },
        ...client,
        details: {},
      };
    case 6:
      return {
        tenantId,
        action: 'operator.updated',
        outcome: 'success',
        actor: { operatorId: op.id, loginId: op.loginId },
        target: { type: 'operator', id: operators[(i + 1) % operators.length].id },
        ...client,
        details: { fields: ['display_name', 'role'], note: '異動のため' },
      };
    case 7:
      return {
        tenantId,
        action: 'audit.exported',
        outcome: 'success',
        actor: { operatorId: op.id, loginId: op.loginId },
        target: { type: 'tenant', id: tenantId },
        ...client,
        details: {
          format: 'csv',
          encoding: 'sjis',
          filter: { action: ['login.failed'] },
          rows: i,
          bytes: i * 400,
          sha256: createHash('sha256').update(String(i)).digest('hex'),
        },
      };
    default:
      return {
        tenantId,
        action: 'login.succeeded',
        outcome: 'success',
        actor: { operatorId: op.id, loginId: op.loginId },
        target: { type: 'session', id: session },
        ...client,
        details: { secondFactor: 'totp', idleTimeoutMinutes: 30, absoluteTimeoutHours: 12 },
      };
  }
}

/** events.jsonl and checkpoints.jsonl exactly as exportAuditBundle writes them, and the public key. */
function buildBundle(total: number) {
  const tenantId = randomUUID();
  const operators = Array.from({ length: 300 }, (_, i) => ({
    id: randomUUID(),
    loginId: `operator${String(i).padStart(3, '0')}.sakura`,
  }));
  const sessions = Array.from({ length: 2000 }, () => randomUUID());
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const start = Date.now() - 30 * 86_400_000;
  const lines: string[] = [];
  const checkpoints: string[] = [];
  let previous: Uint8Array = GENESIS_HASH;
  let previousCheckpoint = GENESIS_CHECKPOINT;
  for (let seq = 1; seq <= total; seq++) {
    const record = completeRecord(
      auditFieldsOf(inputFor(tenantId, operators, sessions, seq)),
      randomUUID(),
      new Date(start + seq * 13_000),
    );
    const hash = chainHash(previous, seq, eventDigest(record));
    previous = hash;
    // The fields and their order as exportAuditBundle writes them.
    const event: ExportedEvent = {
      tenantId: record.tenantId,
      seq,
      id: record.id,
      occurredAt: record.occurredAt.toISOString(),
      actorOperatorId: record.actorOperatorId,
      actorLoginId: record.actorLoginId,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId,
      outcome: record.outcome,
      ip: record.ip,
      userAgent: record.userAgent,
      sessionId: record.sessionId,
      details: record.details,
      hash: hash.toString('hex'),
    };
    lines.push(JSON.stringify(event));
    if (seq % CHECKPOINT_EVERY === 0 || seq === total) {
      const body: CheckpointBody = {
        chain: tenantId,
        seq,
        headHash: event.hash,
        signedAt: new Date(start + seq * 13_000 + 1000).toISOString(),
        previousCheckpointHash: previousCheckpoint,
      };
      const cp: ExportedCheckpoint = {
        ...body,
        checkpointHash: checkpointHash(body),
        signature: signCheckpoint(body, privateKey),
        keyFingerprint: 'bench',
      };
      previousCheckpoint = cp.checkpointHash;
      checkpoints.push(JSON.stringify(cp));
    }
  }
  return {
    events: lines.join('\n'),
    checkpoints: checkpoints.join('\n'),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    headHash: Buffer.from(previous).toString('hex'),
    checkpointCount: checkpoints.length,
  };
}

export async function runP6(): Promise<BenchReport> {
  const t0 = nowMs();
  const bundle = buildBundle(EVENTS);
  const buildSeconds = round((nowMs() - t0) / 1000, 1);
  // The bytes the verifier gets: the CLI reads the tar's files as buffers, then decodes them.
  const files = [Buffer.from(bundle.events, 'utf8'), Buffer.from(bundle.checkpoints, 'utf8')];
  const bytes = files[0].length + files[1].length;
  const verify = () => {
    const verdict = verifyBundle(files[0].toString('utf8'), files[1].toString('utf8'), bundle.publicKeyPem);
    if (!verdict.ok || verdict.events !== EVENTS || verdict.headHash !== bundle.headHash)
      throw new Error(`the intact bundle did not verify: ${JSON.stringify(verdict)}`);
  };
  // For information: the same events without checkpoints, which leaves out the signatures.
  const verifyEventsOnly = () => {
    const verdict = verifyBundle(files[0].toString('utf8'), '', bundle.publicKeyPem);
    if (!verdict.ok) throw new Error(`the intact events did not verify: ${JSON.stringify(verdict)}`);
  };
  const sha256 = () => {
    const h = createHash('sha256');
    for (const f of files) h.update(f);
    h.digest();
  };
  const time = (fn: () => void) => {
    const t = nowMs();
    fn();
    return (nowMs() - t) / 1000;
  };
  verify();
  sha256();
  const verifySeconds: number[] = [];
  const shaSeconds: number[] = [];
  const eventsOnlySeconds: number[] = [];
  // Alternating order (V S, S V, ...) so drift costs both alike.
  for (let r = 0; r < ROUNDS; r++) {
    for (const kind of r % 2 === 0 ? (['verify', 'sha256'] as const) : (['sha256', 'verify'] as const)) {
      if (kind === 'verify') verifySeconds.push(time(verify));
      else shaSeconds.push(time(sha256));
    }
    eventsOnlySeconds.push(time(verifyEventsOnly));
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const mb = bytes / 2 ** 20;
  const verifyS = sum(verifySeconds) / ROUNDS;
  const shaS = sum(shaSeconds) / ROUNDS;
  const data = {
    events: EVENTS,
    checkpoints: bundle.checkpointCount,
    megabytes: round(mb, 1),
    bytesPerEvent: round(files[0].length / EVENTS, 0),
    buildSeconds,
    verify: {
      seconds: round(verifyS, 3),
      eventsPerSecond: round(EVENTS / verifyS, 0),
      mbPerSecond: round(mb / verifyS, 1),
      microsecondsPerEvent: round((verifyS * 1e6) / EVENTS, 2),
      rounds: verifySeconds.map((s) => round(s, 3)),
    },
    eventsOnly: {
      seconds: round(sum(eventsOnlySeconds) / ROUNDS, 3),
      microsecondsPerEvent: round((sum(eventsOnlySeconds) / ROUNDS / EVENTS) * 1e6, 2),
    },
    microsecondsPerCheckpoint: round(((verifyS - sum(eventsOnlySeconds) / ROUNDS) / bundle.checkpointCount) * 1e6, 1),
    sha256: { seconds: round(shaS, 4), mbPerSecond: round(mb / shaS, 0), rounds: shaSeconds.map((s) => round(s, 4)) },
    ratio: round(shaS / verifyS, 4),
  };
  const rows: TableRow[] = [
    {
      bench: 'P6',
      backend: 'offline',
      measure: `verifyBundle, ${EVENTS.toLocaleString('en')} events + ${bundle.checkpointCount} checkpoints (events/s)`,
      value: String(data.verify.eventsPerSecond),
      baseline: '',
      ratio: '',
      goal: '',
      met: '',
    },
    {
      bench: 'P6',
      backend: 'offline',
      measure: `verifyBundle MB/s (${data.megabytes} MB)`,
      value: String(data.verify.mbPerSecond),
      baseline: `sha256 ${data.sha256.mbPerSecond} MB/s`,
      ratio: String(data.ratio),
      goal: 'none (report)',
      met: '',
    },
  ];
  return { rows, data };
}
