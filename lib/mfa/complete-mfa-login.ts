import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { withPlatformTx, withTenantTx } from '@/db';
import { loginChallenges, operators, tenants } from '@/db/schema';
import { raiseAlert, raiseAlertOnce } from '@/lib/alerts/raise-alert';
import { recordAudit } from '@/lib/audit/record-audit';
import { createSession } from '@/lib/auth/create-session';
import type { RequestMeta } from '@/lib/auth/request-context';
import { hashSessionToken } from '@/lib/crypto/session-token';
import { MAX_ACCOUNT_FAILURES } from '@/lib/auth/throttle';
import { now } from '@/lib/clock';
import { verifySecondFactor } from './verify-second-factor';

/** Far fewer tries for a 6-digit code than for a password. */
export const MAX_CODE_ATTEMPTS = 10;
/** Wrong codes in one login after which the password is taken to be known to someone else. */
export const WRONG_CODES_ALERT = 3;

export type MfaLoginResult =
  | { ok: true; sessionToken: string; sessionId: string; factor: 'totp' | 'recovery_code' }
  | { ok: false; reason: 'no_challenge' | 'bad_code' | 'too_many_attempts' };

/**
 * The second login step: the challenge from this browser's cookie (single-use, 5 minutes) and a
 * TOTP or recovery code. Failures count toward the account's throttling and are audited.
 */
export async function completeMfaLogin(
  challengeToken: string,
  code: string,
  meta: RequestMeta,
): Promise<MfaLoginResult> {
  if (challengeToken.length < 20 || challengeToken.length > 100 || code.length > 64)
    return { ok: false, reason: 'no_challenge' };
  const at = now();
  const found = await withPlatformTx(async (tx) => {
    const [row] = await tx
      .select({ tenantId: loginChallenges.tenantId, id: loginChallenges.id, operatorId: loginChallenges.operatorId })
      .from(loginChallenges)
      .where(eq(loginChallenges.tokenHash, hashSessionToken(challengeToken)));
    return row;
  });
  if (!found) return { ok: false, reason: 'no_challenge' };
  return withTenantTx(found.tenantId, async (tx): Promise<MfaLoginResult> => {
    // Locking the challenge row serialises attempts on it; used_at makes it single-use.
    const [c] = await tx
      .select({
        expiresAt: loginChallenges.expiresAt,
        usedAt: loginChallenges.usedAt,
        attempts: loginChallenges.attempts,
        loginId: operators.loginId,
        status: operators.status,
        lockedAt: operators.lockedAt,
        tenantStatus: tenants.status,
        maxAgeDays: tenants.passwordMaxAgeDays,
        passwordChangedAt: operators.passwordChangedAt,
      })
      .from(loginChallenges)
      .innerJoin(
        operators,
        and(eq(operators.tenantId, loginChallenges.tenantId), eq(operators.id, loginChallenges.operatorId)),
      )
      .innerJoin(tenants, eq(tenants.id, loginChallenges.tenantId))
      .where(and(eq(loginChallenges.tenantId, found.tenantId), eq(loginChallenges.id, found.id)))
      .for('update', { of: loginChallenges });
    if (
      !c ||
      c.usedAt ||
      c.expiresAt.getTime() <= at.getTime() ||
      c.status !== 'active' ||
      c.tenantStatus !== 'active' ||
      c.lockedAt
    ) {
      return { ok: false, reason: 'no_challenge' };
    }
    if (c.attempts >= MAX_CODE_ATTEMPTS) return { ok: false, reason: 'too_many_attempts' };
    const subject = {
      tenantId: found.tenantId,
      operatorId: found.operatorId,
      loginId: c.loginId,
      ip: meta.ip,
      userAgent: meta.userAgent,
    };
    const factor = await verifySecondFactor(tx, found.tenantId, found.operatorId, code);
    if (!factor) {
      await tx
        .update(loginChallenges)
        .set({ attempts: sql`${loginChallenges.attempts} + 1` })
        .where(and(eq(loginChallenges.tenantId, found.tenantId), eq(loginChallenges.id, found.id)));
      await tx
        .update(operators)
        .set({
          failedLoginCount: sql`${operators.failedLoginCount} + 1`,
          lastFailedLoginAt: at,
          lockedAt: sql`case when ${operators.failedLoginCount} + 1 >= ${MAX_ACCOUNT_FAILURES} then ${at.toISOString()}::timestamptz else null end`,
        })
        .where(and(eq(operators.tenantId, found.tenantId), eq(operators.id, found.operatorId)));
      await recordAudit(tx, {
        tenantId: found.tenantId,
        action: 'login.mfa_failed',
        outcome: 'failure',
        actor: { operatorId: found.operatorId, loginId: c.loginId },
        target: { type: 'operator', id: found.operatorId },
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { attempt: c.attempts + 1, of: MAX_CODE_ATTEMPTS },
      });
      // Wrong codes after the right password: someone has the password but not the phone.
      if (c.attempts + 1 === WRONG_CODES_ALERT)
        await raiseAlertOnce(tx, {
          tenantId: found.tenantId,
          rule: 'password_then_wrong_codes',
          operator: { operatorId: found.operatorId, loginId: c.loginId },
          details: { ip: meta.ip, wrongCodes: WRONG_CODES_ALERT },
        });
      return { ok: false, reason: c.attempts + 1 >= MAX_CODE_ATTEMPTS ? 'too_many_attempts' : 'bad_code' };
    }
    await tx
      .update(loginChallenges)
      .set({ usedAt: at })
      .where(and(eq(loginChallenges.tenantId, found.tenantId), eq(loginChallenges.id, found.id)));
    if (factor === 'recovery_code') {
      await recordAudit(tx, {
        tenantId: found.tenantId,
        action: 'login.recovery_code_used',
        outcome: 'success',
        actor: { operatorId: found.operatorId, loginId: c.loginId },
        target: { type: 'operator', id: found.operatorId },
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { alert: true },
      });
      // A recovery code means the authenticator was not at hand: worth a look by an admin.
      await raiseAlert(tx, {
        tenantId: found.tenantId,
        rule: 'recovery_code_login',
        operator: { operatorId: found.operatorId, loginId: c.loginId },
        details: { ip: meta.ip },
      });
    }
    const session = await createSession(
      tx,
      { ...subject, maxAgeDays: c.maxAgeDays, passwordChangedAt: c.passwordChangedAt },
      at,
      { mfa: factor },
    );
    return { ok: true, ...session, factor };
  });
}
