import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseCidrList } from './ip/ip';

const schema = z.object({
  DATABASE_URL: z.string().optional(),
  MAMORI_DATA_DIR: z.string().default('.data'),
  MAMORI_TRUSTED_PROXIES: z.string().default(''),
  MAMORI_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  MAMORI_SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  MAMORI_DEMO: z.enum(['0', '1']).default('1'),
  // With the demo data: also play the notice's incident on it once (see npm run demo:incident).
  MAMORI_DEMO_INCIDENT: z.enum(['0', '1']).default('0'),
  // How long a verified second factor counts as fresh for sensitive actions (step-up).
  // Prometheus metrics on a port of their own, loopback by default; 0 turns them off. With a
  // token, a scrape must send it as a bearer token.
  MAMORI_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  MAMORI_METRICS_HOST: z.string().default('127.0.0.1'),
  MAMORI_METRICS_TOKEN: z.string().min(16).optional(),
  MAMORI_STEP_UP_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  AUTH_SECRET: z.string().min(32).optional(),
  AUTH_URL: z.url().optional(),
  // "kid:base64key[,kid:base64key…]", current key first; older keys still decrypt.
  MAMORI_ENCRYPTION_KEY: z.string().optional(),
  // In production, secrets must come from the environment (no generated development keys).
  MAMORI_ENV: z.enum(['development', 'production']).default('development'),
  // Every failed login answers no sooner than this after it began, so its timing cannot tell an
  // existing login ID from an unknown one (the work on both paths is the same as well).
  MAMORI_LOGIN_FAILURE_FLOOR_MS: z.coerce.number().int().min(0).max(5000).default(300),
  // Calls an API token may make per minute (every instance together); more answer 429.
  MAMORI_API_CALLS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
});

export type Env = z.infer<typeof schema> & {
  trustedProxies: ReturnType<typeof parseCidrList>;
  secureCookies: boolean;
  authSecret: string;
};

let cached: Env | undefined;

/** A secret from the environment, or one generated once into the data directory (development). */
export function devSecret(
  dataDir: string,
  file: string,
  label: string,
  make = () => randomBytes(32).toString('base64url'),
): string {
  const full = path.join(dataDir, file);
  if (existsSync(full)) return readFileSync(full, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = make();
  writeFileSync(full, secret, { mode: 0o600 });
  console.warn(`[mamori] ${label} is not set; generated one into ${full}. Set it in production.`);
  return secret;
}

function missing(name: string): never {
  throw new Error(`${name} must be set when MAMORI_ENV=production`);
}

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${fields}`);
  }
  const e = parsed.data;
  cached = {
    ...e,
    trustedProxies: parseCidrList(e.MAMORI_TRUSTED_PROXIES),
    secureCookies: e.AUTH_URL?.startsWith('https://') ?? false,
    authSecret:
      e.AUTH_SECRET ??
      (e.MAMORI_ENV === 'production'
        ? missing('AUTH_SECRET')
        : devSecret(e.MAMORI_DATA_DIR, 'auth-secret', 'AUTH_SECRET')),
  };
  return cached;
}
