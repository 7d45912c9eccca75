/**
 * Order-history export at 1M orders of one site on PostgreSQL: the real export (request, claim and
 * streamOrderExport with every column, CSV UTF-8, fully consumed) against PostgreSQL's own `COPY
 * (the export's select) TO STDOUT (FORMAT csv)` in alternating rounds. Both run as the app role
 * with the tenant set, so row-level security applies to both. Each export runs in a fresh child
 * process whose RSS is sampled every 50 ms. Goal: export rows/s >= 0.5 x COPY's, RSS < 256 MB.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { openDatabase, setDatabase, withPlatformTx } from '@/db';
import { sites } from '@/db/schema';
import { generateEcData } from '@/lib/ec/generate-ec-data';
import { ORDER_EXPORT_COLUMN_KEYS } from '@/lib/ec/order-export-columns';
import { periodOf, previewOrderExport, requestOrderExport } from '@/lib/ec/request-order-export';
import { claimOrderExport, orderExportSelect, streamOrderExport } from '@/lib/ec/stream-order-export';
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

const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
// The incident's ratio: 15,581 orders of 10,946 customers.
const CUSTOMERS = Math.round((ORDERS * 10_946) / 15_581);
const ROUNDS = 4;
const GOAL_RATIO = 0.5;
const GOAL_RSS_MB = 256;
const CHILD = '--order-export';

type Encoding = 'utf8' | 'sjis';
interface Exporter {
  tenantId: string;
  operatorId: string;
  loginId: string;
  siteId: string;
}

// Every column, from the first order to today (JST).
const scopeOf = (siteId: string, from = '2000-01-01') => ({
  siteId,
  from,
  to: new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10),
  columns: [...ORDER_EXPORT_COLUMN_KEYS],
});

/**
 * One export in this process, as an operator would make it: requested (counts and quota),
 * claimed, then streamed and measured. A short export of the last week goes first, so the code is
 * compiled as in a server that has exported before.
 */
async function exportHere(url: string, who: Exporter, encoding: Encoding): Promise<void> {
  const database = await openDatabase(url);
  setDatabase(Promise.resolve(database));
  const ctx = contextFor(who.tenantId, who.operatorId, 'tenant_admin', who.loginId);
  const request = async (from?: string) => {
    const r = await requestOrderExport(tenantAccess(ctx, who.tenantId, 'orders.export'), scopeOf(who.siteId, from), {
      encoding,
      reason: 'benchmark of the full order history',
    });
    return claimOrderExport(tenantAccess(ctx, who.tenantId, 'orders.export'), r.id);
  };
  const recent = await request(new Date(Date.now() - 7 * 86_400_000 + 9 * 3_600_000).toISOString().slice(0, 10));
  await consume(await streamOrderExport(tenantAccess(ctx, who.tenantId, 'orders.export'), recent));
  const t0 = nowMs();
  const claimed = await request();
  const requestSeconds = round((nowMs() - t0) / 1000, 2);
  const figures = await measureExport(() =>
    streamOrderExport(tenantAccess(ctx, who.tenantId, 'orders.export'), claimed),
  );
  await database.close();
  console.log(JSON.stringify({ exportId: claimed.id, expected: claimed.rowCount, requestSeconds, ...figures }));
}

type ExportRun = Run & ExportFigures & { requestSeconds: number };

/** An export in a fresh child process, checked against the audit event it writes. */
async function runExport(client: pg.Client, url: string, who: Exporter, encoding: Encoding): Promise<ExportRun> {
  const { exportId, expected, ...run } = await inChild<
    ExportFigures & { exportId: string; expected: number; requestSeconds: number }
  >('bench/order-export.ts', [CHILD, url, JSON.stringify(who), encoding]);
  const {
    rows: [audited],
  } = await client.query<{ rows: number; bytes: string }>(
    `select (details->>'rows')::int as rows, details->>'bytes' as bytes from audit_events
      where tenant_id = $1 and action = 'orders.exported' and target_id = $2`,
    [who.tenantId, exportId],
  );
  checkAudited(audited, run, expected);
  return { ...run, rows: audited.rows, rowsPerSecond: audited.rows / run.seconds };
}

export async function runOrderExport(): Promise<BenchReport> {
  const bench = await createPostgresDatabase('mamori_bench_orders');
  try {
    const database = await openSeeded(bench.url);
    const client = new pg.Client({ connectionString: bench.url });
    await client.connect();
    try {
      const {
        rows: [admin],
      } = await client.query<{ tenant_id: string; id: string; login_id: string }>(
        `select o.tenant_id, o.id, o.login_id from operators o join tenants t on t.id = o.tenant_id
          where t.kind = 'tenant' and o.role = 'tenant_admin' order by o.login_id limit 1`,
      );
      await client.query('update tenants set order_export_daily_quota = 10000000 where id = $1', [admin.tenant_id]);
      const t0 = nowMs();
      const siteId = await withPlatformTx(async (tx) => {
        const [site] = await tx
          .insert(sites)
          .values({ tenantId: admin.tenant_id, code: 'bench-orders', name: 'ベンチ本店' })
          .returning({ id: sites.id });
        await generateEcData(
          tx,
          { tenantId: admin.tenant_id, siteId: site.id, code: 'bench-orders' },
          { members: CUSTOMERS, orders: ORDERS, customers: CUSTOMERS },
          new Date(),
        );
        return site.id;
      });
      await client.query('vacuum analyze orders');
      await client.query('vacuum analyze members');
      const generateSeconds = round((nowMs() - t0) / 1000, 1);
      const {
        rows: [size],
      } = await client.query<{ table: string }>(`select pg_size_pretty(pg_table_size('orders')) as table`);
      const who: Exporter = { tenantId: admin.tenant_id, operatorId: admin.id, loginId: admin.login_id, siteId };
      const scope = scopeOf(siteId);
      const ctx = contextFor(who.tenantId, who.operatorId, 'tenant_admin', who.loginId);
      // What the operator is shown before anything is produced, and how long it takes at this size.
      const p0 = nowMs();
      const preview = await previewOrderExport(tenantAccess(ctx, who.tenantId, 'orders.export'), scope);
      const previewMs = round(nowMs() - p0, 0);
      const { from, to } = periodOf(scope);
      const copyText = new PgDialect().sqlToQuery(
        orderExportSelect(who.tenantId, {
          siteId,
          periodFrom: from,
          periodTo: to,
          columns: scope.columns,
        }).inlineParams(),
      ).sql;
      const { copies, exports } = await alternateRounds(
        ROUNDS,
        () => runCopy(client, copyText, who.tenantId),
        () => runExport(client, bench.url, who, 'utf8'),
      );
      const sjis = await runExport(client, bench.url, who, 'sjis');
      const copy = totalOf(copies);
      const csv = totalOf(exports);
      const ratio = round(csv.rowsPerSecond / copy.rowsPerSecond, 3);
      const all = [...exports, sjis];
      const rss = {
        startMb: Math.min(...all.map((e) => e.rssStartMb)),
        peakMb: Math.max(...all.map((e) => e.rssPeakMb)),
        largestRiseMb: round(Math.max(...all.map((e) => e.rssPeakMb - e.rssStartMb)), 1),
        heapPeakMb: Math.max(...all.map((e) => e.heapPeakMb)),
      };
      const {
        rows: [{ n }],
      } = await client.query<{ n: number }>('select count(*)::int as n from orders where site_id = $1', [siteId]);
      const data = {
        orders: n,
        customers: preview.customers,
        tableSize: size.table,
        generateSeconds,
        previewMs,
        copyQuery: copyText,
        copy: { ...copy, runs: copies },
        exportCsvUtf8: { ...csv, runs: exports },
        ratio,
        perRound: exports.map((e, i) => round(e.rowsPerSecond / copies[i].rowsPerSecond, 3)),
        exportCsvSjis: sjis,
        processCpuMicrosecondsPerRow: round((exports.reduce((a, e) => a + e.cpuSeconds, 0) * 1e6) / csv.rows, 2),
        rss,
      };
      const label = `${n.toLocaleString('en')} orders`;
      const rows: TableRow[] = [
        {
          bench: 'Orders',
          backend: 'postgres',
          measure: `order export CSV UTF-8 rows/s, ${label}, all columns`,
          value: String(csv.rowsPerSecond),
          baseline: `COPY csv ${copy.rowsPerSecond}/s`,
          ratio: String(ratio),
          goal: `>= ${GOAL_RATIO}`,
          met: ratio >= GOAL_RATIO ? 'yes' : 'NO',
        },
        {
          bench: 'Orders',
          backend: 'postgres',
          measure: 'order export CSV Shift_JIS rows/s (info)',
          value: String(round(sjis.rowsPerSecond, 0)),
          baseline: '',
          ratio: String(round(sjis.rowsPerSecond / copy.rowsPerSecond, 3)),
          goal: '',
          met: '',
        },
        {
          bench: 'Orders',
          backend: 'postgres',
          measure: `exporting process RSS, start / peak (MB; largest rise ${rss.largestRiseMb})`,
          value: `${rss.startMb} / ${rss.peakMb}`,
          baseline: '',
          ratio: '',
          goal: `< ${GOAL_RSS_MB} MB`,
          met: rss.peakMb < GOAL_RSS_MB ? 'yes' : 'NO',
        },
        {
          bench: 'Orders',
          backend: 'postgres',
          measure: `preview (rows, customers) before the export, ${label} (ms, info)`,
          value: String(previewMs),
          baseline: '',
          ratio: '',
          goal: '',
          met: '',
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
  const [url, who, encoding] = process.argv.slice(3);
  await exportHere(url, JSON.parse(who) as Exporter, encoding as Encoding);
  process.exit(0);
}
