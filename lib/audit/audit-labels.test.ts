import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from './audit-actions';
import { EVENT_FIELDS, FILTER_GROUPS, LABELLED_DETAIL_KEYS } from './audit-labels';

const root = path.resolve(import.meta.dirname, '../..');
const LANGUAGES = ['en', 'ja'] as const;

type Messages = { [key: string]: string | Messages };

// Read afresh rather than imported: the test sees the files as the app will load them.
const auditMessages = (lang: string) =>
  (JSON.parse(readFileSync(path.join(root, 'app', 'messages', `${lang}.json`), 'utf8')) as Messages).audit as Messages;

/** Dotted key paths of every string, as next-intl resolves them (a dot in a key is nesting). */
function keyPaths(messages: Messages, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keyPaths(value, `${prefix}${key}.`),
  );
}

function label(messages: Messages, key: string): string | undefined {
  const found = key
    .split('.')
    .reduce<string | Messages | undefined>(
      (node, part) => (node && typeof node === 'object' && Object.hasOwn(node, part) ? node[part] : undefined),
      messages,
    );
  return typeof found === 'string' && found.trim() !== '' ? found : undefined;
}

describe.each(LANGUAGES)('audit labels in %s', (lang) => {
  const messages = auditMessages(lang);

  it('name every action, and no action that does not exist', () => {
    expect(AUDIT_ACTIONS.filter((a) => !label(messages, `actionLabels.${a}`))).toEqual([]);
    expect(keyPaths(messages.actionLabels as Messages).sort()).toEqual([...AUDIT_ACTIONS].sort());
  });

  it('name every group the action filter offers', () => {
    expect(FILTER_GROUPS.length).toBeGreaterThan(10);
    expect(FILTER_GROUPS.filter((g) => !label(messages, `groupLabels.${g}`))).toEqual([]);
    expect(Object.keys(messages.groupLabels).sort()).toEqual([...FILTER_GROUPS].sort());
  });

  it("name an event's own fields and the detail keys the code writes", () => {
    expect(EVENT_FIELDS.filter((f) => !label(messages, `eventFields.${f}`))).toEqual([]);
    expect(LABELLED_DETAIL_KEYS.filter((k) => !label(messages, `detailFields.${k}`))).toEqual([]);
    expect(Object.keys(messages.detailFields).sort()).toEqual([...LABELLED_DETAIL_KEYS].sort());
  });

  it('have every key the audit page asks for by name', () => {
    const dir = path.join(root, 'app', 't', '[tenantId]', 'audit');
    const asked = ['page.tsx', 'audit-event-detail.tsx', 'verify-form.tsx'].flatMap((file) =>
      [...readFileSync(path.join(dir, file), 'utf8').matchAll(/\bt\('([^']+)'/g)].map((m) => m[1]),
    );
    expect(asked.length).toBeGreaterThan(20);
    expect(asked.filter((key) => !label(messages, key))).toEqual([]);
  });
});

it('the audit messages have the same keys in every language', () => {
  const [first, ...others] = LANGUAGES.map((lang) => keyPaths(auditMessages(lang)).sort());
  for (const keys of others) expect(keys).toEqual(first);
});
