/** `npm start`: build once if there is no production build yet, then run the server entry. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

if (!existsSync('.next/BUILD_ID')) {
  console.log('[mamori] no production build yet: running next build (first start only)');
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const built = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
await import('./server');
