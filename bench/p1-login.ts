/**
 * P1: full password logins per second (lookup, argon2id verify, session insert, audit append)
 * against raw argon2id verifications per second, at the same concurrency (one per core).
 */
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { DEMO_PASSWORD, planDemo } from '@/lib/demo/seed-demo';
import { hashPassword, verifyPassword } from '@/lib/passwords/hash-password';
import { combine, cores, createPostgresDatabase, openSeeded, round, runConcurrent, summarize, type BenchReport, type ConcurrentRun, type TableRow } from './lib';

const ROUNDS = 4;
const OPS_PER_ROUND = 200;
const WARMUP = 8 * cores;
const OVERSUBSCRIBED = 3;
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
  const result = await loginWithPassword({ loginId, password: DEMO_PASSWORD }, { ip: nextIp(), userAgent: 'mamori-bench' });
  if (!result.ok) throw new Error(`P1: login of ${loginId} failed (${result.reason}); every benchmark login must succeed`);
}

async function measure(backend: string, passwordHash: string) {
  const verify = async () => {
    if (!(await verifyPassword(passwordHash, DEMO_PASSWORD))) throw new Error('P1: raw verification failed');
  };
  await runConcurrent(cores, WARMUP, verify);
  await runConcurrent(cores, WARMUP, login);
  // Rounds alternate the order (R L, L R, ...) so drift (turbo, neighbours, caches) hits both alike.
  const raw: ConcurrentRun[] = [];
  const full: ConcurrentRun[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const kind of r % 2 === 0 ? (['raw', 'login'] as const) : (['login', 'raw'] as const)) {
      if (kind === 'raw') raw.push(await runConcurrent(cores, OPS_PER_ROUND, verify));
      else full.push(await runConcurrent(cores, OPS_PER_ROUND, login));
    }
  }
  const rawAll = combine(raw);
  const loginAll = combine(full);
  // For information: with more logins in flight than cores, one login's database waits overlap
  // another's hashing, which shows how much of the gap is idle cores rather than extra CPU.
  const oversubscribed = {
    concurrency: OVERSUBSCRIBED * cores,
    rawVerify: summarize(await runConcurrent(OVERSUBSCRIBED * cores, OPS_PER_ROUND, verify)),
    logins: summarize(await runConcurrent(OVERSUBSCRIBED * cores, OPS_PER_ROUND, login)),
  };
  const ratio = loginAll.perSecond / rawAll.perSecond;
  const perCore = loginAll.perSecond / cores;
  const met = ratio >= GOAL_RATIO && perCore >= GOAL_PER_CORE;
  return {
    backend,
    concurrency: cores,
    logins: summarize(loginAll),
    rawVerify: summarize(rawAll),
    loginsPerSecondPerCore: round(perCore, 1),
    ratio: round(ratio, 3),
    roundRatios: full.map((f, k) => round(f.perSecond / raw[k].perSecond, 3)),
    oversubscribed: { ...oversubscribed, ratio: round(oversubscribed.logins.perSecond / oversubscribed.rawVerify.perSecond, 3) },
    goal: { ratio: GOAL_RATIO, perCore: GOAL_PER_CORE },
    met,
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
      baseline: `${r.rawVerify.perSecond} verify/s`,
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
      measure: `logins/s (c=${r.oversubscribed.concurrency})`,
      value: String(r.oversubscribed.logins.perSecond),
      baseline: `${r.oversubscribed.rawVerify.perSecond} verify/s`,
      ratio: r.oversubscribed.ratio.toFixed(3),
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
      measure: 'latency p50 / p95 ms',
      value: `${r.logins.p50Ms} / ${r.logins.p95Ms}`,
      baseline: `${r.rawVerify.p50Ms} / ${r.rawVerify.p95Ms}`,
      ratio: '',
      goal: '(info)',
      met: '',
    },
  ]);
  return { rows, data: results };
}
