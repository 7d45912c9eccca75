/**
 * Runs the admin lists benchmark alone and prints its result as JSON:
 * `node scripts/run.mjs bench/admin-lists-main.ts [tenants=N] [operators=N] [reps=N] [pages=N]`.
 */
import { runAdminLists, type AdminListsOptions } from './admin-lists';

const opts: AdminListsOptions = Object.fromEntries(
  process.argv.slice(2).map((a) => [a.split('=')[0], Number(a.split('=')[1])]),
);
console.log(JSON.stringify(await runAdminLists(opts), null, 2));
