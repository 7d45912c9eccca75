import 'server-only';
import { sql } from 'drizzle-orm';
import type { Tx } from '@/db';
import { loginChallenges, sessions } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { env } from '@/lib/env';
import { hashSessionToken, newSessionToken } from './session-token';

export function sessionLimits() {
  const e = env();
  return { idle: e.MAMORI_SESSION_IDLE_MINUTES * 60_000, absolute: e.MAMORI_SESSION_ABSOLUTE_HOURS * 3_600_000 };
}

interface Subject {
  tenantId: string;
  operatorId: string;
  loginId: string;
  ip: string;
  userAgent: string | null;
}

/**
 * The end of every successful login: counters reset, previous/last login moved, calendar expiry
 * applied where a tenant switched it on, a new session (new id, token stored hashed) and
 * `login.succeeded`, all in the caller's transaction.
 */
export async function createSession(
  tx: Tx,
  op: Subject & { maxAgeDays: number | null; passwordChangedAt: Date },
  at: Date,
  factor: { mfa: 'totp' | 'recovery_code' | null },
): Promise<{ sessionToken: string; sessionId: string }> {
  const { idle, absolute } = sessionLimits();
  const expired = op.maxAgeDays !== null && at.getTime() - op.passwordChangedAt.getTime() > op.maxAgeDays * 86_400_000;
  // One statement for the bookkeeping of a login: the operator's counters and login history,
  // the tenant's last activity, and "seen since the campaign started" on rotation targets.
  await tx.execute(sql`
    with op as (
      update operators set failed_login_count = 0, last_failed_login_at = null,
             previous_login_at = last_login_at, previous_login_ip = last_login_ip,
             last_login_at = ${at.toISOString()}, last_login_ip = ${op.ip},
             must_change_password = must_change_password or ${expired}
       where tenant_id = ${op.tenantId} and id = ${op.operatorId}
      returning tenant_id
    ), tenant as (
      update tenants set last_activity_at = ${at.toISOString()} where id = ${op.tenantId} returning id
    )
    update rotation_targets set seen_at = ${at.toISOString()}
     where tenant_id = ${op.tenantId} and operator_id = ${op.operatorId}
       and status in ('pending', 'locked') and seen_at is null
       and exists (select 1 from op) and exists (select 1 from tenant)`);
  const actor = { operatorId: op.operatorId, loginId: op.loginId };
  if (expired) {
    await recordAudit(tx, {
      tenantId: op.tenantId,
      action: 'password.expired',
      outcome: 'success',
      actor,
      target: { type: 'operator', id: op.operatorId },
      ip: op.ip,
      userAgent: op.userAgent,
      details: { maxAgeDays: op.maxAgeDays, passwordChangedAt: op.passwordChangedAt.toISOString() },
    });
  }
  const sessionToken = newSessionToken();
  const [session] = await tx
    .insert(sessions)
    .values({
      tenantId: op.tenantId,
      operatorId: op.operatorId,
      tokenHash: hashSessionToken(sessionToken),
      createdAt: at,
      lastSeenAt: at,
      expiresAt: new Date(at.getTime() + absolute),
      ip: op.ip,
      userAgent: op.userAgent,
      mfaVerifiedAt: factor.mfa ? at : null,
    })
    .returning({ id: sessions.id });
  await recordAudit(tx, {
    tenantId: op.tenantId,
    action: 'login.succeeded',
    outcome: 'success',
    actor,
    target: { type: 'session', id: session.id },
    ip: op.ip,
    userAgent: op.userAgent,
    sessionId: session.id,
    details: { idleTimeoutMinutes: idle / 60_000, absoluteTimeoutHours: absolute / 3_600_000, secondFactor: factor.mfa ?? 'none' },
  });
  return { sessionToken, sessionId: session.id };
}

export const CHALLENGE_TTL_MS = 5 * 60_000;

/** The server-side state between the password and the code: single-use, 5 minutes, its token in a cookie of this browser. */
export async function createLoginChallenge(tx: Tx, op: Subject, at: Date): Promise<string> {
  const token = newSessionToken();
  await tx.insert(loginChallenges).values({
    tenantId: op.tenantId,
    operatorId: op.operatorId,
    tokenHash: hashSessionToken(token),
    expiresAt: new Date(at.getTime() + CHALLENGE_TTL_MS),
    ip: op.ip,
    createdAt: at,
  });
  await recordAudit(tx, {
    tenantId: op.tenantId,
    action: 'login.password_verified',
    outcome: 'success',
    actor: { operatorId: op.operatorId, loginId: op.loginId },
    target: { type: 'operator', id: op.operatorId },
    ip: op.ip,
    userAgent: op.userAgent,
    details: { next: 'totp' },
  });
  return token;
}
