/**
 * `npm run screenshots`: builds the app and writes PNGs of every page (ja and en, desktop and a
 * 390 px phone) from the demo data into screenshots/, for a person to look at.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const step = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (!existsSync(process.env.MAMORI_CHROMIUM ?? '/usr/bin/chromium')) {
  console.error('Chromium not found at /usr/bin/chromium (apt-get install -y chromium, or set MAMORI_CHROMIUM)');
  process.exit(1);
}
step('npx', ['next', 'build']);
step('npx', ['playwright', 'test', '--config', 'playwright.screenshots.config.ts']);
console.log('[mamori] screenshots written to screenshots/');
