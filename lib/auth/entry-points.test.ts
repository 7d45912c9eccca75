import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPEN_ENTRY_POINTS as OPEN, appEntryFiles } from '@/lib/testing/entry-points';

/**
 * Every way into the app found on disk (pages, route handlers, server actions) goes through the
 * guard, or is named here as open to anyone with the reason. A new entry point without either
 * fails this test, whoever forgets.
 */

const GUARDED_PAGE = /\b(requireOperator|requireTenant|requirePlatform)\(/;
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

const app = appEntryFiles();
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

  it('declares a fresh second factor on the actions that change others’ access', () => {
    const declaresStepUp = (file: string, name: string) => {
      const text = read(file);
      const at = text.indexOf(`export const ${name} = withAction(`);
      expect(at, `${file} ${name}`).toBeGreaterThan(-1);
      // The access object is withAction's first argument.
      const access = text.slice(at, text.indexOf('}', at) + 1);
      return /stepUp: true/.test(access);
    };
    const tenantActions = 'app/t/[tenantId]/actions.ts';
    for (const name of [
      'createOperatorAction',
      'changeOperatorRoleAction',
      'forcePasswordChangeAction',
      'resetOperatorPasswordAction',
      'resetMfaAction',
      'endOperatorSessionsAction',
      'endTenantSessionsAction',
      'setTenantStatusAction',
    ]) {
      expect(declaresStepUp(tenantActions, name), name).toBe(true);
    }
    expect(declaresStepUp('app/platform/sessions/actions.ts', 'endAllSessionsAction')).toBe(true);
  });

  it('names open only what exists and is really unguarded', () => {
    const byName = new Map(all.map((e) => [e.name, e.guarded]));
    for (const name of Object.keys(OPEN)) expect(byName.get(name), name).toBe(false);
  });
});
