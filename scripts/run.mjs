// Runs a TypeScript entry (scripts/*.ts, bench/*.ts) with the project's module setup.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { register as registerTsx } from 'tsx/esm/api';

// V8's allocation-site pretenuring misjudges node-postgres's result rows as long-lived: measured
// on a loop of 51-row queries, each scavenge then moved about 4 MB of rows into the old
// generation, where they died, and GC pauses took 22 % of the time. Without it: a third of the
// pause time and 22 % less time per query. The server allocates per request; nothing it keeps
// long is lost by this.
v8.setFlagsFromString('--no-allocation-site-pretenuring');

register('./server-only-hook.mjs', import.meta.url);
registerTsx();
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run.mjs <file.ts> [args...]');
  process.exit(2);
}
process.argv.splice(2, 1);
await import(pathToFileURL(entry).href);
