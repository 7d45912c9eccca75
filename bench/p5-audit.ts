/**
 * P5: hash-chained audit appends per second with 16 concurrent writers on PostgreSQL, one event
 * per transaction, against a plain INSERT of the same row into a copy of the table (no chain, no
 * triggers, no indexes) in the same kind of transaction. For information also against a copy
 * that keeps audit_events' indexes, which separates the chain's cost from index upkeep.
 * A chained append counts when its transaction returns, which is after its event is chained,
 * also when the chain was busy and the event went through audit_inbox. Afterwards every chain
 * touched is re-verified and the inbox must be empty.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { selectRows, withPlatformTx, withTenantTx } from '@/db';
import { auditChains, auditEvents, tenants } from '@/db/schema';
import { recordAudit, type AuditEventInput } from '@/lib/audit/record-audit';
import { verifyChain } from '@/lib/audit/verify-chain';
import { now } from '@/lib/clock';
import {
  combine,
  createPostgresDatabase,
  openSeeded,
  round,
  runConcurrent,
  summarize,
  type BenchReport,
  type ConcurrentRun,
  type TableRow,
} from './lib';

const WRITERS = 16;
const ROUNDS = 8;
const BLOCK = 1000;
const WARMUP = 200;
const GOAL_RATIO = 0.5;

// Fixed ids so every kind of row carries the same values (no foreign keys on these columns).
const OPERATOR_ID = randomUUID();
const SESSION_ID = randomUUID();
// The plain baselines skip the chain, so they store one precomputed hash of the right size.
const PLAIN_HASH = randomBytes(32);

/** Shaped like a login event: actor, target, client, session and a small details object. */
const eventFor = (tenantId: string, n: number): AuditEventInput => ({
  tenantId,
  action: 'bench.append',
  outcome: 'success',
  actor: { operatorId: OPERATOR_ID, loginId: 'bench.writer' },
  target: { type: 'session', id: SESSION_ID },
  ip: '10.0.0.1',
  userAgent: 'mamori-bench',
  sessionId: SESSION_ID,
  details: { n, idleTimeoutMinutes: 30, absoluteTimeoutHours: 12 },
});

type Kind = 'chained' | 'plain' | 'indexed';
const PLAIN_TABLES = { plain: sql.raw('audit_events_plain'), indexed: sql.raw('audit_events_indexed') };

// One counter for every plain row, so (tenant_id, seq) stays unique in the indexed copy.
let plainSeq = 0;

async function appendPlain(table: 'plain' | 'indexed', e: AuditEventInput) {
  const seq = ++plainSeq;
  await withTenantTx(e.tenantId, (tx) =>
    tx.execute(sql`
      insert into ${PLAIN_TABLES[table]} (tenant_id, seq, id, occurred_at, actor_operator_id, actor_login_id,
        action, target_type, target_id, outcome, ip, user_agent, session_id, details, hash)
      values (${e.tenantId}, ${seq}, ${randomUUID()}, ${now().toISOString()}, ${e.actor?.operatorId ?? null},
        ${e.actor?.loginId ?? null}, ${e.action}, ${e.target?.type ?? null}, ${e.target?.id ?? null}, ${e.outcome},
        ${e.ip ?? null}, ${e.userAgent ?? null}, ${e.sessionId ?? null}, ${JSON.stringify(e.details)}::jsonb, ${PLAIN_HASH})`),
  );
}

interface Tally {
  appended: Map<string, number>;
  // Chained events whose writer found the chain busy: they went through audit_inbox.
  viaInbox: number;
  errors: { code: string; message: string }[];
}

/** One writer batch; failures are counted, not thrown, so a fork or deadlock shows in the report. */
function batch(
  kind: Kind,
  pickTenant: () => string,
  tally: Tally,
  count: number,
  offset: number,
  writers = WRITERS,
): Promise<ConcurrentRun> {
  return runConcurrent(writers, count, async (i) => {
    const tenantId = pickTenant();
    const e = eventFor(tenantId, offset + i);
    try {
      if (kind === 'chained') {
        const { seq } = await withTenantTx(tenantId, (tx) => recordAudit(tx, e));
        if (seq === null) tally.viaInbox++;
      } else await appendPlain(kind, e);
      tally.appended.set(tenantId, (tally.appended.get(tenantId) ?? 0) + 1);
    } catch (error) {
      const err = error as { code?: string; cause?: { code?: string }; message?: string };
      tally.errors.push({ code: err.code ?? err.cause?.code ?? 'unknown', message: String(err.message).slice(0, 200) });
    }
  });
}

async function chainHeads(): Promise<Map<string, { lastSeq: number; headHash: string }>> {
  const rows = await withPlatformTx((tx) => tx.select().from(auditChains));
  return new Map(
    rows.map((r) => [r.tenantId, { lastSeq: r.lastSeq, headHash: Buffer.from(r.headHash).toString('hex') }]),
  );
}

/**
 * Recomputes each touched chain from its rows and compares it with the stored head: a gap or a
 * changed row fails verifyChain, a lost or doubled append shows as a count mismatch.
 */
async function verifyTouched(appended: Map<string, number>, before: Map<string, { lastSeq: number }>) {
  const heads = await chainHeads();
  let gaps = 0;
  let modified = 0;
  let headMismatches = 0;
  let countMismatches = 0;
  let rowsChecked = 0;
  for (const [tenantId, added] of appended) {
    const rows = await withPlatformTx((tx) =>
      tx.select().from(auditEvents).where(eq(auditEvents.tenantId, tenantId)).orderBy(asc(auditEvents.seq)),
    );
    rowsChecked += rows.length;
    const verdict = verifyChain(rows.map((r) => ({ ...r, details: r.details as Record<string, unknown> })));
    const head = heads.get(tenantId);
    if (!verdict.ok) {
      if (verdict.problem === 'gap') gaps++;
      else modified++;
      continue;
    }
    if (!head || head.lastSeq !== verdict.lastSeq || head.headHash !== verdict.headHash) headMismatches++;
    if (verdict.lastSeq - (before.get(tenantId)?.lastSeq ?? 0) !== added) countMismatches++;
  }
  // Every writer returned after its event was chained, so nothing may be left waiting.
  const [{ n: stillWaiting }] = await selectRows<{ n: number }>(sql`select count(*)::int as n from audit_inbox`);
  return { chains: appended.size, rowsChecked, gaps, modified, headMismatches, countMismatches, stillWaiting };
}

async function scenario(name: string, pickTenant: () => string, withSingleWriter: boolean) {
  const before = await chainHeads();
  const tallies: Record<Kind, Tally> = {
    chained: { appended: new Map(), viaInbox: 0, errors: [] },
    plain: { appended: new Map(), viaInbox: 0, errors: [] },
    indexed: { appended: new Map(), viaInbox: 0, errors: [] },
  };
  const runs: Record<Kind, ConcurrentRun[]> = { chained: [], plain: [], indexed: [] };
  for (const kind of ['plain', 'indexed', 'chained'] as const) await batch(kind, pickTenant, tallies[kind], WARMUP, 0);
  // Rounds alternate the order (P I C, C I P, ...) so drift (table growth, checkpoints,
  // autovacuum, noisy neighbours) costs every kind alike.
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (['plain', 'indexed', 'chained'] as const) : (['chained', 'indexed', 'plain'] as const);
    for (const kind of order) runs[kind].push(await batch(kind, pickTenant, tallies[kind], BLOCK, WARMUP + r * BLOCK));
  }
  const chained = combine(runs.chained);
  const plain = combine(runs.plain);
  const indexed = combine(runs.indexed);
  // For information: one writer alone. On a single chain the 16 writers queue on the head row
  // lock, so their rate is bounded by how long one transaction holds it.
  const singleWriter = withSingleWriter
    ? {
        plain: summarize(await batch('plain', pickTenant, tallies.plain, BLOCK, WARMUP + ROUNDS * BLOCK, 1)),
        chained: summarize(await batch('chained', pickTenant, tallies.chained, BLOCK, WARMUP + ROUNDS * BLOCK, 1)),
      }
    : null;
  const verification = await verifyTouched(tallies.chained.appended, before);
  // The (tenant_id, seq) primary key turns a fork into a unique violation, so forks = 23505s.
  const forks = tallies.chained.errors.filter((e) => e.code === '23505').length;
  const errorCount = tallies.chained.errors.length + tallies.plain.errors.length + tallies.indexed.errors.length;
  const ratio = chained.perSecond / plain.perSecond;
  const integrityOk =
    forks === 0 &&
    errorCount === 0 &&
    verification.gaps === 0 &&
    verification.modified === 0 &&
    verification.headMismatches === 0 &&
    verification.countMismatches === 0 &&
    verification.stillWaiting === 0;
  return {
    scenario: name,
    writers: WRITERS,
    eventsPerKind: ROUNDS * BLOCK,
    chained: summarize(chained),
    plain: summarize(plain),
    plainWithIndexes: summarize(indexed),
    ratio: round(ratio, 3),
    ratioVsPlainWithIndexes: round(chained.perSecond / indexed.perSecond, 3),
    roundRatios: runs.chained.map((c, k) => round(c.perSecond / runs.plain[k].perSecond, 3)),
    singleWriter,
    forks,
    gaps: verification.gaps,
    verification,
    viaInbox: tallies.chained.viaInbox,
    chainedAppends: [...tallies.chained.appended.values()].reduce((a, b) => a + b, 0),
    errors: { count: errorCount, firstChained: tallies.chained.errors.slice(0, 5) },
    integrityOk,
    goal: { ratio: GOAL_RATIO },
    met: ratio >= GOAL_RATIO,
  };
}

export async function runP5(): Promise<BenchReport> {
  const pgDb = await createPostgresDatabase();
  const results = [];
  try {
    // One pool connection per writer, so the pool is not what limits concurrency.
    const database = await openSeeded(pgDb.url, undefined, { MAMORI_DB_POOL: String(WRITERS) });
    try {
      await database.db.execute(sql`create table audit_events_plain (like audit_events including defaults)`);
      await database.db.execute(
        sql`create table audit_events_indexed (like audit_events including defaults including indexes)`,
      );
      await database.db.execute(sql`grant select, insert on audit_events_plain, audit_events_indexed to mamori_app`);
      const tenantIds = (
        await withPlatformTx((tx) =>
          tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.kind, 'tenant')).orderBy(asc(tenants.code)),
        )
      ).map((t) => t.id);
      const one = tenantIds[0];
      results.push(await scenario('one chain', () => one, true));
      results.push(
        await scenario(
          `${tenantIds.length} chains`,
          () => tenantIds[Math.floor(Math.random() * tenantIds.length)],
          false,
        ),
      );
    } finally {
      await database.close();
    }
  } finally {
    await pgDb.drop();
  }

  const rows: TableRow[] = results.flatMap((r) => [
    {
      bench: 'P5',
      backend: 'postgres',
      measure: `appends/s, ${r.writers} writers, ${r.scenario}`,
      value: String(r.chained.perSecond),
      baseline: `${r.plain.perSecond} plain/s`,
      ratio: r.ratio.toFixed(3),
      goal: `≥ ${GOAL_RATIO}`,
      met: r.met ? 'yes' : 'NO',
    },
    {
      bench: 'P5',
      backend: 'postgres',
      measure: `forks / gaps / errors, ${r.scenario}`,
      value: `${r.forks} / ${r.gaps} / ${r.errors.count}`,
      baseline: `${r.verification.chains} chains verified`,
      ratio: '',
      goal: '0 / 0 / 0',
      met: r.integrityOk ? 'yes' : 'NO',
    },
    {
      bench: 'P5',
      backend: 'postgres',
      measure: `vs plain with audit_events' indexes, ${r.scenario}`,
      value: String(r.chained.perSecond),
      baseline: `${r.plainWithIndexes.perSecond} plain/s`,
      ratio: r.ratioVsPlainWithIndexes.toFixed(3),
      goal: '(info)',
      met: '',
    },
    {
      bench: 'P5',
      backend: 'postgres',
      measure: `chained events that found the chain busy (inbox), ${r.scenario}`,
      value: `${r.viaInbox}`,
      baseline: `of ${r.chainedAppends} chained appends`,
      ratio: '',
      goal: '(info)',
      met: '',
    },
    ...(r.singleWriter
      ? [
          {
            bench: 'P5',
            backend: 'postgres',
            measure: `appends/s, 1 writer, ${r.scenario}`,
            value: String(r.singleWriter.chained.perSecond),
            baseline: `${r.singleWriter.plain.perSecond} plain/s`,
            ratio: (r.singleWriter.chained.perSecond / r.singleWriter.plain.perSecond).toFixed(3),
            goal: '(info)',
            met: '',
          },
        ]
      : []),
  ]);
  return { rows, data: results };
}
