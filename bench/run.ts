/**
 * `npm run bench [-- p1 p2 p5]`: runs the benchmarks (all by default), prints a table and writes
 * bench/results/latest.json. An unmet goal is a result, not a failure; a broken run exits 1.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatTable, machineInfo, round, type BenchReport, type TableRow } from './lib';
import { runP1 } from './p1-login';
import { runP2 } from './p2-guard';
import { runP3 } from './p3-audit-search';
import { runP4 } from './p4-audit-export';
import { runP5 } from './p5-audit';
import { runP6 } from './p6-audit-verify';
import { runP7 } from './p7-restart';
import { runP8 } from './p8-login-timing';
import { runOrderExport } from './order-export';
import { runAdminLists } from './admin-lists';
import { runAllowlist } from './allowlist';
import { runRotation } from './rotation';
import { runPivot } from './pivot';
import { runPosture } from './posture';
import { runStreams } from './streams';

/** Issue 3: tenants list and a tenant's operator list at 10,000 tenants / 1,000,000 operators. */
async function lists(): Promise<BenchReport> {
  const r = await runAdminLists();
  const worst = [...r.scenarios].sort((a, b) => b.p95Ms - a.p95Ms)[0];
  return {
    rows: [
      {
        bench: 'Admin lists',
        backend: 'postgres',
        measure: 'p95 over all list scenarios, 10k tenants / 1M operators (ms)',
        value: String(r.overall.p95Ms),
        baseline: '',
        ratio: '',
        goal: '<= 50 ms',
        met: r.overall.met ? 'yes' : 'NO',
      },
      {
        bench: 'Admin lists',
        backend: 'postgres',
        measure: `slowest scenario p95: ${worst.name} (ms)`,
        value: String(worst.p95Ms),
        baseline: '',
        ratio: '',
        goal: '<= 50 ms',
        met: worst.met ? 'yes' : 'NO',
      },
    ],
    data: r,
  };
}

/** Issue 4: starting a campaign over 100,000 operators, and the progress query at that size; issue 22: compromise mode over the same. */
async function rotation(): Promise<BenchReport> {
  const r = await runRotation();
  const pg = r.postgres!;
  return {
    rows: [
      {
        bench: 'Rotation',
        backend: 'postgres',
        measure: `start campaign, ${pg.start.operators} operators / ${pg.start.tenants} tenants (ms)`,
        value: String(pg.start.ms),
        baseline: `targets statement ${pg.start.targetsStatementMs} ms`,
        ratio: '',
        goal: 'set-based',
        met: 'yes',
      },
      {
        bench: 'Rotation',
        backend: 'postgres',
        measure: 'progress query p95 at 100k (ms)',
        value: String(pg.progress.p95Ms),
        baseline: `p50 ${pg.progress.p50Ms} ms`,
        ratio: '',
        goal: '<= 50 ms',
        met: pg.progress.met ? 'yes' : 'NO',
      },
      {
        bench: 'Compromise',
        backend: 'postgres',
        measure: `declare compromise mode, ${pg.compromise.operators} operators / ${pg.compromise.tenants} tenants (ms)`,
        value: String(pg.compromise.declareMs),
        baseline: `progress page p95 ${pg.compromise.progressP95Ms} ms`,
        ratio: '',
        goal: '<= 10,000 ms',
        met: pg.compromise.met ? 'yes' : 'NO',
      },
      {
        bench: 'Rotation',
        backend: 'pglite',
        measure: `progress query p95, ${r.pglite.size.operators} operators (ms)`,
        value: String(r.pglite.progress.p95Ms),
        baseline: '',
        ratio: '',
        goal: '',
        met: '',
      },
    ],
    data: r,
  };
}

const BENCHES: Record<string, { title: string; run: () => Promise<BenchReport> }> = {
  p1: { title: 'P1 login throughput vs raw argon2id', run: runP1 },
  p2: { title: 'P2 guard latency over an unguarded route', run: runP2 },
  p5: { title: 'P5 chained audit appends vs plain inserts', run: runP5 },
  p3: { title: 'P3 audit search at 1M and 10M events', run: runP3 },
  p4: { title: 'P4 audit export vs COPY at 1M rows', run: runP4 },
  p6: { title: 'P6 bundle verification vs raw sha256', run: runP6 },
  p7: { title: 'P7 restart of npm start to its first page on existing data', run: runP7 },
  p8: { title: 'P8 failed-login timing, existing vs unknown login ID', run: runP8 },
  orders: { title: 'Order-history export vs COPY at 1M orders', run: runOrderExport },
  lists: { title: 'Admin lists at 10k tenants / 1M operators', run: lists },
  rotation: { title: 'Rotation campaign at 100k operators', run: rotation },
  allowlist: { title: 'IP allowlist decision, 3 layers x 1,000 entries', run: runAllowlist },
  pivot: { title: 'Incident pivots and blast-radius reports at 10M audit events', run: runPivot },
  posture: {
    title: 'Security posture page and 30-day trends at 10k tenants / 1M operators / 10M events',
    run: runPosture,
  },
  streams: {
    title: 'Audit streams: lag under P5 load, backfill of 1M events vs the JSON Lines export',
    run: runStreams,
  },
};

// Read by lib/env on first use; the P2 server child gets the same one, so its cookies decrypt.
process.env.AUTH_SECRET = randomBytes(32).toString('base64url');

const requested = process.argv.slice(2).map((a) => a.toLowerCase());
const unknown = requested.filter((a) => !(a in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const selected = requested.length > 0 ? requested : Object.keys(BENCHES);

const machine = await machineInfo();
console.log(
  `[bench] ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB, Node ${machine.node}, PGlite ${machine.pglite}`,
);
console.log(`[bench] ${machine.postgres}`);

const started = new Date();
const rows: TableRow[] = [];
const results: Record<string, unknown> = {};
let failed = false;
for (const id of selected) {
  const bench = BENCHES[id];
  // Other work on the machine skews every figure; the load before each benchmark shows it.
  const loadBefore = os.loadavg()[0];
  console.log(`[bench] ${bench.title} (1-min load average before: ${loadBefore.toFixed(2)}) ...`);
  const t = Date.now();
  try {
    const report = await bench.run();
    rows.push(...report.rows);
    results[id] = { loadAverageBefore: round(loadBefore), results: report.data };
    console.log(`[bench] ${id} done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } catch (error) {
    failed = true;
    results[id] = { error: error instanceof Error ? error.message : String(error) };
    console.error(`[bench] ${id} failed:`, error);
  }
}

console.log(`\n${formatTable(rows)}\n`);
const out = path.join('bench', 'results', 'latest.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ started: started.toISOString(), seconds: (Date.now() - started.getTime()) / 1000, machine, results }, null, 2)}\n`,
);
console.log(`[bench] results written to ${out}`);
// Pools and timers from the libraries can outlive the work; the run is over.
process.exit(failed ? 1 : 0);
