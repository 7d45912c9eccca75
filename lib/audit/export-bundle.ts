import 'server-only';
import { asc, eq, or, sql } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { auditCheckpoints, auditEvents } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { VIEWER_TIME_ZONE, filterParams, type AuditFilter } from './audit-filter';
import { eventDigest } from './canonical';
import { measureBlastRadius } from './measure-blast-radius';
import { auditSearchFilter } from './search-audit-events';
import { chainSigningKeys, publishedSigningKey } from './published-signing-key';
import { requestCheckpoints } from './request-checkpoints';
import { streamBuffer } from '@/lib/http/stream-export';
import { writeTar } from './tar';
import type { BlastRadiusReport } from './verify-blast-radius';
import { checkpointsJsonl, exportedEvent, sha256Hex, type ExportedEvent, type WithheldEvent } from './verify-bundle';

const README = `Mamori audit evidence bundle

events.jsonl       one audit event per line, in chain order (seq 1, 2, ...)
checkpoints.jsonl  Ed25519-signed chain heads (chain, seq, headHash, signedAt, previousCheckpointHash)
manifest.json      tenant, filter (or filters) and time zone, counts, first/last seq, sha256 of the
                   files, key fingerprint
public-key.pem     the signing public key as the platform published it
blast-radius.json  (a bundle made with a filter) what the matching events touched, per site

A bundle made with a filter holds the matching events in full; every other event of the chain
appears as {"seq", "digest", "hash"} only (its content withheld), so the whole chain still
verifies and nothing can have been left out or changed unnoticed. The filter is in the manifest
with its times in UTC. A bundle made with several filters (an incident's pivots) holds every event
that matches any of them, each once.

blast-radius.json is the platform's report of what those events touched, per site (site and
company names are labels only): login IDs used, order rows exported and each exported file's
sha256, rows and customers, exports claimed but not evidenced as finished or stopped, rows sent
before an abort, members and orders revealed (distinct) and listed, payment secrets revealed,
settings changed, first and last event. The verifier recomputes every figure from the events held
in full and names the first site and figure that differ. The withheld events are outside the
filters by construction, and the chain check shows none was left out; a regulator who doubts that
the filter was applied faithfully asks for an unfiltered bundle and recomputes from all of it.

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
 * their digests (see README), with the blast radius of those events for the regulator to recompute;
 * several filters (an incident's pivots) hold their union. `stream` hands it out audited as every export is:
 * `audit.export_started` with the filter, counts and the file's hash before the first byte, then
 * `audit.exported` or `audit.export_aborted`.
 */
export async function exportAuditBundle(
  ctx: TenantAccess<'audit.read'>,
  filter: AuditFilter | AuditFilter[] = {},
): Promise<{ tar: Buffer; name: string; stream: ReadableStream<Uint8Array> }> {
  const tenantId = ctx.granted.tenantId;
  await requestCheckpoints(tenantId);
  const key = await publishedSigningKey(tenantId);
  const keysPem = await chainSigningKeys(tenantId);
  // A bundle is of this one chain, and a page position is no part of what it holds.
  const wanted = (Array.isArray(filter) ? filter : [filter]).map((f): AuditFilter => ({
    ...f,
    tenant: undefined,
    before: undefined,
  }));
  if (wanted.length === 0) throw new Error('a bundle needs at least one filter');
  const filters = wanted.map((f) => filterParams(f).toString());
  // Several filters hold their union: an event matching two is one event.
  const where = or(...wanted.map((f) => auditSearchFilter(tenantId, f).where))!;
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
      return exportedEvent({ ...e, details: e.details as Record<string, unknown> }, hash);
    })
    .map((e) => JSON.stringify(e))
    .join('\n');
  const checkpointLines = checkpointsJsonl(checkpoints);
  const lastSeq = events.at(-1)?.event.seq ?? null;
  const radiusJson = filters.some(Boolean) ? await blastRadiusJson(ctx, wanted, filters, lastSeq) : null;
  const named = filters.length === 1 ? { filter: filters[0] } : { filters };
  const manifest = {
    tenantId,
    createdAt: now().toISOString(),
    ...named,
    timeZone: VIEWER_TIME_ZONE,
    events: events.length,
    matched,
    withheld: events.length - matched,
    firstSeq: events[0]?.event.seq ?? null,
    lastSeq,
    checkpoints: checkpoints.length,
    eventsSha256: sha256Hex(eventsJsonl),
    checkpointsSha256: sha256Hex(checkpointLines),
    ...(radiusJson ? { blastRadiusSha256: sha256Hex(radiusJson) } : {}),
    publicKeyFingerprint: key?.fingerprint ?? null,
  };
  const tar = writeTar([
    { name: 'README.txt', content: README },
    { name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` },
    { name: 'events.jsonl', content: eventsJsonl },
    { name: 'checkpoints.jsonl', content: checkpointLines },
    ...(radiusJson ? [{ name: 'blast-radius.json', content: radiusJson }] : []),
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
          ...named,
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

/**
 * blast-radius.json: the union of the filters' events measured by SQL over exactly the events the
 * bundle holds (up to its last seq), for the verifier to recompute from them.
 */
async function blastRadiusJson(
  ctx: TenantAccess<'audit.read'>,
  wanted: AuditFilter[],
  filters: string[],
  lastSeq: number | null,
): Promise<string> {
  const { sites, prunedBefore } = await measureBlastRadius(ctx, wanted, lastSeq ?? 0);
  const report: BlastRadiusReport = {
    filters,
    throughSeq: lastSeq,
    prunedBefore: prunedBefore.get(ctx.granted.tenantId)?.toISOString() ?? null,
    sites: sites.map((s) => ({
      tenantId: s.tenantId,
      tenantName: s.tenantName,
      siteId: s.siteId,
      siteName: s.siteName,
      operators: s.operators,
      ordersExported: s.ordersExported,
      exportFiles: s.exportFiles.map((f) => ({
        sha256: f.sha256,
        rows: f.rows,
        customers: f.customers,
        at: f.at.toISOString(),
      })),
      exportsUnaccounted: s.exportsUnaccounted,
      rowsSentBeforeAbort: s.rowsSentBeforeAbort,
      membersRevealed: s.membersRevealed,
      membersListed: s.membersListed,
      ordersRevealed: s.ordersRevealed,
      ordersListed: s.ordersListed,
      paymentSecretsRevealed: s.paymentSecretsRevealed,
      settingsChanged: s.settingsChanged,
      firstAt: s.firstAt.toISOString(),
      lastAt: s.lastAt.toISOString(),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
