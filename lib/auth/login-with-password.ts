import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { PLATFORM_TENANT_ID, operators } from '@/db/schema';
import { rowsOf, selectRows, withPlatformTx, withTenantTx, type Tx } from '@/db';
import { raiseAlert, raiseAlertOnce } from '@/lib/alerts/raise-alert';
import { safeText } from '@/lib/audit/canonical';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { env } from '@/lib/env';
import { keyedHash } from '@/lib/crypto/keyring';
import { verifyDummy, verifyPassword } from '@/lib/passwords/hash-password';
import { lockOverdueRotations } from '@/lib/passwords/rotation-targets';
import { enforceIpAllowlist } from '@/lib/allowlists/enforce-ip-allowlist';
import { hasEntries, listRefOf } from '@/lib/allowlists/ip-allowlist-rules';
import { blockVersionsOf, findIpBlock } from '@/lib/allowlists/ip-block-rules';
import { recordIpBlockRefusal } from '@/lib/allowlists/record-ip-block-refusal';
import { loginIdKey, normalizeLoginId } from '@/lib/tenancy/normalize-login-id';
import type { RequestMeta } from './request-context';
import { createLoginChallenge, createSession, passwordExpired, sessionLimits, startSession } from './create-session';
import { IP_WINDOW_MS, MAX_ACCOUNT_FAILURES, isAccountThrottled, isIpThrottled } from './throttle';

export const loginInput = z.object({
  loginId: z.string().min(1).max(256),
  password: z.string().min(1).max(4096),
});

const CONTROL = /[\u0000-\u001f\u007f]/;

export type LoginFailureReason =
  | 'invalid_input'
  | 'unknown_id'
  | 'bad_password'
  | 'locked'
  | 'disabled'
  | 'tenant_suspended'
  | 'throttled'
  | 'throttled_ip'
  | 'ip_denied'
  | 'ip_blocked';

export type LoginResult =
  | { ok: true; sessionToken: string; sessionId: string; operatorId: string; tenantId: string }
  | { ok: false; reason: 'mfa_required'; challengeToken: string }
  | { ok: false; reason: LoginFailureReason };

interface LookupRow {
  ip_failures: number | null;
  ip_window_started_at: Date | string | null;
  ip_last_failed_at: Date | string | null;
  tenant_id: string | null;
  operator_id: string | null;
  login_id: string | null;
  password_hash: string | null;
  status: 'active' | 'disabled' | null;
  failed_login_count: number | null;
  last_failed_login_at: Date | string | null;
  locked_at: Date | string | null;
  password_changed_at: Date | string | null;
  tenant_status: string | null;
  password_max_age_days: number | null;
  totp_active: boolean | null;
  rotation_overdue: boolean | null;
  tenant_list_id: string | null;
  tenant_list_version: number | string | null;
  tenant_list_mode: 'enforce' | 'monitor' | null;
  tenant_list_entries: number | null;
  operator_list_id: string | null;
  operator_list_version: number | string | null;
  operator_list_mode: 'enforce' | 'monitor' | null;
  operator_list_entries: number | null;
  id_failures: number | null;
  id_last_failed_at: Date | string | null;
  tenant_block_version: number | string | null;
  platform_block_version: number | string | null;
}

const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/**
 * Everything a login decides on before hashing, in one round trip (a narrow definer function):
 * the address's throttle row, the operator named by the login ID key, if any, and the failures
 * counted for that ID were it unknown (`idKey`, its keyed hash).
 */
async function lookupLogin(key: string | null, ip: string, at: Date, idKey: string): Promise<LookupRow> {
  const [row] = await selectRows<LookupRow>(
    sql`select * from mamori_login_lookup(${key}, ${ip}, ${at.toISOString()}::timestamptz, ${idKey})`,
  );
  return row;
}

/** Where an unknown login ID's failures are counted: a keyed hash, so no typed text is kept. */
const unknownIdKey = (key: string) => keyedHash('login-id', key);

/** How long a failure still waits for the floor, `elapsedMs` after its login began. */
export const failureWaitMs = (elapsedMs: number, floorMs: number) => Math.max(0, floorMs - elapsedMs);

/** Resolves once at least the failure floor has passed since `startedMs` (performance.now()). */
async function holdFailure(startedMs: number): Promise<void> {
  const wait = failureWaitMs(performance.now() - startedMs, env().MAMORI_LOGIN_FAILURE_FLOOR_MS);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** Failed logins that raise an alert: more than this many within ALERT_WINDOW_MS. */
export const ALERT_ACCOUNT_FAILURES = 20;
export const ALERT_IP_FAILURES = 100;
export const ALERT_WINDOW_MS = 10 * 60_000;

/**
 * Counts a failed attempt from an address: toward its throttle (`counts`: a wrong password or an
 * unknown ID) and always toward its 10-minute burst. Returns the burst so far.
 */
async function countIpFailure(tx: Tx, ip: string, at: Date, counts: boolean): Promise<number> {
  const windowStart = new Date(at.getTime() - IP_WINDOW_MS).toISOString();
  const burstStart = new Date(at.getTime() - ALERT_WINDOW_MS).toISOString();
  const [row] = rowsOf<{ burst: number }>(
    await tx.execute(sql`
      insert into ip_throttles (ip, failures, window_started_at, last_failed_at, burst_started_at, burst_failures)
      values (${ip}, ${counts ? 1 : 0}, ${at.toISOString()}, ${at.toISOString()}, ${at.toISOString()}, 1)
      on conflict (ip) do update set
        failures = case when not ${counts} then ip_throttles.failures when ip_throttles.window_started_at < ${windowStart} then 1 else ip_throttles.failures + 1 end,
        window_started_at = case when ${counts} and ip_throttles.window_started_at < ${windowStart} then excluded.window_started_at else ip_throttles.window_started_at end,
        last_failed_at = case when ${counts} then excluded.last_failed_at else ip_throttles.last_failed_at end,
        burst_failures = case when ip_throttles.burst_started_at is null or ip_throttles.burst_started_at < ${burstStart} then 1 else ip_throttles.burst_failures + 1 end,
        burst_started_at = case when ip_throttles.burst_started_at is null or ip_throttles.burst_started_at < ${burstStart} then excluded.burst_started_at else ip_throttles.burst_started_at end
      returning burst_failures as burst`),
  );
  return row.burst;
}

/** The platform's alert for an address whose failures just passed the threshold (once per burst). */
async function alertOnIpBurst(ip: string, burst: number) {
  if (burst !== ALERT_IP_FAILURES + 1) return;
  await withPlatformTx((tx) =>
    raiseAlert(tx, {
      tenantId: PLATFORM_TENANT_ID,
      rule: 'failed_logins_ip',
      details: { ip, failures: burst, windowMinutes: ALERT_WINDOW_MS / 60_000 },
    }),
  );
}

/**
 * The password step of a login. Every outcome costs one argon2id verification (a dummy one for
 * unknown IDs) and returns the same failure to the caller, so neither the answer nor its timing
 * says whether the login ID exists, is locked or is throttled; the audit trail keeps the reason.
 * A failure also does the same database work whether the ID exists or not (an unknown ID's
 * failures are counted and throttled like an operator's), and answers no sooner than the floor.
 */
export async function loginWithPassword(raw: unknown, meta: RequestMeta): Promise<LoginResult> {
  const started = performance.now();
  const result = await passwordStep(raw, meta);
  if (!result.ok && result.reason !== 'mfa_required') await holdFailure(started);
  return result;
}

async function passwordStep(raw: unknown, meta: RequestMeta): Promise<LoginResult> {
  const parsed = loginInput.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'invalid_input' };
  const at = now();
  const typedId = normalizeLoginId(parsed.data.loginId);
  const { password } = parsed.data;

  const key = loginIdKey(typedId);
  // No login ID can contain control characters (and PostgreSQL refuses NUL), so such input is an
  // unknown ID without looking; it still costs a dummy hash below.
  const idKey = unknownIdKey(key);
  const row = await lookupLogin(CONTROL.test(key) ? null : key, meta.ip, at, idKey);
  const ipRow = row.ip_window_started_at
    ? {
        failures: row.ip_failures ?? 0,
        windowStartedAt: date(row.ip_window_started_at),
        lastFailedAt: date(row.ip_last_failed_at!),
      }
    : undefined;
  const op = row.operator_id
    ? {
        tenantId: row.tenant_id!,
        id: row.operator_id,
        loginId: row.login_id!,
        passwordHash: row.password_hash!,
        status: row.status!,
        failedLoginCount: row.failed_login_count!,
        lastFailedLoginAt: row.last_failed_login_at ? date(row.last_failed_login_at) : null,
        lockedAt: row.locked_at ? date(row.locked_at) : null,
        passwordChangedAt: date(row.password_changed_at!),
        tenantStatus: row.tenant_status!,
        maxAgeDays: row.password_max_age_days,
        totpActive: row.totp_active === true,
        rotationOverdue: row.rotation_overdue === true,
        lists: {
          tenant: listRefOf(row.tenant_list_id, row.tenant_list_version, row.tenant_list_mode, row.tenant_list_entries),
          operator: listRefOf(
            row.operator_list_id,
            row.operator_list_version,
            row.operator_list_mode,
            row.operator_list_entries,
          ),
        },
        blocks: blockVersionsOf(row.tenant_block_version, row.platform_block_version),
      }
    : undefined;
  const found = { ipThrottled: isIpThrottled(ipRow, at) };

  // A throttled address is refused before any hashing: it says nothing about the account, and
  // it keeps a password-spraying client from spending our CPU.
  if (found.ipThrottled) {
    const burst = await withPlatformTx(async (tx) => {
      await recordAudit(tx, {
        tenantId: PLATFORM_TENANT_ID,
        action: 'login.failed',
        outcome: 'failure',
        actor: { operatorId: null, loginId: typedId },
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { reason: 'throttled_ip' },
      });
      return countIpFailure(tx, meta.ip, at, false);
    });
    await alertOnIpBurst(meta.ip, burst);
    return { ok: false, reason: 'throttled_ip' };
  }

  const passwordOk = op ? await verifyPassword(op.passwordHash, password) : await verifyDummy(password);

  let reason: LoginFailureReason | null = null;
  if (!op) {
    // The same rules as an operator's failures below, on the unknown ID's own count.
    const failures = row.id_failures ?? 0;
    const lastFailedAt = row.id_last_failed_at ? date(row.id_last_failed_at) : null;
    reason =
      failures >= MAX_ACCOUNT_FAILURES
        ? 'locked'
        : isAccountThrottled(failures, lastFailedAt, at)
          ? 'throttled'
          : 'unknown_id';
  } else if (op.lockedAt || op.rotationOverdue) reason = 'locked';
  else if (isAccountThrottled(op.failedLoginCount, op.lastFailedLoginAt, at)) reason = 'throttled';
  else if (!passwordOk) reason = 'bad_password';
  else if (op.status !== 'active') reason = 'disabled';
  else if (op.tenantStatus !== 'active') reason = 'tenant_suspended';

  if (reason || !op) {
    const tenantId = op?.tenantId ?? PLATFORM_TENANT_ID;
    const burst = await withTenantTx(tenantId, async (tx) => {
      let failures: number | undefined;
      // A rotation deadline that passed since the last sweep locks the account right now.
      if (op?.rotationOverdue && !op.lockedAt)
        await lockOverdueRotations(tx, { tenantId: op.tenantId, operatorId: op.id });
      if (!op && reason === 'unknown_id') {
        const [counted] = rowsOf<{ failures: number }>(
          await tx.execute(sql`
            insert into login_id_throttles (key_hash, failures, last_failed_at) values (${idKey}, 1, ${at.toISOString()})
            on conflict (key_hash) do update set failures = login_id_throttles.failures + 1, last_failed_at = excluded.last_failed_at
            returning failures`),
        );
        failures = counted.failures;
      }
      if (op && reason === 'bad_password') {
        const [row] = await tx
          .update(operators)
          .set({
            failedLoginCount: sql`${operators.failedLoginCount} + 1`,
            lastFailedLoginAt: at,
            lockedAt: sql`case when ${operators.failedLoginCount} + 1 >= ${MAX_ACCOUNT_FAILURES} then ${at.toISOString()}::timestamptz else null end`,
          })
          .where(and(eq(operators.tenantId, op.tenantId), eq(operators.id, op.id)))
          .returning({ failures: operators.failedLoginCount });
        failures = row?.failures;
      }
      const ipBurst = await countIpFailure(tx, meta.ip, at, reason === 'bad_password' || reason === 'unknown_id');
      const actorLoginId = op?.loginId ?? typedId;
      await recordAudit(
        tx,
        {
          tenantId,
          action: 'login.failed',
          outcome: 'failure',
          actor: { operatorId: op?.id ?? null, loginId: actorLoginId },
          target: op ? { type: 'operator', id: op.id } : null,
          ip: meta.ip,
          userAgent: meta.userAgent,
          details: { reason, ...(failures !== undefined ? { consecutiveFailures: failures } : {}) },
        },
        { waitForChain: true },
      );
      // Counted after this attempt's event, which queued for the chain and is chained in this
      // transaction: concurrent attempts see each other, so exactly one passes the threshold. An
      // unknown ID is counted by its login ID in the platform's chain, which also shows guessing.
      const since = new Date(at.getTime() - ALERT_WINDOW_MS).toISOString();
      const [recent] = rowsOf<{ n: number }>(
        await tx.execute(
          op
            ? sql`select count(*)::int as n from audit_events where tenant_id = ${op.tenantId} and actor_operator_id = ${op.id} and action = 'login.failed' and occurred_at >= ${since}`
            : sql`select count(*)::int as n from audit_events where tenant_id = ${tenantId} and actor_login_id = ${safeText(actorLoginId)} and action = 'login.failed' and occurred_at >= ${since}`,
        ),
      );
      if (recent.n === ALERT_ACCOUNT_FAILURES + 1) {
        await raiseAlert(tx, {
          tenantId,
          rule: 'failed_logins_account',
          operator: { operatorId: op?.id ?? null, loginId: actorLoginId },
          details: { failures: recent.n, windowMinutes: ALERT_WINDOW_MS / 60_000, ...(op ? {} : { unknownId: true }) },
        });
      }
      return ipBurst;
    });
    await alertOnIpBurst(meta.ip, burst);
    return { ok: false, reason: reason ?? 'unknown_id' };
  }

  const subject = {
    tenantId: op.tenantId,
    operatorId: op.id,
    loginId: op.loginId,
    ip: meta.ip,
    userAgent: meta.userAgent,
  };
  const account = { ...subject, maxAgeDays: op.maxAgeDays, passwordChangedAt: op.passwordChangedAt };
  // A blocked address is answered like a wrong password: whoever is there must not learn that the
  // password worked, only the trail and the alert say so.
  const block = await findIpBlock(meta.ip, op.tenantId, op.blocks);
  if (block) {
    await withTenantTx(op.tenantId, async (tx) => {
      const event = {
        tenantId: op.tenantId,
        actor: { operatorId: op.id, loginId: op.loginId },
        target: { type: 'operator', id: op.id },
        ip: meta.ip,
        userAgent: meta.userAgent,
      };
      await recordIpBlockRefusal(tx, event, block, 'login');
      await recordAudit(tx, {
        ...event,
        action: 'login.failed',
        outcome: 'failure',
        details: { reason: 'ip_blocked', layer: 'block', scope: block.scope },
      });
      await raiseAlertOnce(tx, {
        tenantId: op.tenantId,
        rule: 'password_from_refused_ip',
        operator: { operatorId: op.id, loginId: op.loginId },
        details: { ip: meta.ip, layer: 'block' },
      });
    });
    return { ok: false, reason: 'ip_blocked' };
  }
  // The common case has nothing left to decide: one call creates the session (one round trip).
  if (!hasEntries(op.lists) && !op.totpActive && !passwordExpired(account, at)) {
    const session = await startSession(null, subject, at, { mfa: null }, false);
    return { ok: true, ...session, operatorId: op.id, tenantId: op.tenantId };
  }

  // Otherwise one transaction: the allowlist (checked once the right password identified the
  // operator, before any session exists; only then may the answer name the network), then either
  // a second-factor challenge or the session itself.
  return withTenantTx(op.tenantId, async (tx): Promise<LoginResult> => {
    const decision = hasEntries(op.lists)
      ? await enforceIpAllowlist(tx, { ...subject, sessionId: null }, op.lists, 'login')
      : { allowed: true as const };
    if (!decision.allowed) {
      await recordAudit(tx, {
        tenantId: op.tenantId,
        action: 'login.failed',
        outcome: 'failure',
        actor: { operatorId: op.id, loginId: op.loginId },
        target: { type: 'operator', id: op.id },
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { reason: 'ip_denied', layer: decision.deniedBy },
      });
      // The password was right: whoever is at this address knows it.
      await raiseAlertOnce(tx, {
        tenantId: op.tenantId,
        rule: 'password_from_refused_ip',
        operator: { operatorId: op.id, loginId: op.loginId },
        details: { ip: meta.ip, layer: decision.deniedBy },
      });
      return { ok: false, reason: 'ip_denied' };
    }
    if (op.totpActive) {
      const challengeToken = await createLoginChallenge(tx, subject, at);
      return { ok: false, reason: 'mfa_required', challengeToken };
    }
    const session = await createSession(tx, account, at, { mfa: null });
    return { ok: true, ...session, operatorId: op.id, tenantId: op.tenantId };
  });
}

export { sessionLimits };
