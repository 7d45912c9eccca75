import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from './audit-actions';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.ts$/.test(name) && !full.includes(`${path.sep}testing${path.sep}`)
      ? [full]
      : [];
  });
}

/** Event names the code writes: the string literals of every `action:` expression. */
function writtenEvents(): Set<string> {
  const names = new Set<string>();
  for (const file of [...sourceFiles(path.join(root, 'lib')), ...sourceFiles(path.join(root, 'app'))]) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\baction:\s*([^,\n]+(?:\?[^:\n]+:[^,\n]+)?)/g)) {
      for (const literal of match[1].matchAll(/'([a-z_]+(?:\.[a-z_]+)?)'/g)) {
        if (literal[1].includes('.') || literal[1] === 'logout') names.add(literal[1]);
      }
    }
  }
  // And those the database's own functions write (retention's audit.pruned).
  const migrations = path.join(root, 'db', 'migrations');
  for (const file of readdirSync(migrations).filter((f) => f.endsWith('.sql'))) {
    for (const match of readFileSync(path.join(migrations, file), 'utf8').matchAll(
      /mamori_append_audit\([^;]*?'([a-z_]+\.[a-z_]+)'/g,
    ))
      names.add(match[1]);
  }
  return names;
}

/** Event names the catalogue lists (the backticked names in its table rows, "a / b" rows too). */
function cataloguedEvents(): Set<string> {
  const doc = readFileSync(path.join(root, 'docs', 'audit-events.md'), 'utf8');
  const names = new Set<string>();
  for (const line of doc.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const first = line.split('|')[1];
    for (const m of first.matchAll(/`([a-z_.]+)`/g)) names.add(m[1]);
  }
  return names;
}

describe('audit event catalogue', () => {
  it('lists exactly the events the code writes', () => {
    const written = writtenEvents();
    const catalogued = cataloguedEvents();
    expect(written.size).toBeGreaterThan(40);
    expect(
      [...written].filter((n) => !catalogued.has(n)),
      'written but not in docs/audit-events.md',
    ).toEqual([]);
    expect(
      [...catalogued].filter((n) => !written.has(n)),
      'in docs/audit-events.md but never written',
    ).toEqual([]);
  });

  it('is the list that filters accept, in the same order', () => {
    expect([...AUDIT_ACTIONS]).toEqual([...cataloguedEvents()]);
  });
});
