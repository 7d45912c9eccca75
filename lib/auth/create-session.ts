import 'server-only';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '@/db';
import { loginChallenges, operators, rotationTargets, sessions, tenants } from '@/db/schema';
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
  await tx
    .update(operators)
    .set({
      failedLoginCount: 0,
      lastFailedLoginAt: null,
      previousLoginAt: sql`${operators.lastLoginAt}`,
      previousLoginIp: sql`${operators.lastLoginIp}`,
      lastLoginAt: at,
      lastLoginIp: op.ip,
      ...(expired ? { mustChangePassword: true } : {}),
    })
    .where(and(eq(operators.tenantId, op.tenantId), eq(operators.id, op.operatorId)));
  await tx.update(tenants).set({ lastActivityAt: at }).where(eq(tenants.id, op.tenantId));
  // Rotation progress tells "logged in since the campaign started" from this mark.
  await tx
    .update(rotationTargets)
    .set({ seenAt: at })
    .where(and(eq(rotationTargets.tenantId, op.tenantId), eq(rotationTargets.operatorId, op.operatorId), inArray(rotationTargets.status, ['pending', 'locked']), isNull(rotationTargets.seenAt)));
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
