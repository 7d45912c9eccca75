/**
 * An app instance's job runner in a process of its own, for the test that kills one with SIGKILL
 * mid-job: claims the job "hold" from DATABASE_URL, says so on stdout, and never finishes it.
 */
import { openDatabase, setDatabase } from '@/db';
import { runDueJobs } from '@/lib/jobs/run-jobs';

setDatabase(openDatabase(process.env.DATABASE_URL!));
const started = await runDueJobs(
  [{ name: 'hold', everyMs: 60_000, leaseMs: 30_000, run: () => new Promise(() => {}) }],
  'doomed-instance',
);
console.log(started.has('hold') ? 'holding' : 'not claimed');
