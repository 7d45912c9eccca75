/** Shared helpers for the benchmarks: timing, percentiles, concurrency, databases, machine facts. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateDatabase, openDatabase, setDatabase, type Database } from '@/db';
import { seedDemo } from '@/lib/demo/seed-demo';

/** The cluster the benchmarks create their throw-away databases in. */
export const PG_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const cores = os.availableParallelism();

/** One line of the printed results table. */
export interface TableRow {
  bench: string;
  backend: string;
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
  goal: string;
  met: string;
}

export interface BenchReport {
  rows: TableRow[];
  data: unknown;
}

export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export const round = (n: number, digits = 2) => Number(n.toFixed(digits));

export const signed = (n: number) => (n >= 0 ? `+${n}` : String(n));

export interface ConcurrentRun {
  ops: number;
  seconds: number;
  perSecond: number;
  latenciesMs: number[];
  /** CPU time of this whole process (every thread, argon2's pool included) during the run. */
  cpuMs: number;
}

/**
 * Runs `count` operations with `concurrency` in flight at all times (workers pull the next index
 * from a shared counter), and times the whole batch and each operation.
 */
export async function runConcurrent(
  concurrency: number,
  count: number,
  op: (i: number) => Promise<void>,
): Promise<ConcurrentRun> {
  const latenciesMs: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const start = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = nowMs();
        await op(i);
        latenciesMs.push(nowMs() - t);
      }
    }),
  );
  const seconds = (nowMs() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { ops: count, seconds, perSecond: count / seconds, latenciesMs, cpuMs: (used.user + used.system) / 1000 };
}

/** Several runs of the same operation added up: total ops over total time, all latencies. */
export function combine(runs: ConcurrentRun[]): ConcurrentRun {
  const ops = runs.reduce((a, r) => a + r.ops, 0);
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  const cpuMs = runs.reduce((a, r) => a + r.cpuMs, 0);
  return { ops, seconds, perSecond: ops / seconds, latenciesMs: runs.flatMap((r) => r.latenciesMs), cpuMs };
}

export const summarize = (r: ConcurrentRun) => ({
  ops: r.ops,
  seconds: round(r.seconds, 3),
  perSecond: round(r.perSecond, 1),
  p50Ms: round(percentile(r.latenciesMs, 50)),
  p95Ms: round(percentile(r.latenciesMs, 95)),
  processCpuMsPerOp: round(r.cpuMs / r.ops, 3),
});

/** A new, empty database `<prefix>_<random>` on the bench cluster; `drop` removes it even if still in use. */
export async function createPostgresDatabase(
  prefix = 'mamori_bench',
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = async (work: (client: pg.Client) => Promise<void>) => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
  };
  await admin(async (c) => void (await c.query(`create database ${name}`)));
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const drop = () =>
    admin(async (c) => {
      // pg's pool.end() resolves before its sockets are closed, and terminating those
      // connections (drop ... with (force)) raises 'error' on clients of the closed pool. Wait
      // for them to go first; force only what lingers after 5 s.
      for (let waited = 0; waited < 5000; waited += 50) {
        const { rows } = await c.query<{ n: number }>(
          'select count(*)::int as n from pg_stat_activity where datname = $1',
          [name],
        );
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await c.query(`drop database if exists ${name} with (force)`);
    });
  return { name, url: u.toString(), drop };
}

/**
 * Opens, migrates and seeds the demo world, and makes it the database the app code uses
 * (`withTenantTx` and friends read it from the process-wide holder).
 */
export async function openSeeded(
  url: string | undefined,
  dataDir?: string,
  env: Record<string, string> = {},
): Promise<Database> {
  // openDatabase reads its pool size from the environment; set it only for this call.
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let database: Database;
  try {
    database = await openDatabase(url, dataDir);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  await migrateDatabase(database);
  setDatabase(Promise.resolve(database));
  await seedDemo();
  return database;
}

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  postgres: string;
  pglite: string;
  platform: string;
}

export async function machineInfo(): Promise<Machine> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  const { rows } = await client.query<{ version: string }>('select version()');
  await client.end();
  // The package's `exports` hide package.json from require(); read the file directly.
  const pglitePkg = JSON.parse(
    readFileSync(path.join('node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8'),
  );
  return {
    cpu,
    cores,
    ramGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    postgres: rows[0].version,
    pglite: pglitePkg.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function formatTable(rows: TableRow[]): string {
  const header: TableRow = {
    bench: 'bench',
    backend: 'backend',
    measure: 'measure',
    value: 'value',
    baseline: 'baseline',
    ratio: 'ratio/Δ',
    goal: 'goal',
    met: 'met',
  };
  const keys = Object.keys(header) as (keyof TableRow)[];
  const all = [header, ...rows];
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  const line = (r: TableRow) =>
    keys
      .map((k, i) => r[k].padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
