/**
 * P1: full password logins per second (lookup, argon2id verify, session insert, audit append)
 * against raw argon2id verifications per second on the same cores, in the same run.
 *
 * Both are throughputs, so both are measured saturated: 3 logins per core in flight, as a busy
 * server has them. With only one per core, a core idles whenever its login waits for the database
 * and no other login is there to hash meanwhile; that figure is reported too, for information. The
 * baseline is raw verification at whichever of the two concurrencies does better.
 */
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { DEMO_PASSWORD, planDemo } from '@/lib/demo/seed-demo';
import { hashPassword, verifyPassword } from '@/lib/passwords/hash-password';
import {
  combine,
  cores,
  createPostgresDatabase,
  openSeeded,
  round,
  runConcurrent,
  summarize,
  type BenchReport,
  type ConcurrentRun,
  type TableRow,
} from './lib';

const ROUNDS = 4;
const OPS_PER_ROUND = 200;
const WARMUP = 8 * cores;
const SATURATED = 3 * cores;
const GOAL_RATIO = 0.8;
const GOAL_PER_CORE = 40;

// Every tenant operator of the demo world: consecutive logins land on different rows, as they
// would in production, instead of queueing on one operator's row lock.
const loginIds = planDemo().flatMap((t) => t.operators.map((o) => o.loginId));

// A fresh client address per attempt (10.x.y.z), so the per-IP throttle never sees a repeat.
let attempt = 0;
function nextIp(): string {
  attempt++;
  return `10.${(attempt >> 16) & 255}.${(attempt >> 8) & 255}.${attempt & 255}`;
}

async function login(i: number): Promise<void> {
  const loginId = loginIds[i % loginIds.length];
  const result = await loginWithPassword(
    { loginId, password: DEMO_PASSWORD },
    { ip: nextIp(), userAgent: 'mamori-bench' },
  );
  if (!result.ok)
    throw new Error(`P1: login of ${loginId} failed (${result.reason}); every benchmark login must succeed`);
}

const KINDS = ['raw', 'login'] as const;
const LEVELS = [cores, SATURATED] as const;

async function measure(backend: string, passwordHash: string) {
  const verify = async () => {
    if (!(await verifyPassword(passwordHash, DEMO_PASSWORD))) throw new Error('P1: raw verification failed');
  };
  const ops = { raw: verify, login };
  await runConcurrent(SATURATED, WARMUP, verify);
  await runConcurrent(SATURATED, WARMUP, login);
  // Each round runs the four (kind, concurrency) pairs in a rotated order, so drift (turbo,
  // neighbours, caches) hits all of them alike.
  const pairs = LEVELS.flatMap((c) => KINDS.map((kind) => ({ kind, c, key: `${kind}@${c}` })));
  const runs = new Map<string, ConcurrentRun[]>(pairs.map((p) => [p.key, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < pairs.length; k++) {
      const p = pairs[(k + r) % pairs.length];
      runs.get(p.key)!.push(await runConcurrent(p.c, OPS_PER_ROUND, ops[p.kind]));
    }
  }
  const of = (kind: string, c: number) => runs.get(`${kind}@${c}`)!;
  const best = (a: ConcurrentRun, b: ConcurrentRun) => (a.perSecond >= b.perSecond ? a : b);
  const roundRatios = of('login', SATURATED).map(
    (l, r) => l.perSecond / best(of('raw', cores)[r], of('raw', SATURATED)[r]).perSecond,
  );
  const rawAt = { cores: combine(of('raw', cores)), saturated: combine(of('raw', SATURATED)) };
  const rawBest = best(rawAt.cores, rawAt.saturated);
  const logins = combine(of('login', SATURATED));
  const onePerCore = combine(of('login', cores));
  const ratio = logins.perSecond / rawBest.perSecond;
  const perCore = logins.perSecond / cores;
  return {
    backend,
    concurrency: SATURATED,
    logins: summarize(logins),
    rawVerify: summarize(rawBest),
    rawVerifyConcurrency: rawBest === rawAt.cores ? cores : SATURATED,
    rawVerifyAt: { [cores]: summarize(rawAt.cores), [SATURATED]: summarize(rawAt.saturated) },
    loginsPerSecondPerCore: round(perCore, 1),
    ratio: round(ratio, 3),
    roundRatios: roundRatios.map((x) => round(x, 3)),
    onePerCore: {
      concurrency: cores,
      logins: summarize(onePerCore),
      rawVerify: summarize(rawAt.cores),
      ratio: round(onePerCore.perSecond / rawAt.cores.perSecond, 3),
    },
    goal: { ratio: GOAL_RATIO, perCore: GOAL_PER_CORE },
    met: ratio >= GOAL_RATIO && perCore >= GOAL_PER_CORE,
  };
}

export async function runP1(): Promise<BenchReport> {
  // Same parameters as the stored hashes (hashPassword is the function that wrote them).
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const results = [];

  const pgDb = await createPostgresDatabase();
  try {
    const database = await openSeeded(pgDb.url);
    try {
      results.push(await measure('postgres', passwordHash));
    } finally {
      await database.close();
    }
  } finally {
    await pgDb.drop();
  }

  const pglite = await openSeeded('memory://');
  try {
    results.push(await measure('pglite', passwordHash));
  } finally {
    await pglite.close();
  }

  const rows: TableRow[] = results.flatMap((r) => [
    {
      bench: 'P1',
      backend: r.backend,
      measure: `logins/s (c=${r.concurrency})`,
      value: String(r.logins.perSecond),
      baseline: `${r.rawVerify.perSecond} verify/s (c=${r.rawVerifyConcurrency})`,
      ratio: r.ratio.toFixed(3),
      goal: `≥ ${GOAL_RATIO}`,
      met: r.ratio >= GOAL_RATIO ? 'yes' : 'NO',
    },
    {
      bench: 'P1',
      backend: r.backend,
      measure: 'logins/s per core',
      value: String(r.loginsPerSecondPerCore),
      baseline: '',
      ratio: '',
      goal: `≥ ${GOAL_PER_CORE}`,
      met: r.loginsPerSecondPerCore >= GOAL_PER_CORE ? 'yes' : 'NO',
    },
    {
      bench: 'P1',
      backend: r.backend,
      measure: `logins/s (c=${r.onePerCore.concurrency})`,
      value: String(r.onePerCore.logins.perSecond),
      baseline: `${r.onePerCore.rawVerify.perSecond} verify/s`,
      ratio: r.onePerCore.ratio.toFixed(3),
      goal: '(info)',
      met: '',
    },
    {
      bench: 'P1',
      backend: r.backend,
      measure: 'process CPU ms per op',
      value: String(r.logins.processCpuMsPerOp),
      baseline: String(r.rawVerify.processCpuMsPerOp),
      ratio: (r.logins.processCpuMsPerOp / r.rawVerify.processCpuMsPerOp).toFixed(2),
      goal: '(info)',
      met: '',
    },
    {
      bench: 'P1',
      backend: r.backend,
      measure: `latency p50 / p95 ms (c=${r.onePerCore.concurrency})`,
      value: `${r.onePerCore.logins.p50Ms} / ${r.onePerCore.logins.p95Ms}`,
      baseline: `${r.onePerCore.rawVerify.p50Ms} / ${r.onePerCore.rawVerify.p95Ms}`,
      ratio: '',
      goal: '(info)',
      met: '',
    },
  ]);
  return { rows, data: results };
}
