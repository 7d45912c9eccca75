import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { auditCheckpoints, auditEvents } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorContext } from '@/lib/auth/load-session';
import { now } from '@/lib/clock';
import { createCheckpoints } from './create-checkpoints';
import { signingKey } from './signing-key';
import { writeTar } from './tar';
import { sha256Hex, type ExportedCheckpoint, type ExportedEvent } from './verify-bundle';

const README = `Mamori audit evidence bundle

events.jsonl       one audit event per line, in chain order (seq 1, 2, ...)
checkpoints.jsonl  Ed25519-signed chain heads (chain, seq, headHash, signedAt, previousCheckpointHash)
manifest.json      tenant, counts, first/last seq, sha256 of the files, key fingerprint
public-key.pem     the signing public key as the platform published it

Verify without the platform's server or database:
  npm run audit:verify -- bundle.tar --public-key <the key you received separately>

Each event's hash is sha256(previous hash || seq as 8-byte big-endian || sha256(canonical JSON of
the event)), starting from 32 zero bytes; canonical JSON sorts object keys and has no whitespace.
The verifier recomputes every hash, checks the sequence has no gap, checks every signature, and
names the first damaged event: modified, missing, inserted, reordered, truncated, bad_signature.
`;

/**
 * A regulator bundle for one tenant's chain (all of it): a fresh checkpoint is signed first so the
 * newest events are covered. Audited as `audit.exported` with the counts and the file's hash.
 */
export async function exportAuditBundle(ctx: OperatorContext, tenantId: string): Promise<{ tar: Buffer; name: string }> {
  await createCheckpoints(tenantId);
  const key = signingKey();
  const { events, checkpoints } = await withOwnerTx(tenantId, async (tx) => ({
    events: await tx.select().from(auditEvents).where(eq(auditEvents.tenantId, tenantId)).orderBy(asc(auditEvents.seq)),
    checkpoints: await tx.select().from(auditCheckpoints).where(eq(auditCheckpoints.tenantId, tenantId)).orderBy(asc(auditCheckpoints.seq)),
  }));
  const eventsJsonl = events
    .map((e): ExportedEvent => ({
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
      details: e.details as Record<string, unknown>,
      hash: Buffer.from(e.hash).toString('hex'),
    }))
    .map((e) => JSON.stringify(e))
    .join('\n');
  const checkpointsJsonl = checkpoints
    .map((c): ExportedCheckpoint => ({ chain: c.tenantId, seq: c.seq, headHash: c.headHash, signedAt: c.signedAt.toISOString(), previousCheckpointHash: c.previousCheckpointHash, checkpointHash: c.checkpointHash, signature: c.signature, keyFingerprint: c.keyFingerprint }))
    .map((c) => JSON.stringify(c))
    .join('\n');
  const manifest = {
    tenantId,
    createdAt: now().toISOString(),
    events: events.length,
    firstSeq: events[0]?.seq ?? null,
    lastSeq: events.at(-1)?.seq ?? null,
    checkpoints: checkpoints.length,
    eventsSha256: sha256Hex(eventsJsonl),
    checkpointsSha256: sha256Hex(checkpointsJsonl),
    publicKeyFingerprint: key.fingerprint,
  };
  const tar = writeTar([
    { name: 'README.txt', content: README },
    { name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` },
    { name: 'events.jsonl', content: eventsJsonl },
    { name: 'checkpoints.jsonl', content: checkpointsJsonl },
    { name: 'public-key.pem', content: key.publicKeyPem },
  ]);
  await withOwnerTx(tenantId, (tx) =>
    recordAudit(tx, {
      tenantId,
      action: 'audit.exported',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'tenant', id: tenantId },
      details: { format: 'bundle', rows: events.length, bytes: tar.length, sha256: sha256Hex(tar), lastSeq: manifest.lastSeq },
    }),
  );
  return { tar, name: `mamori-audit-${tenantId}-${manifest.lastSeq ?? 0}.tar` };
}
