/**
 * P3: audit search at 1M and 10M events on PostgreSQL. Events are generated set-based over the 43
 * demo tenants (in proportion to their operators) and two years, with a realistic mix of actions,
 * sessions, client addresses and outcomes. Each scenario is a typical first page or next page,
 * timed through searchAuditEvents() (transaction, app role, row-level security, the statement
 * prepared per connection) and as the same SQL text run bare on a superuser connection, in
 * rotating order; the bare text as a prepared statement is timed too, for information.
 * Goals: p95 <= 50 ms and <= 1.5x bare.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { PgDialect } from 'drizzle-orm/pg-core';
import { parseAuditFilter, type AuditFilter } from '@/lib/audit/audit-filter';
import { auditSearchSql, searchAuditEvents } from '@/lib/audit/search-audit-events';
import { createPostgresDatabase, nowMs, openSeeded, percentile, round, type BenchReport, type TableRow } from './lib';

// BENCH_P3_SIZES=200000 gives a quick run while working on the search.
const SIZES = (process.env.BENCH_P3_SIZES ?? '1000000,10000000').split(',').map(Number);
const ITERATIONS = 1000;
const WARMUP = 20;
const GOAL_MS = 50;
const GOAL_RATIO = 1.5;
const SPAN_DAYS = 730;
const dialect = new PgDialect();

/**
 * Fills audit_events with `total` events. Secondary indexes are dropped for the load and rebuilt
 * from their own definitions afterwards (as a restore would), then the table is analyzed and
 * vacuumed and a checkpoint is taken. Hashes are placeholders: search does not read them.
 * `more` adds events of its own while the indexes are still dropped: it may read bench_tenants
 * (tenant_id, tix, ids, logins, cnt, n, start_seq), and must append after each chain's last_seq
 * and move it on.
 */
export async function generateAuditEvents(
  client: pg.Client,
  total: number,
  end: Date,
  more?: (client: pg.Client) => Promise<void>,
): Promise<void> {
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.tablename = 'audit_events' and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
  );
  for (const ix of indexes) await client.query(`drop index ${ix.name}`);
  await client.query(`set maintenance_work_mem = '1GB'`);
  await client.query(`
    create temp table bench_tenants as
    select t.id as tenant_id, (row_number() over (order by t.code))::int as tix,
           array_agg(o.id order by o.login_id) as ids, array_agg(o.login_id order by o.login_id) as logins,
           count(*)::int as cnt
      from tenants t join operators o on o.tenant_id = t.id
     where t.kind = 'tenant' group by t.id`);
  await client.query(`alter table bench_tenants add column n bigint, add column start_seq bigint`);
  await client.query(
    `update bench_tenants b set n = round($1::numeric * b.cnt / (select sum(cnt) from bench_tenants)),
    start_seq = (select last_seq from audit_chains c where c.tenant_id = b.tenant_id)`,
    [total],
  );
  // Per event, three independent pseudo-random numbers from the sequence number: the operator
  // (k), the kind of event (r1, percent) and the client address (r2, r3).
  await client.query(
    `insert into audit_events (tenant_id, seq, id, occurred_at, actor_operator_id, actor_login_id, action, target_type,
       target_id, outcome, ip, user_agent, session_id, details, hash)
     select b.tenant_id, b.start_seq + g.i, md5(b.tenant_id::text || ':' || g.i)::uuid,
            $1::timestamptz - interval '${SPAN_DAYS} days' + (g.i::float8 / b.n) * interval '${SPAN_DAYS} days',
            b.ids[1 + x.k], b.logins[1 + x.k],
            case when x.r1 < 35 then 'login.succeeded' when x.r1 < 40 then 'login.failed' when x.r1 < 65 then 'logout'
                 when x.r1 < 69 then 'session.revoked' when x.r1 < 71 then 'access.denied_ip' when x.r1 < 80 then 'stepup.succeeded'
                 when x.r1 < 90 then 'operator.updated' when x.r1 < 95 then 'password.changed' when x.r1 < 98 then 'ip_allowlist.updated'
                 when x.r1 < 99 then 'audit.exported' else 'access.denied' end,
            case when x.r1 < 35 or (x.r1 >= 40 and x.r1 < 69) then 'session' when x.r1 >= 95 then 'tenant' else 'operator' end,
            case when x.r1 < 35 or (x.r1 >= 40 and x.r1 < 69) then x.sid::text when x.r1 >= 95 then b.tenant_id::text
                 else b.ids[1 + (x.k + x.r3) % b.cnt]::text end,
            case when x.r1 between 35 and 39 then 'failure' when x.r1 in (69, 70, 99) then 'denied' else 'success' end,
            case when x.r2 < 3 then '198.51.100.' || (x.r3 % 256) when x.r2 < 5 then '2001:db8:' || to_hex(b.tix) || '::' || to_hex(x.r3 % 65536)
                 else '10.' || b.tix || '.' || (x.k % 256) || '.' || (1 + (g.i / 50000) % 4) end,
            case when x.r2 % 2 = 0 then 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36'
                 else 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15' end,
            x.sid,
            case when x.r1 < 35 then '{"secondFactor":"totp","idleTimeoutMinutes":30,"absoluteTimeoutHours":12}'::jsonb
                 when x.r1 < 40 then '{"reason":"bad_password","consecutiveFailures":1}'::jsonb
                 when x.r1 < 65 then '{}'::jsonb
                 else jsonb_build_object('fields', jsonb_build_array('display_name', 'role'), 'n', x.r3) end,
            sha256(int8send(g.i) || uuid_send(b.tenant_id))
       from bench_tenants b
      cross join lateral generate_series(1::bigint, b.n) g(i)
      cross join lateral (select abs(hashint8(g.i * 131 + b.tix)) as h) r
      cross join lateral (
        select (r.h % b.cnt)::int as k, ((r.h / 7919) % 100)::int as r1, ((r.h / 104729) % 100)::int as r2,
               ((r.h / 13) % 100000)::int as r3,
               md5(b.tenant_id::text || ':' || (r.h % b.cnt) || ':' || (g.i / 400))::uuid as sid
      ) x
      order by b.tenant_id, g.i`,
    [end.toISOString()],
  );
  await client.query(
    `update audit_chains c set last_seq = b.start_seq + b.n from bench_tenants b where c.tenant_id = b.tenant_id`,
  );
  if (more) await more(client);
  for (const ix of indexes) await client.query(ix.def);
  await client.query(`drop table bench_tenants`);
  await client.query(`vacuum analyze audit_events`);
  // The load's dirty pages are written now, not by a checkpoint in the middle of the timings.
  await client.query(`checkpoint`);
}

interface Scenario {
  name: string;
  query: AuditFilter;
}

/** Values that exist in the data, picked from the largest tenant (the slowest place to search). */
export async function pickScenarios(
  client: pg.Client,
  end: Date,
): Promise<{ tenantId: string; events: number; scenarios: Scenario[] }> {
  const {
    rows: [t],
  } = await client.query<{ tenant_id: string; n: string }>(
    `select tenant_id, last_seq as n from audit_chains order by last_seq desc limit 1`,
  );
  const tenantId = t.tenant_id;
  const {
    rows: [sample],
  } = await client.query<{ actor: string; ip: string; session: string; target: string }>(
    `select actor_login_id as actor, ip, session_id::text as session, actor_operator_id::text as target from audit_events
      where tenant_id = $1 and seq = $2`,
    [tenantId, Math.floor(Number(t.n) * 0.6)],
  );
  const day = 86_400_000;
  const parse = (q: Record<string, string>) => {
    const parsed = parseAuditFilter(q, 'api');
    if (!parsed.ok) throw new Error(`P3: bad filter ${JSON.stringify(parsed.fieldErrors)}`);
    return parsed.filter;
  };
  const monthStart = new Date(end.getTime() - 365 * day);
  return {
    tenantId,
    events: Number(t.n),
    scenarios: [
      { name: 'newest, no filter', query: parse({}) },
      {
        name: 'one month a year ago',
        query: parse({ from: monthStart.toISOString(), to: new Date(monthStart.getTime() + 30 * day).toISOString() }),
      },
      { name: 'action login.failed', query: parse({ action: 'login.failed' }) },
      { name: 'actions denied_ip + access.denied', query: parse({ action: 'access.denied_ip,access.denied' }) },
      {
        name: 'outcome denied, last 90 days',
        query: parse({ outcome: 'denied', from: new Date(end.getTime() - 90 * day).toISOString() }),
      },
      { name: 'actor (login ID)', query: parse({ actor: sample.actor }) },
      {
        name: 'actor + login.failed, last 90 days',
        query: parse({
          actor: sample.actor,
          action: 'login.failed',
          from: new Date(end.getTime() - 90 * day).toISOString(),
        }),
      },
      { name: 'client IP (exact)', query: parse({ ip: sample.ip }) },
      { name: 'client IP CIDR /24', query: parse({ ip: '198.51.100.0/24' }) },
      { name: 'session pivot', query: parse({ session: sample.session }) },
      { name: 'target (operator)', query: parse({ target: sample.target }) },
    ],
  };
}

interface Timing {
  scenario: string;
  page: 'first' | 'next';
  rows: number;
  p50Ms: number;
  p95Ms: number;
  bareP50Ms: number;
  bareP95Ms: number;
  ratioP95: number;
  /** The bare SQL as a prepared statement, as the app runs it (info). */
  preparedP50Ms: number;
  preparedP95Ms: number;
  met: boolean;
}

const ORDERS = [
  ['real', 'bare', 'prepared'],
  ['bare', 'prepared', 'real'],
  ['prepared', 'real', 'bare'],
] as const;

async function timeScenario(
  bare: pg.Client,
  tenantId: string,
  s: Scenario,
  page: 'first' | 'next',
): Promise<Timing | null> {
  let query = s.query;
  if (page === 'next') {
    const first = await searchAuditEvents(tenantId, s.query);
    if (!first.next) return null;
    query = { ...s.query, before: first.next };
  }
  const built = dialect.sqlToQuery(auditSearchSql(tenantId, query, 51));
  const times = { real: [] as number[], bare: [] as number[], prepared: [] as number[] };
  const name = `bare_${s.name.replace(/\W+/g, '_')}_${page}`;
  let rows = 0;
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    // Rotate which goes first, so caches and drift favour none.
    for (const kind of ORDERS[i % 3]) {
      const t0 = nowMs();
      if (kind === 'real') rows = (await searchAuditEvents(tenantId, query)).rows.length;
      else if (kind === 'bare') await bare.query(built.sql, built.params as unknown[]);
      else await bare.query({ name, text: built.sql, values: built.params as unknown[] });
      const ms = nowMs() - t0;
      if (i >= WARMUP) times[kind].push(ms);
    }
  }
  const { real, bare: raw } = times;
  const p95 = percentile(real, 95);
  const bareP95 = percentile(raw, 95);
  return {
    scenario: s.name,
    page,
    rows,
    p50Ms: round(percentile(real, 50)),
    p95Ms: round(p95),
    bareP50Ms: round(percentile(raw, 50)),
    bareP95Ms: round(bareP95),
    ratioP95: round(p95 / bareP95),
    preparedP50Ms: round(percentile(times.prepared, 50)),
    preparedP95Ms: round(percentile(times.prepared, 95)),
    met: p95 <= GOAL_MS && p95 <= GOAL_RATIO * bareP95,
  };
}

/** The plan as the app runs it: app role, tenant set, row-level security on. */
async function explain(client: pg.Client, tenantId: string, s: Scenario): Promise<string> {
  const built = dialect.sqlToQuery(auditSearchSql(tenantId, s.query, 51));
  await client.query(`begin read only`);
  try {
    await client.query(`select set_config('role', 'mamori_app', true), set_config('app.tenant_id', $1, true)`, [
      tenantId,
    ]);
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `explain (analyze, buffers, costs off, summary on) ${built.sql}`,
      built.params as unknown[],
    );
    return [`-- ${s.name}`, ...rows.map((r) => r['QUERY PLAN'])].join('\n');
  } finally {
    await client.query('rollback');
  }
}

export async function runP3(): Promise<BenchReport> {
  const results = [];
  const plans: string[] = [];
  for (const size of SIZES) {
    const bench = await createPostgresDatabase('mamori_bench_audit');
    try {
      const database = await openSeeded(bench.url);
      const bare = new pg.Client({ connectionString: bench.url });
      await bare.connect();
      try {
        const end = new Date();
        const t0 = nowMs();
        await generateAuditEvents(bare, size, end);
        const generateSeconds = round((nowMs() - t0) / 1000, 1);
        const {
          rows: [sz],
        } = await bare.query<{ table: string; indexes: string; total: string }>(
          `select pg_size_pretty(pg_table_size('audit_events')) as table, pg_size_pretty(pg_indexes_size('audit_events')) as indexes,
                  (select count(*) from audit_events)::text as total`,
        );
        const { tenantId, events, scenarios } = await pickScenarios(bare, end);
        const timings: Timing[] = [];
        for (const s of scenarios) {
          for (const page of ['first', 'next'] as const) {
            const t = await timeScenario(bare, tenantId, s, page);
            if (t) timings.push(t);
          }
        }
        if (size === SIZES.at(-1)) for (const s of scenarios) plans.push(await explain(bare, tenantId, s));
        results.push({
          size,
          events: Number(sz.total),
          generateSeconds,
          tableSize: sz.table,
          indexSize: sz.indexes,
          largestTenantEvents: events,
          timings,
        });
      } finally {
        await bare.end();
        await database.close();
      }
    } finally {
      await bench.drop();
    }
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/p3-explain.txt', `${plans.join('\n\n')}\n`);
  const rows: TableRow[] = results.flatMap((r) => {
    const worstP95 = r.timings.reduce((a, t) => (t.p95Ms > a.p95Ms ? t : a));
    const worstRatio = r.timings.reduce((a, t) => (t.ratioP95 > a.ratioP95 ? t : a));
    const allMet = r.timings.every((t) => t.met);
    return [
      {
        bench: 'P3',
        backend: 'postgres',
        measure: `${r.events.toLocaleString('en')} events: slowest p95 (${worstP95.scenario}, ${worstP95.page} page)`,
        value: `${worstP95.p95Ms} ms`,
        baseline: `bare ${worstP95.bareP95Ms} ms`,
        ratio: String(worstP95.ratioP95),
        goal: `≤ ${GOAL_MS} ms`,
        met: worstP95.p95Ms <= GOAL_MS ? 'yes' : 'NO',
      },
      {
        bench: 'P3',
        backend: 'postgres',
        measure: `${r.events.toLocaleString('en')} events: highest ratio to bare SQL (${worstRatio.scenario}, ${worstRatio.page} page)`,
        value: `${worstRatio.p95Ms} ms`,
        baseline: `bare ${worstRatio.bareP95Ms} ms`,
        ratio: String(worstRatio.ratioP95),
        goal: `≤ ${GOAL_RATIO}x`,
        met: worstRatio.ratioP95 <= GOAL_RATIO ? 'yes' : 'NO',
      },
      {
        bench: 'P3',
        backend: 'postgres',
        measure: `${r.events.toLocaleString('en')} events: all ${r.timings.length} scenario pages`,
        value: '',
        baseline: '',
        ratio: '',
        goal: 'both goals',
        met: allMet ? 'yes' : 'NO',
      },
    ];
  });
  return { rows, data: results };
}
