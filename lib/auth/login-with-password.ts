import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { PLATFORM_TENANT_ID, ipThrottles, operators, rotationTargets, tenants, totpCredentials } from '@/db/schema';
import { withPlatformTx, withTenantTx, type Tx } from '@/db';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { verifyDummy, verifyPassword } from '@/lib/passwords/hash-password';
import { lockOverdueRotations } from '@/lib/passwords/rotation-targets';
import { enforceIpAllowlist } from '@/lib/net/enforce-ip-allowlist';
import { listRefs } from '@/lib/net/ip-allowlist-rules';
import { loginIdKey, normalizeLoginId } from '@/lib/tenancy/normalize-login-id';
import type { RequestMeta } from './request-context';
import { createLoginChallenge, createSession, sessionLimits } from './create-session';
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
  | { ok: false; reason: 'mfa_required'; challengeToken: string }
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
        totpActive: sql<boolean>`exists (select 1 from ${totpCredentials} tc where tc.tenant_id = ${operators.tenantId}
          and tc.operator_id = ${operators.id} and tc.status = 'active')`,
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

  // One transaction for the rest: the allowlist (checked once the right password identified the
  // operator, before any session exists; only then may the answer name the network), then either
  // a second-factor challenge or the session itself.
  return withTenantTx(op.tenantId, async (tx): Promise<LoginResult> => {
    const subject = { tenantId: op.tenantId, operatorId: op.id, loginId: op.loginId, ip: meta.ip, userAgent: meta.userAgent };
    const decision = await enforceIpAllowlist(tx, { ...subject, sessionId: null }, await listRefs(tx, op.tenantId, op.id), 'login');
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
      return { ok: false, reason: 'ip_denied' };
    }
    if (op.totpActive) {
      const challengeToken = await createLoginChallenge(tx, subject, at);
      return { ok: false, reason: 'mfa_required', challengeToken };
    }
    const session = await createSession(tx, { ...subject, maxAgeDays: op.maxAgeDays, passwordChangedAt: op.passwordChangedAt }, at, { mfa: null });
    return { ok: true, ...session, operatorId: op.id, tenantId: op.tenantId };
  });
}

export { sessionLimits };
