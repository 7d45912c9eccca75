import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
type Messages = { [key: string]: string | Messages };
const messages = (lang: string) =>
  JSON.parse(readFileSync(path.join(root, 'app', 'messages', `${lang}.json`), 'utf8')) as Messages;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

const has = (m: Messages, key: string) => {
  let node: string | Messages | undefined = m;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string';
};

/**
 * The literal keys each translator is called with, as `namespace.key`: a translator is bound by
 * `const t = useTranslations('ns')`, `await getTranslations('ns')` or a destructured
 * `Promise.all([getTranslations('ns'), ...])`, and a call belongs to the nearest binding before it.
 * Keys built at run time (template literals) are not seen here.
 */
function usedKeys(source: string): string[] {
  const bindings: { at: number; name: string; ns: string }[] = [];
  for (const m of source.matchAll(/const (\w+) = (?:await )?(?:use|get)Translations\('([\w.]+)'\)/g))
    bindings.push({ at: m.index, name: m[1], ns: m[2] });
  for (const m of source.matchAll(/const \[([^\]]+)\] = await Promise\.all\(\[([\s\S]*?)\]\)/g)) {
    const names = m[1].split(',').map((s) => s.trim());
    const parts = m[2].split(/,\s*(?![^()]*\))/).map((s) => s.trim());
    parts.forEach((part, i) => {
      const ns = /^(?:use|get)Translations\('([\w.]+)'\)/.exec(part)?.[1];
      if (ns && names[i]) bindings.push({ at: m.index, name: names[i], ns });
    });
  }
  const keys: string[] = [];
  for (const name of new Set(bindings.map((b) => b.name))) {
    for (const call of source.matchAll(new RegExp(`\\b${name}(?:\\.rich)?\\(\\s*'([\\w.-]+)'`, 'g'))) {
      const binding = bindings.filter((b) => b.name === name && b.at < call.index).at(-1);
      if (binding) keys.push(`${binding.ns}.${call[1]}`);
    }
  }
  return keys;
}

describe('message keys', () => {
  const used = files(path.join(root, 'app')).flatMap((file) =>
    usedKeys(readFileSync(file, 'utf8')).map((key) => ({ file: path.relative(root, file), key })),
  );

  it('finds the literal keys the console asks for', () => {
    expect(used.length).toBeGreaterThan(500);
  });

  for (const lang of ['en', 'ja']) {
    it(`has every one of them in ${lang}`, () => {
      const m = messages(lang);
      expect(used.filter((u) => !has(m, u.key))).toEqual([]);
    });
  }
});
