import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_RULES } from '@/db/schema';
import { KNOWN_PASSWORD_RULES } from './contain-known-password';

const root = path.resolve(import.meta.dirname, '../..');

type Alerts = { rules: Record<string, string>; details: Record<string, string> };

// Read afresh rather than imported: the test sees the files as the app will load them.
const alertMessages = (lang: string) =>
  (JSON.parse(readFileSync(path.join(root, 'app', 'messages', `${lang}.json`), 'utf8')) as { alerts: Alerts }).alerts;

describe.each(['en', 'ja'])('alert labels in %s', (lang) => {
  const messages = alertMessages(lang);

  it('name every rule a dashboard can show, and no rule that does not exist', () => {
    expect(ALERT_RULES.filter((rule) => !messages.rules[rule]?.trim())).toEqual([]);
    expect(Object.keys(messages.rules).sort()).toEqual([...ALERT_RULES].sort());
  });

  it('say in words what each known-password alert saw', () => {
    expect(Object.keys(messages.details).sort()).toEqual([...KNOWN_PASSWORD_RULES].sort());
    for (const rule of KNOWN_PASSWORD_RULES) expect(messages.details[rule]).toContain('{ip}');
  });
});
