import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * `npm run screenshots`: every page of the console, in Japanese and English, on a 1366 px desktop
 * and a 390 px phone, from the demo data, written to screenshots/ for review (not a test).
 */
export default defineConfig({
  ...base,
  testMatch: '*.shots.ts',
  outputDir: '.data/screenshots-output',
  reporter: [['list']],
  timeout: 20 * 60_000,
  webServer: base.webServer && {
    ...base.webServer,
    env: { ...(base.webServer as { env: Record<string, string> }).env, MAMORI_STEP_UP_SECONDS: '300' },
  },
});
