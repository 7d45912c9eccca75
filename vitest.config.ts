import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      // Tests are server code; the marker package would throw outside Next's server bundle.
      'server-only': path.resolve(import.meta.dirname, 'lib/testing/server-only-stub.ts'),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    // Auth.js imports `next/server` without the file extension Node's ESM resolver needs; bundled
    // by Vite instead, the guard (which reads its cookie) can be tested like any lib module.
    server: { deps: { inline: ['next-auth', '@auth/core'] } },
    // No failure floor: tests of throttling fail hundreds of logins (holdFailure has its own test).
    env: {
      AUTH_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
      MAMORI_DATA_DIR: '.data/test',
      MAMORI_LOGIN_FAILURE_FLOOR_MS: '0',
      // Tests fail jobs and deliveries on purpose; their log lines would bury the report
      // (MAMORI_LOG_LEVEL=error npm run test:unit shows them).
      MAMORI_LOG_LEVEL: process.env.MAMORI_LOG_LEVEL ?? 'silent',
    },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each integration file gets its own database; argon2 and PGlite are CPU-heavy on 2 cores.
    maxWorkers: 2,
  },
});
