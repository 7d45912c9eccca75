import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ACCESS, type AccessRule } from '../auth/access-table';

/** Entry points open to anyone, each with why (the access table's `anyone` rows). */
export const OPEN_ENTRY_POINTS: Record<string, string> = Object.fromEntries(
  Object.entries(ACCESS as Record<string, AccessRule>).flatMap(([entry, rule]) =>
    rule.who === 'anyone' ? [[entry, rule.why]] : [],
  ),
);

/** Pages, route handlers and server-action files under app/ (or files matching `pattern`), from the repository root. */
export function appEntryFiles(dir = 'app', pattern = /\/(page\.tsx|route\.ts|actions\.ts)$/): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : appEntryFiles(full, pattern);
    return pattern.test(full) ? [full] : [];
  });
}
