import 'server-only';
import { sql } from 'drizzle-orm';
import { affectedRows, withPlatformTx } from '@/db';
import { now } from '@/lib/clock';
import { metrics } from '@/lib/observability/metrics';
import { logger } from '@/lib/observability/logger';

/** A piece of background work that must run once across all instances, every `everyMs`. */
export interface Job {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
  /** How long an instance holds the job without renewing; renewed a third of the way while it runs. */
  leaseMs?: number;
}

const DEFAULT_LEASE_MS = 60_000;

/**
 * Takes the job's lease if no live instance holds it and its last start anywhere is an interval
 * ago: one statement, so of two instances asking at once exactly one gets it (the other's update
 * finds the row changed and matches nothing).
 */
async function claim(job: Job, holder: string, known: Set<string>): Promise<boolean> {
  const at = now();
  const until = new Date(at.getTime() + (job.leaseMs ?? DEFAULT_LEASE_MS));
  const dueBy = new Date(at.getTime() - job.everyMs);
  return withPlatformTx(async (tx) => {
    if (!known.has(job.name))
      await tx.execute(sql`insert into background_jobs (name) values (${job.name}) on conflict (name) do nothing`);
    known.add(job.name);
    return (
      affectedRows(
        await tx.execute(sql`
          update background_jobs set holder = ${holder}, lease_until = ${until.toISOString()},
                 last_started_at = ${at.toISOString()}
           where name = ${job.name} and (lease_until is null or lease_until < ${at.toISOString()})
             and (last_started_at is null or last_started_at <= ${dueBy.toISOString()})`),
      ) === 1
    );
  });
}

async function renew(job: Job, holder: string) {
  const until = new Date(now().getTime() + (job.leaseMs ?? DEFAULT_LEASE_MS));
  await withPlatformTx((tx) =>
    tx.execute(sql`
      update background_jobs set lease_until = ${until.toISOString()} where name = ${job.name} and holder = ${holder}`),
  );
}

async function release(job: Job, holder: string, error: unknown) {
  const failed = error !== undefined;
  await withPlatformTx((tx) =>
    tx.execute(sql`
      update background_jobs set holder = null, lease_until = null, last_finished_at = ${now().toISOString()},
             last_error = ${failed ? String(error instanceof Error ? error.message : error).slice(0, 500) : null},
             runs = runs + 1, failures = failures + ${failed ? 1 : 0}
       where name = ${job.name} and holder = ${holder}`),
  );
}

/** Runs a claimed job, keeping its lease alive meanwhile, and hands the lease back when it ends. */
async function runClaimed(job: Job, holder: string): Promise<void> {
  const leaseMs = job.leaseMs ?? DEFAULT_LEASE_MS;
  const keepAlive = setInterval(() => {
    renew(job, holder).catch((err) => logger().error({ job: job.name, err }, 'job lease renewal failed'));
  }, leaseMs / 3);
  let failure: unknown;
  const stopTimer = metrics().jobDuration.startTimer({ job: job.name });
  try {
    await job.run();
  } catch (error) {
    failure = error ?? 'failed';
    logger().error({ job: job.name, err: error }, 'job failed');
  } finally {
    clearInterval(keepAlive);
    stopTimer();
    metrics().jobRuns.inc({ job: job.name, outcome: failure === undefined ? 'succeeded' : 'failed' });
  }
  await release(job, holder, failure).catch((error) =>
    logger().error({ job: job.name, err: error }, 'job lease could not be handed back'),
  );
}

/** What one instance remembers between passes. */
export interface JobsState {
  /** Jobs this instance is running now. */
  running: Set<string>;
  /** When this instance next asks for each job (epoch ms): once per interval, not every pass. */
  nextTry: Map<string, number>;
  /** Jobs whose row this instance knows exists. */
  known: Set<string>;
}

export const newJobsState = (): JobsState => ({ running: new Set(), nextTry: new Map(), known: new Set() });

/**
 * One pass: every job this instance is not already running, whose time to ask has come and that
 * it can claim is started. Returns the runs started, by name, so a caller (the runner, a test)
 * can wait for them.
 */
export async function runDueJobs(
  jobs: Job[],
  holder: string,
  state: JobsState = newJobsState(),
): Promise<Map<string, Promise<void>>> {
  const started = new Map<string, Promise<void>>();
  const { running, nextTry } = state;
  for (const job of jobs) {
    const at = now().getTime();
    if (running.has(job.name) || (nextTry.get(job.name) ?? 0) > at) continue;
    // Claimed or not, this instance asks again an interval from now: a job another instance
    // ran just now is not due before then either.
    nextTry.set(job.name, at + job.everyMs);
    let claimed = false;
    try {
      claimed = await claim(job, holder, state.known);
    } catch (error) {
      logger().error({ job: job.name, err: error }, 'job could not be claimed');
    }
    if (!claimed) continue;
    running.add(job.name);
    started.set(
      job.name,
      runClaimed(job, holder).finally(() => running.delete(job.name)),
    );
  }
  return started;
}

export interface JobRunner {
  /**
   * Starts no more jobs and waits up to `timeoutMs` for the running ones to end (their leases
   * are handed back as each ends). Resolves true when all ended in time.
   */
  stop(timeoutMs: number): Promise<boolean>;
}

/** Looks for due jobs every `tickMs` (a second by default) until stopped. */
export function startJobs(jobs: Job[], holder: string, tickMs = 1_000): JobRunner {
  const state = newJobsState();
  const inFlight = new Set<Promise<void>>();
  let ticking: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (ticking || stopped) return;
    ticking = runDueJobs(jobs, holder, state)
      .then((started) => {
        for (const run of started.values()) {
          inFlight.add(run);
          void run.finally(() => inFlight.delete(run));
        }
      })
      .finally(() => (ticking = null));
  };
  const timer = setInterval(tick, tickMs);
  timer.unref();
  tick();
  return {
    async stop(timeoutMs) {
      stopped = true;
      clearInterval(timer);
      await ticking;
      let timeout: NodeJS.Timeout | undefined;
      const ended = await Promise.race([
        Promise.allSettled([...inFlight]).then(() => true),
        new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      clearTimeout(timeout);
      return ended;
    },
  };
}
