/**
 * Security posture at scale: the platform's posture page and the dashboards' 30-day charts.
 *
 * The world is the lists bench's (generateWorld: 10,000 tenants / 1,000,000 operators), plus what
 * a posture reads: TOTP for a share of each company's operators that differs by company, recovery
 * codes for most of them, company allowlists (enforcing, monitoring, empty) and a few operators'
 * own, alerts (some open), API tokens (some old, some revoked), alert webhooks (some failing),
 * order exports, and rotation campaigns in some companies with part of their operators renewed.
 *
 * Timed: refreshPosture() over every company (the background job, every ten minutes), 30 times at 30
 * days so tenant_posture_daily holds a month; refreshPosture([largest]) as a company dashboard
 * does on each view; listPosture's first page (and page 100) as the posture page asks for it.
 * Goal: p95 <= 100 ms. Then P3's events (generateAuditEvents, 10M over the same tenants), one
 * rollUpAudit() over all of them, and readTrends for one tenant and for the platform. Goal: p95
 * <= 200 ms. BENCH_POSTURE_TENANTS / _OPERATORS / _EVENTS / _ITERATIONS shrink it.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { migrateDatabase, openDatabase, rowsOf, setDatabase, type Database } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { rollUpAudit } from '@/lib/audit/roll-up-audit';
import { listPosture, listPostureQuery, type ListPostureQuery } from '@/lib/posture/list-posture';
import { readTrends } from '@/lib/posture/read-trends';
import { refreshPosture } from '@/lib/posture/refresh-posture';
import { contextFor, platformAccess, tenantAccess } from '@/lib/testing/context';
import { generateWorld } from './admin-lists';
import { createPostgresDatabase, nowMs, percentile, round, type BenchReport, type TableRow } from './lib';
import { generateAuditEvents } from './p3-audit-search';

const TENANTS = Number(process.env.BENCH_POSTURE_TENANTS ?? 10_000);
const OPERATORS = Number(process.env.BENCH_POSTURE_OPERATORS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_POSTURE_EVENTS ?? 10_000_000);
const ITERATIONS = Number(process.env.BENCH_POSTURE_ITERATIONS ?? 200);
const WARMUP = 10;
const TREND_DAYS = 30;
const GOAL_LIST_MS = 100;
const GOAL_TRENDS_MS = 200;
const DAY = 86_400_000;

const summary = (samples: number[]) => ({
  samples: samples.length,
  p50Ms: round(percentile(samples, 50)),
  p95Ms: round(percentile(samples, 95)),
  maxMs: round(Math.max(...samples)),
});

async function repeat(work: () => Promise<unknown>, iterations = ITERATIONS) {
  for (let i = 0; i < WARMUP; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = nowMs();
    await work();
    samples.push(nowMs() - t);
  }
  return summary(samples);
}

/**
 * What a posture reads, set-based, with shares that differ by company (traits drawn once per
 * tenant), so scores spread over the whole range.
 */
async function addPostureData(database: Database): Promise<Record<string, number>> {
  const ms: Record<string, number> = {};
  const step = async (name: string, work: () => Promise<unknown>) => {
    const t = nowMs();
    await work();
    ms[name] = round(nowMs() - t, 0);
  };
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select setseed(0.2424)`);
    // Per company: TOTP adoption (a tenth all, a tenth none, the rest 30-100 %), and draws for
    // the allowlist, alerts, tokens, webhook, exports and a rotation campaign.
    await tx.execute(sql`
      create temp table bench_traits on commit drop as
      select id as tenant_id, code,
             case when r1 < 0.1 then 1.0 when r1 < 0.2 then 0.0 else 0.3 + 0.7 * (r1 - 0.2) / 0.8 end as adoption,
             r2 as list_r, r3 as alert_r, r4 as token_r, r5 as hook_r, r6 as export_r, r7 as camp_r
        from (select id, code, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7
                from tenants where kind = 'tenant') x`);
    // Operators enabled when created; most signed in within the last 80 days (the rest dormant);
    // in a tenth of companies a campaign 60 days ago, after which part of them set a new password.
    await step('operators', () =>
      tx.execute(sql`
        update operators o set enabled_at = o.created_at,
               last_login_at = case when o.last_login_at is null then null
                                    when random() < 0.85 then now() - random() * interval '80 days' else o.last_login_at end,
               password_changed_at = case when b.camp_r < 0.1 and random() < 0.3 + 6 * b.camp_r
                                          then now() - random() * interval '55 days' else o.password_changed_at end
          from bench_traits b where b.tenant_id = o.tenant_id`),
    );
    await step('campaigns', async () => {
      await tx.execute(sql`
        insert into rotation_campaigns (tenant_id, reason, deadline, status, started_at, started_by_operator_id,
                                        started_by_login_id, target_count, tenant_count)
        select b.tenant_id, '定期変更', now() - interval '30 days', 'active', now() - interval '60 days',
               (select o.id from operators o where o.tenant_id = b.tenant_id order by o.login_id_key limit 1), 'bench.admin',
               (select count(*) from operators o where o.tenant_id = b.tenant_id and o.status = 'active'), 1
          from bench_traits b where b.camp_r < 0.1`);
      await tx.execute(sql`
        insert into rotation_targets (tenant_id, campaign_tenant_id, campaign_id, operator_id, status, deadline, rotated_at)
        select o.tenant_id, c.tenant_id, c.id, o.id,
               case when o.password_changed_at >= c.started_at then 'rotated' else 'pending' end, c.deadline,
               case when o.password_changed_at >= c.started_at then o.password_changed_at end
          from rotation_campaigns c join operators o on o.tenant_id = c.tenant_id and o.status = 'active'`);
    });
    await step('totp', () =>
      tx.execute(sql`
        insert into totp_credentials (tenant_id, operator_id, secret_ciphertext, key_id, status, created_at, enrolled_at)
        select o.tenant_id, o.id, 'bench', 'bench', s.status, now() - interval '200 days',
               case when s.status = 'active' then now() - interval '200 days' end
          from operators o join bench_traits b on b.tenant_id = o.tenant_id
         cross join lateral (select case when random() < 0.03 then 'pending' else 'active' end as status) s
         where random() < b.adoption`),
    );
    // Ten codes for nine in ten TOTP users: a tenth of the codes used, all ten for 3 % of them.
    await step('recoveryCodes', () =>
      tx.execute(sql`
        insert into recovery_codes (tenant_id, operator_id, code_hash, used_at)
        select c.tenant_id, c.operator_id, 'bench',
               case when c.all_used or random() < 0.1 then now() - interval '20 days' end
          from (select tenant_id, operator_id, random() < 0.03 as all_used from totp_credentials
                 where status = 'active' and random() < 0.9) c, generate_series(1, 10)`),
    );
    // Company lists: 35 % enforcing, 20 % monitoring, 5 % empty (counted as none), 40 % none; and
    // an own enforcing list for 1 % of operators.
    await step('allowlists', async () => {
      await tx.execute(sql`
        insert into ip_allowlists (tenant_id, operator_id, mode, entry_count)
        select tenant_id, null, case when list_r < 0.35 then 'enforce' else 'monitor' end,
               case when list_r < 0.55 then 1 + floor(random() * 20)::int else 0 end
          from bench_traits where list_r < 0.6`);
      await tx.execute(sql`
        insert into ip_allowlists (tenant_id, operator_id, mode, entry_count)
        select tenant_id, id, 'enforce', 2 from operators where random() < 0.01`);
    });
    // 2-11 alerts a company over the last months; in a fifth of them the newest 1-4 still open.
    await step('alerts', () =>
      tx.execute(sql`
        insert into alerts (tenant_id, rule, details, raised_at, acknowledged_at, acknowledged_by_login_id)
        select b.tenant_id, 'export_over_quota', '{}'::jsonb, now() - (g.i * 7 + random() * 7) * interval '1 day',
               case when not open then now() - (g.i * 7) * interval '1 day' end, case when not open then 'bench.admin' end
          from bench_traits b, generate_series(1, 2 + floor(b.alert_r * 10)::int) g(i)
         cross join lateral (select b.alert_r < 0.2 and g.i <= 1 + floor(b.alert_r * 20) as open) x`),
    );
    // Half the companies have 1-3 tokens, created over the last 400 days, a fifth revoked.
    await step('apiTokens', () =>
      tx.execute(sql`
        insert into api_tokens (tenant_id, name, token_hash, scope, created_by_login_id, created_at, expires_at, revoked_at)
        select b.tenant_id, 'SIEM ' || g.i, encode(sha256(convert_to(b.tenant_id::text || ':' || g.i, 'UTF8')), 'hex'),
               'audit:read', 'bench.admin', x.created, x.created + interval '365 days',
               case when random() < 0.2 then now() - interval '5 days' end
          from bench_traits b, generate_series(1, 1 + floor(b.token_r * 6)::int) g(i)
         cross join lateral (select now() - random() * interval '400 days' as created) x
         where b.token_r < 0.5`),
    );
    // A quarter have an alert webhook, one in five of those failing; a delivery per alert.
    await step('webhooks', async () => {
      await tx.execute(sql`
        update tenants t set alert_webhook_url = 'https://hooks.example.jp/' || b.code
          from bench_traits b where b.tenant_id = t.id and b.hook_r < 0.25`);
      await tx.execute(sql`
        insert into webhook_deliveries (tenant_id, alert_id, url, status, attempts, next_attempt_at, created_at, delivered_at)
        select a.tenant_id, a.id, 'https://hooks.example.jp/' || b.code,
               case when b.hook_r < 0.05 then 'failed' else 'delivered' end, 1, a.raised_at, a.raised_at,
               case when b.hook_r >= 0.05 then a.raised_at end
          from alerts a join bench_traits b on b.tenant_id = a.tenant_id where b.hook_r < 0.25`);
    });
    // A third of the companies exported order history 1-3 times, downloaded.
    await step('orderExports', () =>
      tx.execute(sql`
        insert into order_exports (tenant_id, site_id, operator_id, login_id, period_from, period_to, columns, encoding, reason,
                                   row_count, customer_count, status, requested_at, decided_at, downloaded_at, bytes)
        select b.tenant_id, s.id, o.id, o.login_id, now() - interval '120 days', now() - interval '90 days',
               '["orderNo","total"]'::jsonb, 'utf8', '月次集計', 1000, 800, 'downloaded', x.at, x.at, x.at, 100000
          from bench_traits b
          cross join lateral (select id from sites where tenant_id = b.tenant_id order by code limit 1) s
          cross join lateral (select id, login_id from operators where tenant_id = b.tenant_id order by login_id_key limit 1) o
          cross join lateral generate_series(1, 1 + floor(b.export_r * 9)::int) g(i)
          cross join lateral (select now() - (g.i * 20 + random() * 20) * interval '1 day' as at) x
         where b.export_r < 0.33`),
    );
  });
  const t = nowMs();
  await database.db.execute(
    sql`vacuum (analyze) operators, rotation_campaigns, rotation_targets, totp_credentials, recovery_codes,
        ip_allowlists, alerts, api_tokens, tenants, webhook_deliveries, order_exports`,
  );
  await database.db.execute(sql`checkpoint`);
  ms.vacuumAnalyze = round(nowMs() - t, 0);
  return ms;
}

/** Runs `work` and returns the first statement it sent whose text holds `marker` (to EXPLAIN it). */
async function captureStatement(marker: string, work: () => Promise<unknown>) {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let found: { text: string; values: unknown[] } | null = null;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const [q, v] = args as [string | { text?: string; values?: unknown[] }, unknown];
    const text = typeof q === 'string' ? q : q?.text;
    if (!found && text?.includes(marker))
      found = { text, values: (Array.isArray(v) ? v : typeof q === 'object' ? q.values : undefined) ?? [] };
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    proto.query = original;
  }
  if (!found) throw new Error(`posture: no statement with ${marker}`);
  return found as { text: string; values: unknown[] };
}

export async function runPosture(): Promise<BenchReport> {
  const loadBefore = os.loadavg();
  const bench = await createPostgresDatabase('mamori_bench_posture');
  try {
    const database = await openDatabase(bench.url);
    const owner = new pg.Client({ connectionString: bench.url });
    await owner.connect();
    try {
      await migrateDatabase(database);
      setDatabase(Promise.resolve(database));
      console.log(`[posture] generating ${TENANTS} tenants, ${OPERATORS} operators in ${bench.name} ...`);
      const worldMs = await generateWorld(database, {
        tenants: TENANTS,
        operators: OPERATORS,
        skew: 0.7,
        suspendedShare: 0.02,
        disabledShare: 0.03,
      });
      const postureDataMs = await addPostureData(database);
      console.log(`[posture] generated: ${JSON.stringify({ ...worldMs, ...postureDataMs })} ms`);
      const counts = rowsOf<Record<string, number>>(
        await database.db.execute(sql`
          select (select count(*) from tenants where kind = 'tenant')::int as tenants,
                 (select count(*) from operators)::int as operators,
                 (select count(*) from operators where status = 'active')::int as active_operators,
                 (select count(*) from totp_credentials where status = 'active')::int as totp,
                 (select count(*) from recovery_codes)::int as recovery_codes,
                 (select count(*) from ip_allowlists where operator_id is null)::int as tenant_allowlists,
                 (select count(*) from ip_allowlists where operator_id is not null)::int as operator_allowlists,
                 (select count(*) from alerts where acknowledged_at is null)::int as open_alerts,
                 (select count(*) from api_tokens)::int as api_tokens,
                 (select count(*) from rotation_targets)::int as rotation_targets`),
      )[0];

      // The background job, 30 times: a day apart, oldest first, the last one now. Each writes
      // every company's kept row and that day's trend row.
      const end = new Date();
      const refreshAllMs: number[] = [];
      for (let d = TREND_DAYS - 1; d >= 0; d--) {
        const t = nowMs();
        const n = await refreshPosture(undefined, new Date(end.getTime() - d * DAY));
        refreshAllMs.push(round(nowMs() - t, 1));
        if (n !== counts.tenants) throw new Error(`posture: refreshed ${n} of ${counts.tenants} companies`);
      }
      console.log(`[posture] refreshPosture() over all: ${refreshAllMs.join(', ')} ms`);
      await database.db.execute(sql`vacuum (analyze) tenant_posture, tenant_posture_daily`);

      const [largest] = rowsOf<{ id: string; operators: number }>(
        await database.db.execute(
          sql`select id, operator_count as operators from tenants where kind = 'tenant' order by operator_count desc, id limit 1`,
        ),
      );
      const refreshOne = await repeat(() => refreshPosture([largest.id]));
      const refreshOneSql = await captureStatement('insert into tenant_posture (', () => refreshPosture([largest.id]));
      const refreshAllSql = await captureStatement('insert into tenant_posture (', () => refreshPosture());
      console.log(`[posture] refreshPosture([largest, ${largest.operators} operators]): ${JSON.stringify(refreshOne)}`);

      const scores = rowsOf<Record<string, number>>(
        await database.db.execute(sql`
          select min(score)::int as min, percentile_disc(0.5) within group (order by score)::int as median,
                 max(score)::int as max, count(distinct score)::int as distinct_scores,
                 count(*) filter (where 'allowlist_none' = any(reasons))::int as allowlist_none
            from tenant_posture`),
      )[0];

      const ctx = contextFor(PLATFORM_TENANT_ID, randomUUID(), 'platform_admin', 'bench.staff');
      const staff = platformAccess(ctx, 'tenants.list');
      const shapes: [string, Record<string, string>][] = [
        ['default (score asc)', {}],
        ['sort totp desc', { sort: 'totp', dir: 'desc' }],
        ['reason allowlist_none', { reason: 'allowlist_none' }],
        ["search q='t012'", { q: 't012' }],
        ['page 100', { page: '100' }],
        ['sort name asc, page 100', { sort: 'name', page: '100' }],
      ];
      const lists = [];
      for (const [name, raw] of shapes) {
        const query: ListPostureQuery = listPostureQuery.parse(raw);
        const first = await listPosture(staff, query);
        const s = await repeat(() => listPosture(staff, query));
        lists.push({
          name,
          query: raw,
          total: first.total,
          rows: first.rows.length,
          ...s,
          met: s.p95Ms <= GOAL_LIST_MS,
        });
        console.log(`[posture] listPosture ${name}: ${first.total} matches, ${JSON.stringify(s)}`);
      }

      // The dashboards' charts: 10M events, rolled up once, read for a company and the platform.
      console.log(`[posture] generating ${EVENTS} audit events ...`);
      const t0 = nowMs();
      await generateAuditEvents(owner, EVENTS, end);
      const generateSeconds = round((nowMs() - t0) / 1000, 1);
      const {
        rows: [chains],
      } = await owner.query<{ events: string; covered: string; beyond: string }>(
        `select (select count(*) from audit_events)::text as events,
                (select sum(last_seq) from audit_chains)::text as covered,
                (select count(*) from audit_events e join audit_chains c on c.tenant_id = e.tenant_id
                  where e.seq > c.last_seq)::text as beyond`,
      );
      if (chains.events !== chains.covered || chains.beyond !== '0')
        throw new Error(`posture: chains' last_seq do not cover the events: ${JSON.stringify(chains)}`);
      const t1 = nowMs();
      const rolledUp = await rollUpAudit();
      const rollUpMs = round(nowMs() - t1, 0);
      if (String(rolledUp) !== chains.events)
        throw new Error(`posture: rolled up ${rolledUp} of ${chains.events} events`);
      const t2 = nowMs();
      await rollUpAudit();
      const rollUpIdleMs = round(nowMs() - t2, 1);
      console.log(`[posture] rollUpAudit(): ${rolledUp} events in ${rollUpMs} ms; nothing new: ${rollUpIdleMs} ms`);
      await owner.query(`vacuum (analyze) audit_daily, audit_daily_total, audit_rollup_marks`);
      const {
        rows: [rollups],
      } = await owner.query<{ daily: number; total: number; tenant_daily: number; tenant_events: string }>(
        `select (select count(*) from audit_daily)::int as daily, (select count(*) from audit_daily_total)::int as total,
                (select count(*) from audit_daily where tenant_id = $1)::int as tenant_daily,
                (select last_seq from audit_chains where tenant_id = $1)::text as tenant_events`,
        [largest.id],
      );

      const trendShapes = [
        ['one tenant (largest)', () => readTrends(tenantAccess(ctx, largest.id, 'audit.read'))],
        ['platform (all tenants)', () => readTrends(platformAccess(ctx, 'audit.read'))],
      ] as const;
      const trends = [];
      for (const [name, read] of trendShapes) {
        const s = await repeat(read);
        trends.push({ name, ...s, met: s.p95Ms <= GOAL_TRENDS_MS });
        console.log(`[posture] readTrends ${name}: ${JSON.stringify(s)}`);
      }

      // The plans of the trends' statements and the default page, as the owner runs them.
      const from = new Date(end.getTime() + 9 * 3_600_000 - (TREND_DAYS - 1) * DAY).toISOString().slice(0, 10);
      const explain = async (text: string, params: unknown[] = []) =>
        (await owner.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, params)).rows.map(
          (r) => r['QUERY PLAN'],
        );
      // The refreshes write: explained in a transaction that is rolled back.
      const explainWrite = async (statement: { text: string; values: unknown[] }) => {
        await owner.query('begin');
        try {
          return await explain(statement.text, statement.values);
        } finally {
          await owner.query('rollback');
        }
      };
      const plans = {
        refreshOne: await explainWrite(refreshOneSql),
        refreshAll: await explainWrite(refreshAllSql),
        trendsPlatformCounts: await explain(
          `select day::text, action, outcome, events, rows from audit_daily_total where day >= $1::date`,
          [from],
        ),
        trendsPlatformShares: await explain(
          `select day::text, sum(operators)::int, sum(totp_enrolled)::int, sum(passwords_renewed)::int
             from tenant_posture_daily where day >= $1::date group by day`,
          [from],
        ),
        trendsTenantCounts: await explain(
          `select day::text, action, outcome, events, rows from audit_daily where tenant_id = $1 and day >= $2::date`,
          [largest.id, from],
        ),
        postureDefaultPage: await explain(
          `select t.id, t.name, p.score, p.reasons from tenant_posture p join tenants t on t.id = p.tenant_id
            where t.kind = 'tenant' order by p.score asc nulls last, t.name, t.id limit 50 offset 0`,
        ),
      };

      const refreshAll = {
        runs: refreshAllMs.length,
        firstMs: refreshAllMs[0],
        p50Ms: round(percentile(refreshAllMs, 50), 0),
        maxMs: Math.max(...refreshAllMs),
      };
      const worstList = [...lists].sort((a, b) => b.p95Ms - a.p95Ms)[0];
      const data = {
        database: bench.name,
        counts,
        scores,
        generationMs: { ...worldMs, ...postureDataMs },
        largestTenant: largest,
        refreshAllMs,
        refreshAll,
        refreshOne,
        iterations: ITERATIONS,
        lists,
        events: Number(chains.events),
        generateSeconds,
        rollUp: {
          events: rolledUp,
          ms: rollUpMs,
          eventsPerSecond: Math.round(rolledUp / (rollUpMs / 1000)),
          idleMs: rollUpIdleMs,
        },
        rollups,
        postureTables: (
          await owner.query(
            `select pg_size_pretty(pg_table_size('tenant_posture')) as posture,
                    pg_size_pretty(pg_table_size('tenant_posture_daily')) as daily`,
          )
        ).rows[0],
        trends,
        plans,
        loadAverage: { before: loadBefore.map((l) => round(l)), after: os.loadavg().map((l) => round(l)) },
      };
      const size = `${counts.tenants.toLocaleString('en')} tenants / ${counts.operators.toLocaleString('en')} operators`;
      const rows: TableRow[] = [
        {
          bench: 'Posture',
          backend: 'postgres',
          measure: `refreshPosture() over all, ${size}: p50 / max of ${refreshAll.runs} (ms)`,
          value: `${refreshAll.p50Ms} / ${refreshAll.maxMs}`,
          baseline: '',
          ratio: '',
          goal: 'report (runs every ten minutes)',
          met: '',
        },
        {
          bench: 'Posture',
          backend: 'postgres',
          measure: `refreshPosture([largest], ${largest.operators} operators) p50 / p95 (ms)`,
          value: `${refreshOne.p50Ms} / ${refreshOne.p95Ms}`,
          baseline: '',
          ratio: '',
          goal: 'report (each dashboard view)',
          met: '',
        },
        ...lists.map((l): TableRow => ({
          bench: 'Posture page',
          backend: 'postgres',
          measure: `listPosture ${l.name} (${l.total} matches) p50 / p95 (ms)`,
          value: `${l.p50Ms} / ${l.p95Ms}`,
          baseline: '',
          ratio: '',
          goal: `≤ ${GOAL_LIST_MS} ms`,
          met: l.met ? 'yes' : 'NO',
        })),
        {
          bench: 'Roll-up',
          backend: 'postgres',
          measure: `rollUpAudit() over ${rolledUp.toLocaleString('en')} events, once (ms)`,
          value: String(rollUpMs),
          baseline: `${data.rollUp.eventsPerSecond.toLocaleString('en')} events/s`,
          ratio: '',
          goal: 'report',
          met: '',
        },
        ...trends.map((x): TableRow => ({
          bench: 'Trends',
          backend: 'postgres',
          measure: `readTrends ${x.name} p50 / p95 (ms)`,
          value: `${x.p50Ms} / ${x.p95Ms}`,
          baseline: '',
          ratio: '',
          goal: `≤ ${GOAL_TRENDS_MS} ms`,
          met: x.met ? 'yes' : 'NO',
        })),
      ];
      console.log(`[posture] slowest page: ${worstList.name} p95 ${worstList.p95Ms} ms`);
      return { rows, data };
    } finally {
      await owner.end();
      await database.close();
    }
  } finally {
    await bench.drop();
  }
}
