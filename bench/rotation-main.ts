/**
 * Runs the rotation campaign benchmark alone and prints its result as JSON:
 * `node scripts/run.mjs bench/rotation-main.ts [tenants=N] [operators=N] [progressRuns=N] [pgliteTenants=N] [pgliteOperators=N]`.
 */
import { runRotation, type RotationOptions } from './rotation';

const opts: RotationOptions = Object.fromEntries(
  process.argv.slice(2).map((a) => [a.split('=')[0], Number(a.split('=')[1])]),
);
console.log(JSON.stringify(await runRotation(opts), null, 2));
