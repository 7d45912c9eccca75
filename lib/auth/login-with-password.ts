import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { PLATFORM_TENANT_ID, ipThrottles, operators, rotationTargets, sessions, tenants } from '@/db/schema';
import { withPlatformTx, withTenantTx, type Tx } from '@/db';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { env } from '@/lib/env';
import { verifyDummy, verifyPassword } from '@/lib/passwords/hash-password';
import { lockOverdueRotations } from '@/lib/passwords/rotation-targets';
import { enforceIpAllowlist } from '@/lib/net/enforce-ip-allowlist';
import { listRefs } from '@/lib/net/ip-allowlist-rules';
import { loginIdKey, normalizeLoginId } from '@/lib/tenancy/normalize-login-id';
import type { RequestMeta } from './request-context';
import { hashSessionToken, newSessionToken } from './session-token';
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
  | 'ip_denied';

export type LoginResult =
  | { ok: true; sessionToken: string; sessionId: string; operatorId: string; tenantId: string }
  | { ok: false; reason: LoginFailureReason };

async function countIpFailure(tx: Tx, ip: string, at: Date) {
  const windowStart = new Date(at.getTime() - IP_WINDOW_MS).toISOString();
  await tx.execute(sql`
    insert into ip_throttles (ip, failures, window_started_at, last_failed_at)
    values (${ip}, 1, ${at.toISOString()}, ${at.toISOString()})
    on conflict (ip) do update set
      failures = case when ip_throttles.window_started_at < ${windowStart} then 1 else ip_throttles.failures + 1 end,
      window_started_at = case when ip_throttles.window_started_at < ${windowStart} then excluded.window_started_at else ip_throttles.window_started_at end,
      last_failed_at = excluded.last_failed_at`);
}

/**
 * The password step of a login. Every outcome costs one argon2id verification (a dummy one for
 * unknown IDs) and returns the same failure to the caller, so neither the answer nor its timing
 * says whether the login ID exists, is locked or is throttled; the audit trail keeps the reason.
 */
export async function loginWithPassword(raw: unknown, meta: RequestMeta): Promise<LoginResult> {
  const parsed = loginInput.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'invalid_input' };
  const at = now();
  const typedId = normalizeLoginId(parsed.data.loginId);
  const { password } = parsed.data;

  const found = await withPlatformTx(async (tx) => {
    const [ipRow] = await tx
      .select({ failures: ipThrottles.failures, windowStartedAt: ipThrottles.windowStartedAt, lastFailedAt: ipThrottles.lastFailedAt })
      .from(ipThrottles)
      .where(eq(ipThrottles.ip, meta.ip));
    const key = loginIdKey(typedId);
    // No login ID can contain control characters (and PostgreSQL refuses NUL), so such input is
    // an unknown ID without a query; it still costs a dummy hash below.
    if (CONTROL.test(key)) return { ipThrottled: isIpThrottled(ipRow, at), op: undefined };
    const [op] = await tx
      .select({
        tenantId: operators.tenantId,
        id: operators.id,
        loginId: operators.loginId,
        passwordHash: operators.passwordHash,
        status: operators.status,
        failedLoginCount: operators.failedLoginCount,
        lastFailedLoginAt: operators.lastFailedLoginAt,
        lockedAt: operators.lockedAt,
        passwordChangedAt: operators.passwordChangedAt,
        tenantStatus: tenants.status,
        maxAgeDays: tenants.passwordMaxAgeDays,
        rotationOverdue: sql<boolean>`exists (select 1 from ${rotationTargets} rt where rt.tenant_id = ${operators.tenantId}
          and rt.operator_id = ${operators.id} and rt.status = 'pending' and rt.deadline <= ${at.toISOString()})`,
      })
      .from(operators)
      .innerJoin(tenants, eq(tenants.id, operators.tenantId))
      .where(eq(operators.loginIdKey, key));
    return { ipThrottled: isIpThrottled(ipRow, at), op };
  });

  // A throttled address is refused before any hashing: it says nothing about the account, and
  // it keeps a password-spraying client from spending our CPU.
  if (found.ipThrottled) {
    await withPlatformTx((tx) =>
      recordAudit(tx, {
        tenantId: PLATFORM_TENANT_ID,
        action: 'login.failed',
        outcome: 'failure',
        actor: { operatorId: null, loginId: typedId },
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { reason: 'throttled_ip' },
      }),
    );
    return { ok: false, reason: 'throttled_ip' };
  }

  const { op } = found;
  const passwordOk = op ? await verifyPassword(op.passwordHash, password) : await verifyDummy(password);

  let reason: LoginFailureReason | null = null;
  if (!op) reason = 'unknown_id';
  else if (op.lockedAt || op.rotationOverdue) reason = 'locked';
  else if (isAccountThrottled(op.failedLoginCount, op.lastFailedLoginAt, at)) reason = 'throttled';
  else if (!passwordOk) reason = 'bad_password';
  else if (op.status !== 'active') reason = 'disabled';
  else if (op.tenantStatus !== 'active') reason = 'tenant_suspended';

  if (reason || !op) {
    const tenantId = op?.tenantId ?? PLATFORM_TENANT_ID;
    await withTenantTx(tenantId, async (tx) => {
      let failures: number | undefined;
      // A rotation deadline that passed since the last sweep locks the account right now.
      if (op?.rotationOverdue && !op.lockedAt) await lockOverdueRotations(tx, { tenantId: op.tenantId, operatorId: op.id });
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
      if (reason === 'bad_password' || reason === 'unknown_id') await countIpFailure(tx, meta.ip, at);
      await recordAudit(tx, {
        tenantId,
        action: 'login.failed',
        outcome: 'failure',
        actor: { operatorId: op?.id ?? null, loginId: op?.loginId ?? typedId },
        target: op ? { type: 'operator', id: op.id } : null,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { reason, ...(failures !== undefined ? { consecutiveFailures: failures } : {}) },
      });
    });
    return { ok: false, reason: reason ?? 'unknown_id' };
  }

  // The allowlist is checked once the operator is identified by the right password, before any
  // session exists; only then may the answer say that the network is the problem.
  const ipDecision = await withTenantTx(op.tenantId, async (tx) => {
    const lists = await listRefs(tx, op.tenantId, op.id);
    const decision = await enforceIpAllowlist(tx, { tenantId: op.tenantId, operatorId: op.id, loginId: op.loginId, sessionId: null, ip: meta.ip, userAgent: meta.userAgent }, lists, 'login');
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
    }
    return decision;
  });
  if (!ipDecision.allowed) return { ok: false, reason: 'ip_denied' };

  // Calendar expiry only where a tenant switched it on (it is off by default, per NIST).
  const expired = op.maxAgeDays !== null && at.getTime() - op.passwordChangedAt.getTime() > op.maxAgeDays * 86_400_000;
  const sessionToken = newSessionToken();
  const { idle, absolute } = sessionLimits();
  const sessionId = await withTenantTx(op.tenantId, async (tx) => {
    await tx
      .update(operators)
      .set({
        failedLoginCount: 0,
        lastFailedLoginAt: null,
        previousLoginAt: sql`${operators.lastLoginAt}`,
        previousLoginIp: sql`${operators.lastLoginIp}`,
        lastLoginAt: at,
        lastLoginIp: meta.ip,
      })
      .where(and(eq(operators.tenantId, op.tenantId), eq(operators.id, op.id)));
    await tx.update(tenants).set({ lastActivityAt: at }).where(eq(tenants.id, op.tenantId));
    if (expired) {
      await tx.update(operators).set({ mustChangePassword: true }).where(and(eq(operators.tenantId, op.tenantId), eq(operators.id, op.id)));
      await recordAudit(tx, {
        tenantId: op.tenantId,
        action: 'password.expired',
        outcome: 'success',
        actor: { operatorId: op.id, loginId: op.loginId },
        target: { type: 'operator', id: op.id },
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { maxAgeDays: op.maxAgeDays, passwordChangedAt: op.passwordChangedAt.toISOString() },
      });
    }
    const [session] = await tx
      .insert(sessions)
      .values({
        tenantId: op.tenantId,
        operatorId: op.id,
        tokenHash: hashSessionToken(sessionToken),
        createdAt: at,
        lastSeenAt: at,
        expiresAt: new Date(at.getTime() + absolute),
        ip: meta.ip,
        userAgent: meta.userAgent,
      })
      .returning({ id: sessions.id });
    await recordAudit(tx, {
      tenantId: op.tenantId,
      action: 'login.succeeded',
      outcome: 'success',
      actor: { operatorId: op.id, loginId: op.loginId },
      target: { type: 'session', id: session.id },
      ip: meta.ip,
      userAgent: meta.userAgent,
      sessionId: session.id,
      details: { idleTimeoutMinutes: idle / 60_000, absoluteTimeoutHours: absolute / 3_600_000 },
    });
    return session.id;
  });
  return { ok: true, sessionToken, sessionId, operatorId: op.id, tenantId: op.tenantId };
}

export function sessionLimits() {
  const e = env();
  return { idle: e.MAMORI_SESSION_IDLE_MINUTES * 60_000, absolute: e.MAMORI_SESSION_ABSOLUTE_HOURS * 3_600_000 };
}
