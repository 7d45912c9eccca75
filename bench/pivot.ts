/**
 * Incident response over the audit trail at 10M events (BENCH_PIVOT_SIZE to shrink it).
 *
 * pivot: the first page of a pivot (one session, address, operator or API token), timed as the
 * audit page (app/t/[tenantId]/audit/page.tsx) makes it: the search and the count by action
 * concurrently (the page sets no time window). In one tenant as its admin, and across every
 * tenant as platform staff (search, count and the record of the cross-tenant look concurrently).
 * Goal: p95 <= 100 ms. The blast radius of the same filter renders under its own Suspense
 * boundary: it starts once the first page is made and streams in after it. It is timed as such
 * (first page, then the radius), goal: in by p95 <= 1 s. The same statements, as the app sent
 * them, are timed bare on owner connections (no transaction, no row-level security), in turns
 * with the app.
 *
 * report: the blast-radius report (what the report page computes) over the last 30 days, for a
 * pivot by operator and by address, in one tenant and across tenants: a few runs each, goal <= 5 s.
 *
 * The events are P3's (generateAuditEvents), plus what a pivot needs and P3 lacks: API tokens'
 * calls (target api_token) and shop work (lists, reveals, exports with their siteId, rows,
 * customers, sha256, memberNo) by the same operators, in their sessions and from their addresses.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import type { AuditFilter } from '@/lib/audit/audit-filter';
import { countAuditAcrossTenants } from '@/lib/audit/count-audit-across-tenants';
import { countAuditActions } from '@/lib/audit/count-audit-actions';
import { measureBlastRadius, measureBlastRadiusAcrossTenants } from '@/lib/audit/measure-blast-radius';
import { recordCrossTenantView } from '@/lib/audit/record-cross-tenant-view';
import { searchAuditAcrossTenants } from '@/lib/audit/search-audit-across-tenants';
import { searchAuditEvents } from '@/lib/audit/search-audit-events';
import { contextFor, platformAccess, tenantAccess } from '@/lib/testing/context';
import { createPostgresDatabase, nowMs, openSeeded, percentile, round, type BenchReport, type TableRow } from './lib';
import { generateAuditEvents } from './p3-audit-search';

const SIZE = Number(process.env.BENCH_PIVOT_SIZE ?? 10_000_000);
const ITERATIONS = Number(process.env.BENCH_PIVOT_ITERATIONS ?? 100);
const WARMUP = 5;
const REPORT_RUNS = 5;
const GOAL_PAGE_MS = 100;
const GOAL_RADIUS_MS = 1000;
const GOAL_REPORT_MS = 5000;
const SPAN_DAYS = 730;
const DAY = 86_400_000;
// Of P3's events per tenant: API token calls and shop work, added on top.
const TOKEN_SHARE = 0.03;
const SHOP_SHARE = 0.04;

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

/**
 * Events P3's mix lacks, appended to each chain while the indexes are dropped. Two API tokens a
 * tenant (one a busy integration, four calls in five), and shop work by the tenant's operators:
 * each event lies where the operator's P3 events of that moment lie (same session, same address).
 */
async function addIncidentEvents(client: pg.Client, end: Date): Promise<void> {
  const span = `interval '${SPAN_DAYS} days'`;
  await client.query(
    `insert into audit_events (tenant_id, seq, id, occurred_at, actor_operator_id, actor_login_id, action, target_type,
       target_id, outcome, ip, user_agent, session_id, details, hash)
     select b.tenant_id, c.last_seq + g.i, md5(b.tenant_id::text || ':token:' || g.i)::uuid,
            $1::timestamptz - ${span} + (g.i::float8 / b.m) * ${span},
            null, 'api-token:' || case when x.tok = 0 then 'sync' else 'report' end,
            case when x.p < 97 then 'api_token.used' when x.p < 99 then 'access.denied' else 'access.denied_ip' end,
            'api_token', md5(b.tenant_id::text || ':token:' || x.tok)::uuid::text,
            case when x.p < 97 then 'success' else 'denied' end,
            case when x.p = 99 then '198.51.100.' || (x.h % 256) when x.tok = 0 then '203.0.113.' || b.tix
                 else '10.' || b.tix || '.250.9' end,
            'mamori-sync/1.0', null,
            case when x.p < 97 then '{"request":"GET /api/v1/tenants/:id/orders"}'::jsonb
                 when x.p < 99 then '{"permission":"audit.read","reason":"token_scope","request":"GET /api/v1/tenants/:id/audit"}'::jsonb
                 else '{"layer":"tenant","at":"api"}'::jsonb end,
            sha256(int8send(g.i) || uuid_send(b.tenant_id) || '\\x01'::bytea)
       from (select *, round(n * ${TOKEN_SHARE})::bigint as m from bench_tenants) b
       join audit_chains c on c.tenant_id = b.tenant_id
      cross join lateral generate_series(1::bigint, b.m) g(i)
      cross join lateral (select abs(hashint8(g.i * 257 + b.tix)) as h) r
      cross join lateral (select r.h, (r.h % 100)::int as p, case when (r.h / 100) % 5 = 0 then 1 else 0 end as tok) x
      order by b.tenant_id, g.i`,
    [end.toISOString()],
  );
  await client.query(`update audit_chains c set last_seq = c.last_seq + round(b.n * ${TOKEN_SHARE})::bigint
                        from bench_tenants b where c.tenant_id = b.tenant_id`);
  await client.query(`create temp table bench_sites as
    select tenant_id, array_agg(id::text order by code) as ids, count(*)::int as cnt from sites group by tenant_id`);
  // ii: the P3 event at the same moment; its operator's session and address are P3's formulas.
  await client.query(
    `insert into audit_events (tenant_id, seq, id, occurred_at, actor_operator_id, actor_login_id, action, target_type,
       target_id, outcome, ip, user_agent, session_id, details, hash)
     select b.tenant_id, c.last_seq + g.i, md5(b.tenant_id::text || ':shop:' || g.i)::uuid,
            $1::timestamptz - ${span} + (g.i::float8 / b.m) * ${span},
            b.ids[1 + x.k], b.logins[1 + x.k], y.action,
            case when y.action like '%.listed' or y.action = 'payment_settings.revealed' then 'site'
                 when y.action = 'member.revealed' then 'member' when y.action = 'order.revealed' then 'order'
                 else 'order_export' end,
            case when y.action like '%.listed' or y.action = 'payment_settings.revealed' then x.site
                 else md5(x.site || ':' || x.v)::uuid::text end,
            case when y.action = 'orders.export_aborted' then 'failure' else 'success' end,
            '10.' || b.tix || '.' || (x.k % 256) || '.' || (1 + (x.ii / 50000) % 4), '${CHROME}',
            md5(b.tenant_id::text || ':' || x.k || ':' || (x.ii / 400))::uuid,
            case when y.action like '%.listed' then jsonb_build_object('siteId', x.site, 'count', 20 + x.v % 81)
                 when y.action = 'member.revealed' then jsonb_build_object('siteId', x.site, 'memberNo', 'M' || (x.v % 1200))
                 when y.action = 'order.revealed' then jsonb_build_object('siteId', x.site, 'orderNo', 'O' || (x.v % 1558))
                 when y.action = 'payment_settings.revealed' then jsonb_build_object('siteId', x.site, 'field', 'apiSecret', 'reason', 'check')
                 when y.action = 'orders.export_aborted' then jsonb_build_object('siteId', x.site, 'cause', 'client_gone',
                   'rowsSent', x.v % 500, 'bytesSent', (x.v % 500) * 90)
                 else jsonb_build_object('siteId', x.site, 'from', '2026-01-01', 'to', '2026-12-01', 'columns', jsonb_build_array('orderNo', 'total'),
                   'reason', 'monthly', 'encoding', 'utf8', 'rows', 100 + x.v % 15000, 'customers', 70 + (x.v % 15000) * 7 / 10)
                   || case when y.action = 'orders.exported' then jsonb_build_object('bytes', (100 + x.v % 15000) * 90,
                        'sha256', encode(sha256(int8send(g.i) || uuid_send(b.tenant_id)), 'hex')) else '{}'::jsonb end end,
            sha256(int8send(g.i) || uuid_send(b.tenant_id) || '\\x02'::bytea)
       from (select *, round(n * ${SHOP_SHARE})::bigint as m from bench_tenants) b
       join audit_chains c on c.tenant_id = b.tenant_id
       join bench_sites s on s.tenant_id = b.tenant_id
      cross join lateral generate_series(1::bigint, b.m) g(i)
      cross join lateral (select abs(hashint8(g.i * 389 + b.tix)) as h) r
      cross join lateral (
        select (r.h % b.cnt)::int as k, ((r.h / 7919) % 100)::int as a, ((r.h / 13) % 100000)::int as v,
               s.ids[1 + ((r.h / 104729) % s.cnt)::int] as site, ceil(g.i::numeric * b.n / b.m)::bigint as ii
      ) x
      cross join lateral (
        select case when x.a < 40 then 'members.listed' when x.a < 65 then 'orders.listed' when x.a < 80 then 'member.revealed'
                    when x.a < 88 then 'order.revealed' when x.a < 93 then 'orders.export_started'
                    when x.a < 98 then 'orders.exported' when x.a < 99 then 'orders.export_aborted'
                    else 'payment_settings.revealed' end as action
      ) y
      order by b.tenant_id, g.i`,
    [end.toISOString()],
  );
  await client.query(`update audit_chains c set last_seq = c.last_seq + round(b.n * ${SHOP_SHARE})::bigint
                        from bench_tenants b where c.tenant_id = b.tenant_id`);
  await client.query(`drop table bench_sites`);
}

interface Statement {
  sql: string;
  params: unknown[];
}

/** A pivot as the page makes it: its first page (concurrent calls), then the streamed blast radius. */
interface Page {
  scope: 'tenant' | 'across';
  kind: string;
  filter: AuditFilter;
  /** Events that match in the searched chain, or in every chain. */
  matches: number;
  lists: () => Promise<unknown>;
  radius: () => Promise<unknown>;
  /** The statements the app sent for each stage (captured once), for the bare timing. */
  bareLists: Statement[];
  bareRadius: Statement[];
}

interface PageTiming {
  scope: string;
  kind: string;
  value: string;
  matches: number;
  /** The first page: search and count (and, across, the record of the look), concurrently. */
  firstP50Ms: number;
  firstP95Ms: number;
  /** The blast radius alone, and when it has streamed in: the first page, then the radius. */
  radiusP50Ms: number;
  radiusP95Ms: number;
  radiusInP50Ms: number;
  radiusInP95Ms: number;
  bareFirstP50Ms: number;
  bareFirstP95Ms: number;
  bareRadiusInP50Ms: number;
  bareRadiusInP95Ms: number;
  ratioFirstP95: number;
  ratioRadiusInP95: number;
  met: boolean;
  radiusMet: boolean;
}

const ms = (values: number[], p: number) => round(percentile(values, p));

async function timePage(bare: pg.Client[], page: Page): Promise<PageTiming> {
  const app = { lists: [] as number[], radius: [] as number[], page: [] as number[] };
  // Bare: the first stage, and the whole (first stage, then the radius).
  const raw = { lists: [] as number[], page: [] as number[] };
  const runApp = async (keep: boolean) => {
    const t0 = nowMs();
    await page.lists();
    const t1 = nowMs();
    await page.radius();
    const t2 = nowMs();
    if (keep) {
      app.lists.push(t1 - t0);
      app.radius.push(t2 - t1);
      app.page.push(t2 - t0);
    }
  };
  const runBare = async (keep: boolean) => {
    const t0 = nowMs();
    await Promise.all(page.bareLists.map((s, i) => bare[i].query(s.sql, s.params)));
    const t1 = nowMs();
    for (const s of page.bareRadius) await bare[0].query(s.sql, s.params);
    const t2 = nowMs();
    if (keep) {
      raw.lists.push(t1 - t0);
      raw.page.push(t2 - t0);
    }
  };
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    // Taking turns, so caches and the machine's drift favour neither.
    const keep = i >= WARMUP;
    if (i % 2 === 0) {
      await runApp(keep);
      await runBare(keep);
    } else {
      await runBare(keep);
      await runApp(keep);
    }
  }
  const firstP95 = percentile(app.lists, 95);
  const radiusInP95 = percentile(app.page, 95);
  return {
    scope: page.scope,
    kind: page.kind,
    value: String(page.filter.session ?? page.filter.ip ?? page.filter.actor ?? page.filter.target),
    matches: page.matches,
    firstP50Ms: ms(app.lists, 50),
    firstP95Ms: round(firstP95),
    radiusP50Ms: ms(app.radius, 50),
    radiusP95Ms: ms(app.radius, 95),
    radiusInP50Ms: ms(app.page, 50),
    radiusInP95Ms: round(radiusInP95),
    bareFirstP50Ms: ms(raw.lists, 50),
    bareFirstP95Ms: ms(raw.lists, 95),
    bareRadiusInP50Ms: ms(raw.page, 50),
    bareRadiusInP95Ms: ms(raw.page, 95),
    ratioFirstP95: round(firstP95 / percentile(raw.lists, 95)),
    ratioRadiusInP95: round(radiusInP95 / percentile(raw.page, 95)),
    met: firstP95 <= GOAL_PAGE_MS,
    radiusMet: radiusInP95 <= GOAL_RADIUS_MS,
  };
}

/**
 * The plan of each statement as the app runs it (app role, scope, row-level security), with the
 * plan cache mode the app asked for: a generic plan is shown through PREPARE / EXECUTE.
 */
async function explain(client: pg.Client, title: string, s: Statement, opening: string): Promise<string> {
  await client.query('begin read only');
  try {
    await client.query(opening);
    const generic = opening.includes('force_generic_plan');
    const literals = s.params.map((p) => client.escapeLiteral(String(p)));
    let rows: { 'QUERY PLAN': string }[];
    if (generic) {
      await client.query(`prepare bench_plan as ${s.sql}`);
      ({ rows } = await client.query(
        `explain (analyze, buffers, costs off, summary on) execute bench_plan${literals.length ? `(${literals.join(', ')})` : ''}`,
      ));
    } else {
      ({ rows } = await client.query(`explain (analyze, buffers, costs off, summary on) ${s.sql}`, s.params));
    }
    return [`-- ${title}${generic ? ' (generic plan)' : ''}`, ...rows.map((r) => r['QUERY PLAN'])].join('\n');
  } finally {
    await client.query('rollback');
    // A prepared statement outlives its transaction.
    await client.query('deallocate all');
  }
}

export async function runPivot(): Promise<BenchReport> {
  const bench = await createPostgresDatabase('mamori_bench_pivot');
  const plans: string[] = [];
  try {
    const database = await openSeeded(bench.url);
    // Every statement the app sends through selectOwnerRows passes here: captured once per stage.
    const sent = database.scopedRows!;
    let capture: { opening: string; statement: Statement }[] | null = null;
    database.scopedRows = (opening, query) => {
      capture?.push({ opening, statement: { sql: query.sql, params: [...query.params] } });
      return sent(opening, query);
    };
    const bare = await Promise.all(
      [0, 1, 2].map(async () => {
        const c = new pg.Client({ connectionString: bench.url });
        await c.connect();
        return c;
      }),
    );
    try {
      const [owner] = bare;
      const end = new Date();
      const t0 = nowMs();
      await generateAuditEvents(owner, SIZE, end, (c) => addIncidentEvents(c, end));
      const generateSeconds = round((nowMs() - t0) / 1000, 1);
      const {
        rows: [sz],
      } = await owner.query<{ table: string; indexes: string; total: string }>(
        `select pg_size_pretty(pg_table_size('audit_events')) as table, pg_size_pretty(pg_indexes_size('audit_events')) as indexes,
                (select count(*) from audit_events)::text as total`,
      );

      // The largest tenant, its busiest operator, and that operator's newest session and address.
      const {
        rows: [t],
      } = await owner.query<{ tenant_id: string; n: string }>(
        `select c.tenant_id, c.last_seq as n from audit_chains c join tenants t on t.id = c.tenant_id
          where t.kind = 'tenant' order by c.last_seq desc limit 1`,
      );
      const tenantId = t.tenant_id;
      const {
        rows: [busiest],
      } = await owner.query<{ id: string; login: string; n: string }>(
        `select actor_operator_id::text as id, min(actor_login_id) as login, count(*) as n from audit_events
          where tenant_id = $1 and actor_operator_id is not null group by 1 order by 3 desc limit 1`,
        [tenantId],
      );
      const {
        rows: [newest],
      } = await owner.query<{ session: string; ip: string }>(
        `select session_id::text as session, ip from audit_events where tenant_id = $1 and actor_operator_id = $2
            and ip like '10.%' order by occurred_at desc, seq desc limit 1`,
        [tenantId, busiest.id],
      );
      const {
        rows: [shared],
      } = await owner.query<{ ip: string }>(
        `select ip from audit_events where tenant_id = $1 and ip like '198.51.100.%' order by occurred_at desc, seq desc limit 1`,
        [tenantId],
      );
      const {
        rows: [token],
      } = await owner.query<{ id: string }>(`select md5($1::text || ':token:0')::uuid::text as id`, [tenantId]);
      const {
        rows: [staffRow],
      } = await owner.query<{ id: string; login: string }>(
        `select id::text, login_id as login from operators where tenant_id = $1 order by login_id limit 1`,
        [PLATFORM_TENANT_ID],
      );
      const admin = contextFor(tenantId, busiest.id, 'tenant_admin', busiest.login);
      const reader = tenantAccess(admin, tenantId, 'audit.read');
      const staff = platformAccess(
        contextFor(PLATFORM_TENANT_ID, staffRow.id, 'platform_admin', staffRow.login),
        'audit.read',
      );

      const count = async (filter: AuditFilter, across: boolean) => {
        const where = filter.session
          ? ['session_id = $1::uuid', filter.session]
          : filter.ip
            ? ['ip = $1', filter.ip]
            : filter.actor
              ? ['actor_operator_id = $1::uuid', filter.actor]
              : ['target_id = $1', filter.target!];
        const { rows } = await owner.query<{ n: string }>(
          `select count(*) as n from audit_events where ${where[0]}${across ? '' : ' and tenant_id = $2'}`,
          across ? [where[1]] : [where[1], tenantId],
        );
        return Number(rows[0].n);
      };
      const pivots: { kind: string; filter: AuditFilter; across: 'both' | 'across' }[] = [
        { kind: 'session', filter: { session: newest.session }, across: 'both' },
        { kind: 'ip', filter: { ip: newest.ip }, across: 'both' },
        { kind: 'ip seen in every tenant', filter: { ip: shared.ip }, across: 'across' },
        { kind: 'actor (busiest operator)', filter: { actor: busiest.id }, across: 'both' },
        { kind: 'target (API token)', filter: { target: token.id }, across: 'both' },
      ];
      const captureStage = async (stage: () => Promise<unknown>) => {
        capture = [];
        await stage();
        const got = capture;
        capture = null;
        return got;
      };
      const pages: Page[] = [];
      const openings = new Map<Page, { lists: string[]; radius: string[] }>();
      for (const p of pivots) {
        for (const scope of ['tenant', 'across'] as const) {
          if (scope === 'tenant' && p.across === 'across') continue;
          const filter = p.filter;
          const lists =
            scope === 'tenant'
              ? () => Promise.all([searchAuditEvents(tenantId, filter), countAuditActions(tenantId, filter)])
              : () =>
                  Promise.all([
                    searchAuditAcrossTenants(staff, filter),
                    countAuditAcrossTenants(staff, filter),
                    recordCrossTenantView(staff, filter, 'search'),
                  ]);
          const radius =
            scope === 'tenant'
              ? () => measureBlastRadius(reader, filter)
              : () => measureBlastRadiusAcrossTenants(staff, filter);
          const listsSent = await captureStage(lists);
          const radiusSent = await captureStage(radius);
          const page: Page = {
            scope,
            kind: p.kind,
            filter,
            matches: await count(filter, scope === 'across'),
            lists,
            radius,
            bareLists: listsSent.map((c) => c.statement),
            bareRadius: radiusSent.map((c) => c.statement),
          };
          pages.push(page);
          openings.set(page, { lists: listsSent.map((c) => c.opening), radius: radiusSent.map((c) => c.opening) });
        }
      }

      // The app gives the radius 32 MB of work_mem for its sorts (measure-blast-radius.ts): so do
      // the bare statements (the lists' sorts are far smaller).
      await Promise.all(bare.map((c) => c.query(`set work_mem = '32MB'`)));
      const timings: PageTiming[] = [];
      for (const page of pages) {
        const timing = await timePage(bare, page);
        timings.push(timing);
        console.log(
          `[pivot] ${page.scope} ${page.kind}: first page p50 ${timing.firstP50Ms} / p95 ${timing.firstP95Ms} ms ` +
            `(bare p95 ${timing.bareFirstP95Ms}); blast radius in by p50 ${timing.radiusInP50Ms} / p95 ${timing.radiusInP95Ms} ` +
            `(radius alone p95 ${timing.radiusP95Ms}; bare p95 ${timing.bareRadiusInP95Ms})`,
        );
        const o = openings.get(page)!;
        const stages = [
          ...page.bareLists.map((s, i) => ({ s, opening: o.lists[i], what: `statement ${i + 1} of the lists` })),
          ...page.bareRadius.map((s, i) => ({ s, opening: o.radius[i], what: `radius statement ${i + 1}` })),
        ];
        for (const { s, opening, what } of stages)
          plans.push(await explain(owner, `${page.scope} ${page.kind}: ${what}`, s, opening));
      }

      // The report over the last 30 days (as the report page computes it), by operator and by address.
      const from = new Date(end.getTime() - 30 * DAY);
      const reports = [];
      for (const [kind, f] of [
        ['actor (busiest operator)', { actor: busiest.id, from }],
        ['ip', { ip: newest.ip, from }],
        ['ip seen in every tenant', { ip: shared.ip, from }],
      ] as [string, AuditFilter][]) {
        for (const scope of ['tenant', 'across'] as const) {
          if (scope === 'tenant' && kind === 'ip seen in every tenant') continue;
          const runs: number[] = [];
          let sites = 0;
          for (let i = 0; i < REPORT_RUNS; i++) {
            const t1 = nowMs();
            const [r] = await Promise.all([
              scope === 'tenant' ? measureBlastRadius(reader, f) : measureBlastRadiusAcrossTenants(staff, f),
              scope === 'across' ? recordCrossTenantView(staff, f, 'report') : null,
            ]);
            runs.push(round(nowMs() - t1));
            sites = r.sites.length;
          }
          reports.push({
            scope,
            kind,
            days: 30,
            sites,
            runsMs: runs,
            maxMs: Math.max(...runs),
            met: Math.max(...runs) <= GOAL_REPORT_MS,
          });
          console.log(`[pivot] report ${scope} ${kind}, 30 days: ${runs.join(', ')} ms`);
        }
      }

      mkdirSync('bench/results', { recursive: true });
      writeFileSync('bench/results/pivot-explain.txt', `${plans.join('\n\n')}\n`);

      const data = {
        size: SIZE,
        events: Number(sz.total),
        generateSeconds,
        tableSize: sz.table,
        indexSize: sz.indexes,
        tenantEvents: Number(t.n),
        busiestOperatorEvents: Number(busiest.n),
        iterations: ITERATIONS,
        timings,
        reports,
      };
      const rows: TableRow[] = [
        ...timings.map((x): TableRow => ({
          bench: 'Pivot',
          backend: 'postgres',
          measure: `${x.scope === 'tenant' ? 'one tenant' : 'across tenants'}, ${x.kind} (${x.matches.toLocaleString('en')} events): first page (search and count) p50 / p95 (ms)`,
          value: `${x.firstP50Ms} / ${x.firstP95Ms}`,
          baseline: `bare p95 ${x.bareFirstP95Ms}`,
          ratio: String(x.ratioFirstP95),
          goal: `≤ ${GOAL_PAGE_MS} ms`,
          met: x.met ? 'yes' : 'NO',
        })),
        ...timings.map((x): TableRow => ({
          bench: 'Pivot radius',
          backend: 'postgres',
          measure: `${x.scope === 'tenant' ? 'one tenant' : 'across tenants'}, ${x.kind}: what it touched, streamed after the first page, in by p50 / p95 (ms)`,
          value: `${x.radiusInP50Ms} / ${x.radiusInP95Ms}`,
          baseline: `radius alone p95 ${x.radiusP95Ms}; bare p95 ${x.bareRadiusInP95Ms}`,
          ratio: String(x.ratioRadiusInP95),
          goal: `≤ ${GOAL_RADIUS_MS} ms`,
          met: x.radiusMet ? 'yes' : 'NO',
        })),
        ...reports.map((r): TableRow => ({
          bench: 'Report',
          backend: 'postgres',
          measure: `${r.scope === 'tenant' ? 'one tenant' : 'across tenants'}, ${r.kind}, last 30 days: max of ${REPORT_RUNS} (ms)`,
          value: String(r.maxMs),
          baseline: '',
          ratio: '',
          goal: `≤ ${GOAL_REPORT_MS} ms`,
          met: r.met ? 'yes' : 'NO',
        })),
      ];
      return { rows, data };
    } finally {
      await Promise.all(bare.map((c) => c.end()));
      await database.close();
    }
  } finally {
    await bench.drop();
  }
}
