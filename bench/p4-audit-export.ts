/**
 * P4: audit export throughput at 1M events of one tenant on PostgreSQL. The real export
 * (exportAuditEvents, CSV UTF-8, fully consumed) against PostgreSQL's own `COPY (the export's
 * select) TO STDOUT (FORMAT csv)`, received by a pg client in this process, in alternating rounds.
 * Both run as the app role with the tenant set, so row-level security applies to both. Each export
 * runs in a fresh child process whose RSS is sampled every 50 ms. Goal: export rows/s >= 0.5 x COPY's.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PgDialect } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf, setDatabase } from '@/db';
import { auditExportSelect, exportAuditEvents } from '@/lib/audit/export-audit-events';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import {
  alternateRounds,
  checkAudited,
  consume,
  inChild,
  measureExport,
  runCopy,
  totalOf,
  type ExportFigures,
  type Run,
} from './export-lib';
import { createPostgresDatabase, nowMs, openSeeded, round, type BenchReport, type TableRow } from './lib';

const EVENTS = Number(process.env.BENCH_P4_EVENTS ?? 1_000_000);
const ROUNDS = 4;
const SPAN_DAYS = 730;
const GOAL_RATIO = 0.5;
const GOAL_RSS_MB = 256;

/**
 * Fills one tenant's chain with `total` events, set-based. Secondary indexes are dropped for the
 * load and rebuilt from their own definitions. Every third event shares its timestamp with its
 * neighbours (bursts), so paging must break ties on seq. Hashes are placeholders: the export
 * copies them, it does not check the chain.
 */
export async function generate(client: pg.Client, tenantId: string, total: number, end: Date): Promise<void> {
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.tablename = 'audit_events' and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
  );
  for (const ix of indexes) await client.query(`drop index ${ix.name}`);
  await client.query(`set maintenance_work_mem = '512MB'`);
  const {
    rows: [chain],
  } = await client.query<{ last_seq: string }>('select last_seq from audit_chains where tenant_id = $1', [tenantId]);
  const start = Number(chain.last_seq);
  await client.query(
    `with ops as (select array_agg(id order by login_id) as ids, array_agg(login_id order by login_id) as logins, count(*)::int as cnt
                    from operators where tenant_id = $1)
     insert into audit_events (tenant_id, seq, id, occurred_at, actor_operator_id, actor_login_id, action, target_type,
       target_id, outcome, ip, user_agent, session_id, details, hash)
     select $1::uuid, $2::bigint + g.i, md5($1 || ':' || g.i)::uuid,
            date_trunc('milliseconds', $3::timestamptz - interval '${SPAN_DAYS} days' + ((g.i / 3)::float8 * 3 / $4) * interval '${SPAN_DAYS} days'),
            case when x.r1 between 35 and 36 then null else o.ids[1 + x.k] end,
            -- A failed login by an unknown ID keeps what was typed, attacks included.
            case when x.r1 = 35 then '=cmd|'' /C calc''!A0' when x.r1 = 36 then 'admin' else o.logins[1 + x.k] end,
            case when x.r1 < 35 then 'login.succeeded' when x.r1 < 40 then 'login.failed' when x.r1 < 65 then 'logout'
                 when x.r1 < 69 then 'session.revoked' when x.r1 < 80 then 'stepup.succeeded' when x.r1 < 90 then 'operator.updated'
                 when x.r1 < 97 then 'password.changed' else 'audit.exported' end,
            case when x.r1 < 35 or x.r1 between 40 and 68 then 'session' when x.r1 >= 97 then 'tenant' else 'operator' end,
            case when x.r1 < 35 or x.r1 between 40 and 68 then x.sid::text when x.r1 >= 97 then $1::text
                 else o.ids[1 + (x.k + x.r3) % o.cnt]::text end,
            case when x.r1 between 35 and 39 then 'failure' else 'success' end,
            case when x.r2 < 4 then '2001:db8:' || to_hex(x.k) || '::' || to_hex(x.r3 % 65536)
                 when x.r2 < 10 then '198.51.100.' || (x.r3 % 256)
                 else '10.' || (x.k % 256) || '.' || (x.r3 % 256) || '.' || (1 + x.r2) end,
            case when x.r2 % 3 = 0 then 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
                 when x.r2 % 3 = 1 then 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'
                 else 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148' end,
            case when x.r1 < 35 or x.r1 between 40 and 68 then x.sid end,
            case when x.r1 < 35 then '{"secondFactor":"totp","idleTimeoutMinutes":30,"absoluteTimeoutHours":12}'::jsonb
                 when x.r1 < 40 then jsonb_build_object('reason', 'bad_password', 'consecutiveFailures', 1 + x.r3 % 5)
                 when x.r1 < 65 then '{}'::jsonb
                 when x.r1 < 69 then '{"reason":"admin","note":"端末紛失のため"}'::jsonb
                 when x.r1 >= 97 then jsonb_build_object('format', 'csv', 'encoding', 'sjis', 'rows', x.r3, 'filter', '{}'::jsonb)
                 else jsonb_build_object('fields', jsonb_build_array('display_name', 'role'), 'n', x.r3) end,
            sha256(int8send(g.i) || uuid_send($1::uuid))
       from ops o
      cross join generate_series(1::bigint, $4::bigint) g(i)
      cross join lateral (select abs(hashint8(g.i * 131)) as h) r
      cross join lateral (
        select (r.h % o.cnt)::int as k, ((r.h / 7919) % 100)::int as r1, ((r.h / 104729) % 100)::int as r2,
               ((r.h / 13) % 100000)::int as r3, md5($1 || ':' || (r.h % o.cnt) || ':' || (g.i / 400))::uuid as sid
      ) x`,
    [tenantId, start, end.toISOString(), total],
  );
  await client.query('update audit_chains set last_seq = $2 where tenant_id = $1', [tenantId, start + total]);
  for (const ix of indexes) await client.query(ix.def);
  await client.query('vacuum analyze audit_events');
}

type ExportRun = Run & ExportFigures;

type Format = 'csv' | 'jsonl';
type Encoding = 'utf8' | 'sjis';
const CHILD = '--p4-export';

/**
 * One export, fully consumed, in this process: what a child started by runExport does. A short
 * export of the last week goes first, so the code is compiled as in a server that has exported
 * before. RSS and heap are sampled every 50 ms; the figures go to stdout as one JSON line, with
 * the number of events the export should write.
 */
async function exportHere(url: string, tenantId: string, format: Format, encoding: Encoding): Promise<void> {
  const database = await openDatabase(url);
  setDatabase(Promise.resolve(database));
  const ctx = contextFor(tenantId, randomUUID(), 'tenant_admin', 'bench.exporter');
  await consume(
    await exportAuditEvents(
      tenantAccess(ctx, tenantId, 'audit.read'),
      { from: new Date(Date.now() - 7 * 86_400_000) },
      { format, encoding },
    ),
  );
  const [{ n }] = rowsOf<{ n: string }>(
    await database.db.execute(sql`select count(*)::text as n from audit_events where tenant_id = ${tenantId}`),
  );
  const figures = await measureExport(() =>
    exportAuditEvents(tenantAccess(ctx, tenantId, 'audit.read'), {}, { format, encoding }),
  );
  await database.close();
  // Newest first, with no upper bound: the export's own audit.export_started, written before its
  // first byte, is its first row.
  console.log(JSON.stringify({ events: Number(n) + 1, ...figures }));
}

/**
 * An export run in a fresh child process, so its RSS is the export's own and not whatever the
 * benchmarks before it left in this one. Checked against the audit event the export writes.
 */
export async function runExport(
  client: pg.Client,
  url: string,
  tenantId: string,
  format: Format,
  encoding: Encoding,
): Promise<ExportRun> {
  const { events, ...run } = await inChild<ExportFigures & { events: number }>('bench/p4-audit-export.ts', [
    CHILD,
    url,
    tenantId,
    format,
    encoding,
  ]);
  // The export audits itself with its row count and bytes; read them back.
  const {
    rows: [last],
  } = await client.query<{ rows: number; bytes: string }>(
    `select (details->>'rows')::int as rows, details->>'bytes' as bytes from audit_events
      where tenant_id = $1 and action = 'audit.exported' and actor_login_id = 'bench.exporter' order by seq desc limit 1`,
    [tenantId],
  );
  // Keyset paging across ties in occurred_at must neither skip nor repeat a row.
  checkAudited(last, run, events);
  return { ...run, rows: last.rows, rowsPerSecond: last.rows / run.seconds };
}

export async function runP4(): Promise<BenchReport> {
  const bench = await createPostgresDatabase('mamori_bench_export');
  try {
    const database = await openSeeded(bench.url);
    const client = new pg.Client({ connectionString: bench.url });
    await client.connect();
    try {
      const {
        rows: [tenant],
      } = await client.query<{ id: string }>(
        `select t.id from tenants t join operators o on o.tenant_id = t.id where t.kind = 'tenant' group by t.id order by count(*) desc, t.id limit 1`,
      );
      const t0 = nowMs();
      await generate(client, tenant.id, EVENTS, new Date());
      const generateSeconds = round((nowMs() - t0) / 1000, 1);
      const {
        rows: [size],
      } = await client.query<{ table: string; n: string }>(
        `select pg_size_pretty(pg_table_size('audit_events')) as table, (select count(*) from audit_events where tenant_id = $1)::text as n`,
        [tenant.id],
      );
      // The export's own statement (filters, columns, order) with its parameters written in.
      const copyText = new PgDialect().sqlToQuery(auditExportSelect(tenant.id, {}).inlineParams()).sql;
      const { copies, exports } = await alternateRounds(
        ROUNDS,
        () => runCopy(client, copyText, tenant.id),
        () => runExport(client, bench.url, tenant.id, 'csv', 'utf8'),
      );
      const sjis = await runExport(client, bench.url, tenant.id, 'csv', 'sjis');
      const jsonl = await runExport(client, bench.url, tenant.id, 'jsonl', 'utf8');
      const copy = totalOf(copies);
      const csv = totalOf(exports);
      const ratio = round(csv.rowsPerSecond / copy.rowsPerSecond, 3);
      const perRound = exports.map((e, i) => round(e.rowsPerSecond / copies[i].rowsPerSecond, 3));
      const all = [...exports, sjis, jsonl];
      const rssStartMb = Math.min(...all.map((e) => e.rssStartMb));
      const rssPeakMb = Math.max(...all.map((e) => e.rssPeakMb));
      const data = {
        events: Number(size.n),
        tableSize: size.table,
        generateSeconds,
        copyQuery: copyText,
        copy: { ...copy, runs: copies },
        exportCsvUtf8: { ...csv, runs: exports },
        ratio,
        perRound,
        exportCsvSjis: sjis,
        exportJsonl: jsonl,
        processCpuMicrosecondsPerRow: round((exports.reduce((a, e) => a + e.cpuSeconds, 0) * 1e6) / csv.rows, 2),
        rss: {
          startMb: rssStartMb,
          peakMb: rssPeakMb,
          largestRiseMb: round(Math.max(...all.map((e) => e.rssPeakMb - e.rssStartMb)), 1),
          heapPeakMb: Math.max(...all.map((e) => e.heapPeakMb)),
        },
      };
      const n = Number(size.n).toLocaleString('en');
      const rows: TableRow[] = [
        {
          bench: 'P4',
          backend: 'postgres',
          measure: `export CSV UTF-8 rows/s, ${n} events`,
          value: String(csv.rowsPerSecond),
          baseline: `COPY csv ${copy.rowsPerSecond}/s`,
          ratio: String(ratio),
          goal: `>= ${GOAL_RATIO}`,
          met: ratio >= GOAL_RATIO ? 'yes' : 'NO',
        },
        {
          bench: 'P4',
          backend: 'postgres',
          measure: 'export CSV Shift_JIS rows/s (info)',
          value: String(round(sjis.rowsPerSecond, 0)),
          baseline: '',
          ratio: String(round(sjis.rowsPerSecond / copy.rowsPerSecond, 3)),
          goal: '',
          met: '',
        },
        {
          bench: 'P4',
          backend: 'postgres',
          measure: 'export JSON Lines rows/s (info)',
          value: String(round(jsonl.rowsPerSecond, 0)),
          baseline: '',
          ratio: String(round(jsonl.rowsPerSecond / copy.rowsPerSecond, 3)),
          goal: '',
          met: '',
        },
        {
          bench: 'P4',
          backend: 'postgres',
          measure: `exporting process RSS, start / peak (MB; largest rise ${data.rss.largestRiseMb})`,
          value: `${rssStartMb} / ${rssPeakMb}`,
          baseline: '',
          ratio: '',
          goal: `< ${GOAL_RSS_MB} MB`,
          met: rssPeakMb < GOAL_RSS_MB ? 'yes' : 'NO',
        },
      ];
      return { rows, data };
    } finally {
      await client.end();
      await database.close();
    }
  } finally {
    await bench.drop();
  }
}

if (process.argv[2] === CHILD) {
  const [url, tenantId, format, encoding] = process.argv.slice(3);
  await exportHere(url, tenantId, format as Format, encoding as Encoding);
  process.exit(0);
}
