import { defineConfig } from '@playwright/test';

const port = Number(process.env.MAMORI_E2E_PORT ?? 3210);
// One id per run, shared with the worker processes through the environment.
process.env.MAMORI_E2E_RUN ??= String(Date.now());
export const runId = process.env.MAMORI_E2E_RUN;
/** A SIEM receiver the specs run on this machine, named to the server's outbound guard. */
export const receiverPort = port + 7;
export const baseURL = `http://127.0.0.1:${port}`;

/**
 * Drives Debian's Chromium (never a downloaded browser) against the real server entry, on a fresh
 * database: a new PGlite directory, or the PostgreSQL database scripts/test.ts created.
 */
export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: '.data/e2e-results.json' }]],
  use: {
    baseURL,
    locale: 'en-US',
    extraHTTPHeaders: { 'accept-language': 'en' },
    launchOptions: {
      executablePath: process.env.MAMORI_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    trace: 'off',
  },
  webServer: {
    command: 'node scripts/run.mjs scripts/server.ts',
    url: `${baseURL}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      PORT: String(port),
      NEXT_TELEMETRY_DISABLED: '1',
      // A stand-in reverse proxy for the trusted-proxy tests (a loopback address of its own).
      MAMORI_TRUSTED_PROXIES: '127.0.0.200/32',
      MAMORI_DATA_DIR: process.env.MAMORI_E2E_DATA_DIR ?? `.data/e2e-${runId}`,
      // Short, so a test can see a sensitive action ask for a fresh code without waiting 5 minutes.
      MAMORI_STEP_UP_SECONDS: '20',
      // The notice's incident, played on the demo data at start (e2e/incident.spec.ts walks it).
      MAMORI_DEMO_INCIDENT: '1',
      MAMORI_OUTBOUND_TEST_RECEIVERS: `127.0.0.1:${receiverPort}`,
      MAMORI_METRICS_PORT: String(port + 8),
      // A line per request would bury the test report; warnings and errors still show.
      MAMORI_LOG_LEVEL: 'warn',
      ...(process.env.MAMORI_E2E_DATABASE_URL ? { DATABASE_URL: process.env.MAMORI_E2E_DATABASE_URL } : {}),
    },
  },
});
