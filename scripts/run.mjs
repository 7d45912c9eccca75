// Runs a TypeScript entry (scripts/*.ts, bench/*.ts) with the project's module setup.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { register as registerTsx } from 'tsx/esm/api';

register('./server-only-hook.mjs', import.meta.url);
registerTsx();
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run.mjs <file.ts> [args...]');
  process.exit(2);
}
process.argv.splice(2, 1);
await import(pathToFileURL(entry).href);
