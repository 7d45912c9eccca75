import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every way into the app found on disk (pages, route handlers, server actions) goes through the
 * guard, or is named here as open to anyone with the reason. A new entry point without either
 * fails this test, whoever forgets.
 */
const OPEN: Record<string, string> = {
  'app/login/page.tsx': 'the sign-in form',
  'app/login/verify/page.tsx': 'the second step of sign-in, bound to its challenge cookie',
  'app/login/blocked/page.tsx': 'tells a refused address why; shows nothing of an account',
  'app/api/health/route.ts GET': 'liveness, no data',
  'app/api/v1/openapi.json/route.ts GET': 'the public API description',
  'app/login/actions.ts loginAction': 'signing in',
  'app/login/actions.ts verifyCodeAction': 'the second step of signing in',
  'app/actions.ts logoutAction': 'ends the caller’s own session, if any',
  'app/actions.ts setLocaleAction': 'sets the language cookie',
};

const GUARDED_PAGE = /\b(requireOperator|requireTenant|requirePlatform)\(/;
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}

const app = filesUnder('app');
const read = (file: string) => readFileSync(file, 'utf8');

/** The entry points a file declares, each with whether it is guarded. */
function entryPoints(file: string): { name: string; guarded: boolean }[] {
  const text = read(file);
  if (file.endsWith('/page.tsx')) return [{ name: file, guarded: GUARDED_PAGE.test(text) }];
  if (file.endsWith('/route.ts')) {
    return [...text.matchAll(/export\s+(?:const|async function|function)\s+([A-Z]+)\b([^\n]*)/g)]
      .filter((m) => HTTP_METHODS.includes(m[1]))
      .map((m) => ({ name: `${file} ${m[1]}`, guarded: /^\s*=\s*withRoute(<[^(]*>)?\(/.test(m[2]) }));
  }
  if (file.endsWith('/actions.ts') && text.startsWith("'use server'")) {
    return [...text.matchAll(/export\s+(?:const|async function|function)\s+(\w+)\b([^\n]*)/g)].map((m) => ({
      name: `${file} ${m[1]}`,
      guarded: /^\s*=\s*withAction\(/.test(m[2]),
    }));
  }
  return [];
}

const all = app.flatMap(entryPoints);

describe('entry points', () => {
  it('finds the app’s pages, route handlers and server actions', () => {
    expect(all.filter((e) => e.name.endsWith('page.tsx')).length).toBeGreaterThan(20);
    expect(all.filter((e) => e.name.includes('/route.ts ')).length).toBeGreaterThan(8);
    expect(all.filter((e) => e.name.includes('/actions.ts ')).length).toBeGreaterThan(40);
  });

  it('each goes through the guard (withRoute, withAction, require*), or is named open with a reason', () => {
    const unguarded = all.filter((e) => !e.guarded && !(e.name in OPEN)).map((e) => e.name);
    expect(unguarded).toEqual([]);
  });

  it('names open only what exists and is really unguarded', () => {
    const byName = new Map(all.map((e) => [e.name, e.guarded]));
    for (const name of Object.keys(OPEN)) expect(byName.get(name), name).toBe(false);
  });
});
