import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { OPEN_ENTRY_POINTS, appEntryFiles } from '../lib/testing/entry-points';
import { problem } from './helpers';

// Every page and GET route on disk, its dynamic segments filled in: the platform's own tenant
// (tenant zero, which always exists) and random ids for the rest.
const PLATFORM = '00000000-0000-0000-0000-000000000000';
const fill = (file: string) =>
  file
    .replace(/^app/, '')
    .replace(/\/(page\.tsx|route\.ts)$/, '')
    .replace('[tenantId]', PLATFORM)
    .replace(/\[[^\]]+\]/g, () => crypto.randomUUID()) || '/';

const pages = appEntryFiles()
  .filter((f) => f.endsWith('/page.tsx') && !(f in OPEN_ENTRY_POINTS))
  .map(fill);
// Every method each route file serves.
const routes = appEntryFiles()
  .filter((f) => f.endsWith('/route.ts'))
  .flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)]
      .map((m) => m[1])
      .filter((method) => !(`${f} ${method}` in OPEN_ENTRY_POINTS))
      .map((method) => ({ method, path: fill(f) })),
  );

test('signed out, every guarded page sends to the sign-in form and every guarded route answers 401, showing nothing', async ({
  request,
  baseURL,
}) => {
  expect(pages.length).toBeGreaterThan(20);
  for (const path of pages) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect([303, 307], path).toContain(res.status());
    expect(res.headers().location, path).toMatch(/\/login/);
  }
  expect(routes.filter((r) => r.method !== 'GET').length).toBeGreaterThan(15);
  for (const { method, path } of routes) {
    // Writes carry what a browser's would (same origin, a JSON body): the missing credential alone refuses them.
    const res = await request.fetch(path, {
      method,
      maxRedirects: 0,
      ...(method === 'GET'
        ? {}
        : { headers: { 'content-type': 'application/json', origin: new URL(baseURL!).origin }, data: '{}' }),
    });
    expect(res.status(), `${method} ${path}`).toBe(401);
    expect(res.headers()['content-type'], path).toBe('application/problem+json');
    expect(await res.json(), path).toEqual(problem('unauthenticated', 401));
  }
});
