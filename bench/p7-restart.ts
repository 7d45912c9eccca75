/**
 * P7: a restart of `npm start` on existing data, from the process's start to the first page
 * (`/login`, 200), after the build. The data: the demo seeded by a first start, then the demo's
 * shop data at the incident's full scale (`npm run demo:large`: 980,000 members, 15,581 orders in
 * the largest site). Timed from outside, polling every 20 ms, three restarts a backend.
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createPostgresDatabase, nowMs, round, type BenchReport, type TableRow } from './lib';
import { freePort } from './server';

const RESTARTS = 3;
const GOAL_MS = 5_000;

function firstPage(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/login', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
  });
}

/** Starts `npm start`'s entry, times it to its first page, stops it (SIGTERM); the milliseconds. */
async function timedStart(env: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort();
  const start = nowMs();
  const child = spawn(process.execPath, ['scripts/run.mjs', 'scripts/start.ts'], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    detached: true,
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`P7: the server exited (${child.exitCode})`);
      if ((await firstPage(port)) === 200) return nowMs() - start;
      if (nowMs() - start > 120_000) throw new Error('P7: no first page within 120 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

async function measure(backend: 'pglite' | 'postgres', env: NodeJS.ProcessEnv) {
  // The first start migrates and seeds; demo:large then fills the shops.
  await timedStart(env);
  const large = spawnSync(process.execPath, ['scripts/run.mjs', 'scripts/demo-large.ts'], { env, encoding: 'utf8' });
  if (large.status !== 0) throw new Error(`P7: demo:large failed: ${large.stderr}`);
  const ms: number[] = [];
  for (let i = 0; i < RESTARTS; i++) ms.push(round(await timedStart(env), 0));
  return { backend, restartsMs: ms, maxMs: Math.max(...ms), met: Math.max(...ms) <= GOAL_MS };
}

export async function runP7(): Promise<BenchReport> {
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    MAMORI_DEMO: '1',
    MAMORI_METRICS_PORT: '0',
    MAMORI_LOG_LEVEL: 'warn',
    NEXT_TELEMETRY_DISABLED: '1',
  };
  delete base.DATABASE_URL;
  const dataDir = path.resolve('.data', `bench-p7-${Date.now()}`);
  const results = [];
  try {
    results.push(await measure('pglite', { ...base, MAMORI_DATA_DIR: dataDir }));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const db = await createPostgresDatabase();
  const pgDir = `${dataDir}-pg`;
  try {
    results.push(await measure('postgres', { ...base, DATABASE_URL: db.url, MAMORI_DATA_DIR: pgDir }));
  } finally {
    await db.drop();
    rmSync(pgDir, { recursive: true, force: true });
  }
  const rows: TableRow[] = results.map((r) => ({
    bench: 'P7',
    backend: r.backend,
    measure: `restart to first page on the demo + 980k members, ${RESTARTS} restarts (ms)`,
    value: r.restartsMs.join(' / '),
    baseline: '',
    ratio: '',
    goal: `<= ${GOAL_MS} ms`,
    met: r.met ? 'yes' : 'NO',
  }));
  return { rows, data: results };
}
