import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Entry points open to anyone, each with why; every other one must go through the guard. */
export const OPEN_ENTRY_POINTS: Record<string, string> = {
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

/** Pages, route handlers and server-action files under app/, as paths from the repository root. */
export function appEntryFiles(dir = 'app'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return appEntryFiles(full);
    return /\/(page\.tsx|route\.ts|actions\.ts)$/.test(full) ? [full] : [];
  });
}
