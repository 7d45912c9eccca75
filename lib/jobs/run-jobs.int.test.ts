import { spawn } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { backgroundJobs } from '@/db/schema';
import { advanceClock, resetClock } from '@/lib/clock';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { runDueJobs, startJobs, type Job } from './run-jobs';

const db = setupTestDatabase();
const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

afterEach(() => resetClock());

const jobRow = (name: string) =>
  withPlatformTx(async (tx) => (await tx.select().from(backgroundJobs).where(eq(backgroundJobs.name, name)))[0]);

/** A job that counts its runs and can be held open until released. */
function countingJob(name: string, everyMs: number) {
  const job = { runs: 0, release: () => {} };
  const definition: Job = {
    name,
    everyMs,
    leaseMs: 10_000,
    run: async () => {
      job.runs++;
      await new Promise<void>((resolve) => (job.release = resolve));
    },
  };
  return { job, definition };
}

describe('background jobs across instances', () => {
  it('two instances asking at once: the job runs on one of them, once per interval', async () => {
    const { job, definition } = countingJob('sweep', 60_000);
    const [a, b] = await Promise.all([runDueJobs([definition], 'instance-a'), runDueJobs([definition], 'instance-b')]);
    expect(a.size + b.size).toBe(1);
    expect(job.runs).toBe(1);
    const holder = a.size === 1 ? 'instance-a' : 'instance-b';
    expect(await jobRow('sweep')).toMatchObject({ holder, runs: 0 });

    // While it runs, neither instance starts it again.
    expect(
      (await runDueJobs([definition], 'instance-a')).size + (await runDueJobs([definition], 'instance-b')).size,
    ).toBe(0);
    job.release();
    await Promise.all([...a.values(), ...b.values()]);
    expect(await jobRow('sweep')).toMatchObject({ holder: null, leaseUntil: null, runs: 1, failures: 0 });

    // Finished, but its interval since the last start has not passed: still not due anywhere.
    expect((await runDueJobs([definition], 'instance-b')).size).toBe(0);
    advanceClock(60_000);
    const next = await runDueJobs([definition], 'instance-b');
    expect(next.size).toBe(1);
    job.release();
    await next.get('sweep');
    expect(job.runs).toBe(2);
    expect(await jobRow('sweep')).toMatchObject({ runs: 2 });
  });

  it('a job that throws is counted as a failure, its error kept, and it runs again when due', async () => {
    let calls = 0;
    const failing: Job = {
      name: 'failing',
      everyMs: 5_000,
      run: async () => {
        calls++;
        throw new Error('receiver down');
      },
    };
    await (await runDueJobs([failing], 'instance-a')).get('failing');
    expect(await jobRow('failing')).toMatchObject({ runs: 1, failures: 1, lastError: 'receiver down', holder: null });
    advanceClock(5_000);
    await (await runDueJobs([failing], 'instance-b')).get('failing');
    expect(calls).toBe(2);
    expect(await jobRow('failing')).toMatchObject({ runs: 2, failures: 2 });
  });

  it('an instance that dies holding a job: another takes it over once the lease runs out', async () => {
    const { definition } = countingJob('orphaned', 1_000);
    // The dead instance's claim, as it left it: held, lease 10 s, never handed back.
    await runDueJobs([definition], 'dead-instance');
    const survivor = countingJob('orphaned', 1_000);
    advanceClock(9_000);
    expect((await runDueJobs([survivor.definition], 'instance-b')).size).toBe(0);
    advanceClock(1_001);
    const taken = await runDueJobs([survivor.definition], 'instance-b');
    expect(taken.size).toBe(1);
    expect(await jobRow('orphaned')).toMatchObject({ holder: 'instance-b' });
    survivor.job.release();
    await taken.get('orphaned');
  });

  it('stop: no new runs, waits for the running job, and says whether it ended in time', async () => {
    const { job, definition } = countingJob('long', 60_000);
    const runner = startJobs([definition], 'instance-a', 10);
    await expect.poll(() => job.runs).toBe(1);
    const stopping = runner.stop(5_000);
    setTimeout(() => job.release(), 50);
    expect(await stopping).toBe(true);
    expect(await jobRow('long')).toMatchObject({ holder: null, runs: 1 });

    const stuck = countingJob('stuck', 60_000);
    const second = startJobs([stuck.definition], 'instance-a', 10);
    await expect.poll(() => stuck.job.runs).toBe(1);
    expect(await second.stop(50)).toBe(false);
    stuck.job.release();
  });

  it.skipIf(!onPostgres)(
    'a second process killed with SIGKILL mid-job: its lease runs out and this one takes over',
    async () => {
      const child = spawn(process.execPath, ['scripts/run.mjs', 'lib/testing/job-child.ts'], {
        env: { ...process.env, DATABASE_URL: db.url()! },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) =>
          d.toString().includes('holding') ? resolve() : reject(new Error(d.toString())),
        );
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(await jobRow('hold')).toMatchObject({ holder: 'doomed-instance' });

      let ran = 0;
      const hold: Job = { name: 'hold', everyMs: 60_000, leaseMs: 30_000, run: async () => void ran++ };
      expect((await runDueJobs([hold], 'survivor')).size).toBe(0);
      advanceClock(60_001);
      await (await runDueJobs([hold], 'survivor')).get('hold');
      expect(ran).toBe(1);
      const row = await jobRow('hold');
      expect(row).toMatchObject({ holder: null, runs: 1, failures: 0 });
    },
  );
});
