import 'server-only';
import { asc, eq, sql } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { auditCheckpoints, auditEvents } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { VIEWER_TIME_ZONE, filterParams, type AuditFilter } from './audit-filter';
import { eventDigest } from './canonical';
import { auditSearchFilter } from './search-audit-events';
import { chainSigningKeys, publishedSigningKey } from './published-signing-key';
import { requestCheckpoints } from './request-checkpoints';
import { streamBuffer } from '@/lib/http/stream-export';
import { writeTar } from './tar';
import { checkpointsJsonl, sha256Hex, type ExportedEvent, type WithheldEvent } from './verify-bundle';

const README = `Mamori audit evidence bundle

events.jsonl       one audit event per line, in chain order (seq 1, 2, ...)
checkpoints.jsonl  Ed25519-signed chain heads (chain, seq, headHash, signedAt, previousCheckpointHash)
manifest.json      tenant, filter and time zone, counts, first/last seq, sha256 of the files, key
                   fingerprint
public-key.pem     the signing public key as the platform published it

A bundle made with a filter holds the matching events in full; every other event of the chain
appears as {"seq", "digest", "hash"} only (its content withheld), so the whole chain still
verifies and nothing can have been left out or changed unnoticed. The filter is in the manifest
with its times in UTC.

Verify without the platform's server or database:
  npm run audit:verify -- bundle.tar --public-key <the key you received separately>

Each event's hash is sha256(previous hash || seq as 8-byte big-endian || digest), where the digest
is sha256(canonical JSON of the event), starting from 32 zero bytes; canonical JSON sorts object
keys and has no whitespace.
The verifier recomputes every hash, checks the sequence has no gap, checks every signature, and
names the first damaged event: modified, missing, inserted, reordered, truncated, bad_signature.
`;

/**
 * A regulator bundle for one tenant's chain: a fresh checkpoint is signed first so the newest
 * events are covered. With a filter, only matching events are written in full and the others as
 * their digests (see README). `stream` hands it out audited as every export is:
 * `audit.export_started` with the filter, counts and the file's hash before the first byte, then
 * `audit.exported` or `audit.export_aborted`.
 */
export async function exportAuditBundle(
  ctx: TenantAccess<'audit.read'>,
  filter: AuditFilter = {},
): Promise<{ tar: Buffer; name: string; stream: ReadableStream<Uint8Array> }> {
  const tenantId = ctx.granted.tenantId;
  await requestCheckpoints(tenantId);
  const key = await publishedSigningKey(tenantId);
  const keysPem = await chainSigningKeys(tenantId);
  // A bundle is of this one chain, and a page position is no part of what it holds.
  const wanted: AuditFilter = { ...filter, tenant: undefined, before: undefined };
  const { where } = auditSearchFilter(tenantId, wanted);
  const { events, checkpoints } = await withOwnerTx(tenantId, async (tx) => ({
    events: await tx
      .select({ event: auditEvents, matched: sql<boolean>`${where}`.as('matched') })
      .from(auditEvents)
      .where(eq(auditEvents.tenantId, tenantId))
      .orderBy(asc(auditEvents.seq)),
    checkpoints: await tx
      .select()
      .from(auditCheckpoints)
      .where(eq(auditCheckpoints.tenantId, tenantId))
      .orderBy(asc(auditCheckpoints.seq)),
  }));
  let matched = 0;
  const eventsJsonl = events
    .map(({ event: e, matched: match }): ExportedEvent | WithheldEvent => {
      const hash = Buffer.from(e.hash).toString('hex');
      if (!match)
        return {
          seq: e.seq,
          digest: eventDigest({ ...e, details: e.details as Record<string, unknown> }).toString('hex'),
          hash,
        };
      matched++;
      return {
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
        hash,
      };
    })
    .map((e) => JSON.stringify(e))
    .join('\n');
  const checkpointLines = checkpointsJsonl(checkpoints);
  const manifest = {
    tenantId,
    createdAt: now().toISOString(),
    filter: filterParams(wanted).toString(),
    timeZone: VIEWER_TIME_ZONE,
    events: events.length,
    matched,
    withheld: events.length - matched,
    firstSeq: events[0]?.event.seq ?? null,
    lastSeq: events.at(-1)?.event.seq ?? null,
    checkpoints: checkpoints.length,
    eventsSha256: sha256Hex(eventsJsonl),
    checkpointsSha256: sha256Hex(checkpointLines),
    publicKeyFingerprint: key?.fingerprint ?? null,
  };
  const tar = writeTar([
    { name: 'README.txt', content: README },
    { name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` },
    { name: 'events.jsonl', content: eventsJsonl },
    { name: 'checkpoints.jsonl', content: checkpointLines },
    ...(keysPem ? [{ name: 'public-key.pem', content: keysPem }] : []),
  ]);
  const sha256 = sha256Hex(tar);
  const record = (
    action: 'audit.export_started' | 'audit.exported' | 'audit.export_aborted',
    details: Record<string, unknown>,
  ) =>
    withOwnerTx(tenantId, (tx) =>
      recordAudit(tx, {
        tenantId,
        action,
        outcome: action === 'audit.export_aborted' ? 'failure' : 'success',
        ...byOperator(ctx),
        target: { type: 'tenant', id: tenantId },
        details: {
          format: 'bundle',
          filter: manifest.filter,
          timeZone: VIEWER_TIME_ZONE,
          rows: matched,
          withheld: manifest.withheld,
          lastSeq: manifest.lastSeq,
          sha256,
          ...details,
        },
      }),
    );
  // Audited from the first byte, then its end or what had left when the client went away.
  await record('audit.export_started', { bytes: tar.length });
  const stream = streamBuffer(tar, {
    finish: ({ bytes }) => record('audit.exported', { bytes }),
    abort: ({ bytes, cause }) => record('audit.export_aborted', { cause, bytesSent: bytes, bytes: tar.length }),
  });
  return { tar, name: `mamori-audit-${tenantId}-${manifest.lastSeq ?? 0}.tar`, stream };
}
