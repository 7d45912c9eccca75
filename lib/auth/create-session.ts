import 'server-only';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { selectRows, type Tx } from '@/db';
import { loginChallenges } from '@/db/schema';
import { auditFieldsOf, recordAudit } from '@/lib/audit/record-audit';
import { env } from '@/lib/env';
import { hashSessionToken, newSessionToken } from '@/lib/crypto/session-token';

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

type SessionSubject = Subject & { maxAgeDays: number | null; passwordChangedAt: Date };

/** Whether the tenant's calendar expiry (off unless a tenant set it) has passed for this password. */
export function passwordExpired(op: Pick<SessionSubject, 'maxAgeDays' | 'passwordChangedAt'>, at: Date): boolean {
  return op.maxAgeDays !== null && at.getTime() - op.passwordChangedAt.getTime() > op.maxAgeDays * 86_400_000;
}

/**
 * The end of every successful login: counters reset, previous/last login moved, calendar expiry
 * applied where a tenant switched it on (and `password.expired` recorded), a new session (new id,
 * token stored hashed) and `login.succeeded`, all in the caller's transaction.
 */
export async function createSession(
  tx: Tx,
  op: SessionSubject,
  at: Date,
  factor: { mfa: 'totp' | 'recovery_code' | null },
) {
  const expired = passwordExpired(op, at);
  if (expired) {
    await recordAudit(tx, {
      tenantId: op.tenantId,
      action: 'password.expired',
      outcome: 'success',
      actor: { operatorId: op.operatorId, loginId: op.loginId },
      target: { type: 'operator', id: op.operatorId },
      ip: op.ip,
      userAgent: op.userAgent,
      details: { maxAgeDays: op.maxAgeDays, passwordChangedAt: op.passwordChangedAt.toISOString() },
    });
  }
  return startSession(tx, op, at, factor, expired);
}

/**
 * The session and its bookkeeping in one database call (a login is the hottest write path; see
 * mamori_start_session). `tx` is the caller's transaction, or null when this call is all a login
 * has left to do: one statement is atomic on its own, and runs as one round trip (see selectRows).
 */
export async function startSession(
  tx: Tx | null,
  op: Subject,
  at: Date,
  factor: { mfa: 'totp' | 'recovery_code' | null },
  expired: boolean,
): Promise<{ sessionToken: string; sessionId: string }> {
  const { idle, absolute } = sessionLimits();
  const sessionToken = newSessionToken();
  const sessionId = randomUUID();
  const event = auditFieldsOf({
    tenantId: op.tenantId,
    action: 'login.succeeded',
    outcome: 'success',
    actor: { operatorId: op.operatorId, loginId: op.loginId },
    userAgent: op.userAgent,
    details: {
      idleTimeoutMinutes: idle / 60_000,
      absoluteTimeoutHours: absolute / 3_600_000,
      secondFactor: factor.mfa ?? 'none',
    },
  });
  const call = sql`select mamori_start_session(${op.tenantId}, ${op.operatorId}, ${sessionId}, ${hashSessionToken(sessionToken)},
    ${at.toISOString()}::timestamptz, ${new Date(at.getTime() + absolute).toISOString()}::timestamptz, ${op.ip}, ${op.userAgent},
    ${factor.mfa ? at.toISOString() : null}::timestamptz, ${expired}, ${event.actorLoginId}, ${event.userAgent}, ${event.details}::jsonb)`;
  await (tx ? tx.execute(call) : selectRows(call));
  return { sessionToken, sessionId };
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
