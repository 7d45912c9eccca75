/**
 * P8: does a failed login's answer time tell an existing login ID from an unknown one? Measured
 * from outside, through the real server entry: the login form posted as a browser without
 * JavaScript posts it, pairs of (wrong password for an existing ID, any password for an unknown
 * ID of the same shape) interleaved in random order, every request from its own loopback address
 * and every ID used once, so that no throttle state differs between the two. Mann-Whitney U on
 * the two samples must find no difference (p >= 0.01). Run with the shipped failure floor and
 * with none, which shows that the work itself is the same on both paths.
 */
import http from 'node:http';
import path from 'node:path';
import { mkdirSync, rmSync } from 'node:fs';
import { planDemo } from '@/lib/demo/seed-demo';
import { createPostgresDatabase, nowMs, openSeeded, percentile, round, type BenchReport, type TableRow } from './lib';
import { Server } from './server';
import { hiddenFields, multipart } from './html-forms';
import { mannWhitney } from './stats';

const PAIRS = 200;
const WARMUP_PAIRS = 20;
const GOAL_P = 0.01;

interface LoginForm {
  fields: [string, string][];
}

/** The hidden fields of the login form, as a browser without JavaScript would post them back. */
async function loginForm(port: number): Promise<LoginForm> {
  const html = await new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/login', headers: { 'accept-language': 'en' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
  const fields = hiddenFields(html, 'loginId');
  if (!fields.some(([name]) => name.startsWith('$ACTION'))) throw new Error('P8: the login form has no action fields');
  return { fields };
}

/** One failed login, from `source` (a loopback address of its own); its time and what came back. */
function postLogin(
  port: number,
  form: LoginForm,
  loginId: string,
  password: string,
  source: string,
): Promise<{ ms: number; status: number; bytes: number; cookies: number }> {
  const { body, type } = multipart([...form.fields, ['loginId', loginId], ['password', password]]);
  return new Promise((resolve, reject) => {
    const start = nowMs();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/login',
        method: 'POST',
        localAddress: source,
        agent: false,
        headers: {
          'content-type': type,
          'content-length': body.length,
          origin: `http://127.0.0.1:${port}`,
          'sec-fetch-site': 'same-origin',
          'accept-language': 'en',
        },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () =>
          resolve({
            ms: nowMs() - start,
            status: res.statusCode ?? 0,
            bytes,
            cookies: (res.headers['set-cookie'] ?? []).length,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(backend: string, floor: 'shipped' | 'none', server: Server) {
  const form = await loginForm(server.port);
  // Existing IDs: the demo's company operators, each used once; unknown ones of the same shape.
  const existing = planDemo().flatMap((t) => t.operators.map((o) => o.loginId));
  if (existing.length < PAIRS + WARMUP_PAIRS) throw new Error('P8: not enough demo operators');
  const unknown = existing.map(
    (id, i) => `${id.split('.')[0]}.${['kimura', 'sato', 'ito', 'mori'][i % 4]}.x${(i * 7919).toString(36)}`,
  );
  const samples = { existing: [] as number[], unknown: [] as number[] };
  const answers = new Set<string>();
  for (let i = 0; i < PAIRS + WARMUP_PAIRS; i++) {
    const pair: ['existing' | 'unknown', string][] = [
      ['existing', existing[i]],
      ['unknown', unknown[i]],
    ];
    if (Math.random() < 0.5) pair.reverse();
    for (const [kind, loginId] of pair) {
      // 127.1.0.0/16: a fresh address per request, so the per-address throttle never starts.
      const n = 2 * i + (kind === 'existing' ? 0 : 1);
      const r = await postLogin(server.port, form, loginId, `wrong password ${i}`, `127.1.${n >> 8}.${n & 255}`);
      answers.add(`${r.status}/${r.bytes}/${r.cookies}`);
      if (i >= WARMUP_PAIRS) samples[kind].push(r.ms);
    }
  }
  const test = mannWhitney(samples.existing, samples.unknown);
  const stats = (xs: number[]) => ({ p50Ms: round(percentile(xs, 50), 2), p95Ms: round(percentile(xs, 95), 2) });
  return {
    backend,
    floor,
    pairs: PAIRS,
    existing: stats(samples.existing),
    unknown: stats(samples.unknown),
    u: test.u,
    z: round(test.z, 3),
    p: round(test.p, 4),
    // Every answer alike: status, size and cookies.
    distinctAnswers: [...answers],
    met: test.p >= GOAL_P && answers.size === 1,
  };
}

async function onBackend(backend: 'postgres' | 'pglite', floor: 'shipped' | 'none') {
  const floorEnv: Record<string, string> = floor === 'none' ? { MAMORI_LOGIN_FAILURE_FLOOR_MS: '0' } : {};
  if (backend === 'postgres') {
    const pgDb = await createPostgresDatabase();
    try {
      await (await openSeeded(pgDb.url)).close();
      const server = await Server.start({ DATABASE_URL: pgDb.url, ...floorEnv });
      try {
        return await measure(backend, floor, server);
      } finally {
        await server.stop();
      }
    } finally {
      await pgDb.drop();
    }
  }
  const dataDir = path.resolve('.data', `bench-p8-${Date.now()}`);
  mkdirSync(dataDir, { recursive: true });
  try {
    await (await openSeeded(undefined, dataDir)).close();
    const server = await Server.start({ MAMORI_DATA_DIR: dataDir, ...floorEnv });
    try {
      return await measure(backend, floor, server);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runP8(): Promise<BenchReport> {
  const results = [];
  for (const backend of ['postgres', 'pglite'] as const)
    for (const floor of ['shipped', 'none'] as const) results.push(await onBackend(backend, floor));
  const rows: TableRow[] = results.map((r) => ({
    bench: 'P8',
    backend: r.backend,
    measure: `failed login p50 existing / unknown ID, ${r.pairs} pairs, ${r.floor === 'shipped' ? 'shipped floor' : 'no floor'} (ms)`,
    value: `${r.existing.p50Ms} / ${r.unknown.p50Ms}`,
    baseline: `p95 ${r.existing.p95Ms} / ${r.unknown.p95Ms}`,
    ratio: `p = ${r.p}`,
    goal: `p >= ${GOAL_P}, one answer`,
    met: r.met ? 'yes' : 'NO',
  }));
  return { rows, data: results };
}
