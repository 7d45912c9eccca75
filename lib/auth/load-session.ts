import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { operators, sessions, tenants, totpCredentials, type Role } from '@/db/schema';
import { isPlatformRole } from './permissions';
import { withPlatformTx } from '@/db';
import { now } from '@/lib/clock';
import { sessionLimits } from './create-session';
import { enforceIpAllowlist } from '@/lib/net/enforce-ip-allowlist';
import { listRefs } from '@/lib/net/ip-allowlist-rules';
import { hashSessionToken } from './session-token';

export interface OperatorContext {
  sessionId: string;
  operatorId: string;
  tenantId: string;
  loginId: string;
  displayName: string;
  role: Role;
  tenant: { id: string; code: string; name: string; kind: 'platform' | 'tenant' };
  mustChangePassword: boolean;
  /** TOTP is active for this operator. */
  totpEnrolled: boolean;
  /** Platform staff, or a tenant requiring TOTP past its grace period, without TOTP yet. */
  mustEnrollMfa: boolean;
  /** When a second factor was last verified on this session (for step-up). */
  mfaVerifiedAt: Date | null;
  previousLogin: { at: Date | null; ip: string | null };
  ip: string;
  userAgent: string | null;
}

// last_seen_at is written at most this often: idle timeouts are measured in minutes, and a write
// per request would double the cost of every page.
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Loads the server-side session behind a cookie token and everything the guard decides on, in one
 * query. Revocation, timeouts, a disabled operator and a suspended tenant all end it here, so they
 * take effect on the next request.
 */
export async function loadSession(
  token: string,
  meta: { ip: string; userAgent: string | null },
): Promise<OperatorContext | null | 'ip_denied'> {
  if (token.length < 20 || token.length > 100) return null;
  const at = now();
  const { idle } = sessionLimits();
  return withPlatformTx(async (tx) => {
    const [row] = await tx
      .select({
        sessionId: sessions.id,
        tenantId: sessions.tenantId,
        operatorId: sessions.operatorId,
        lastSeenAt: sessions.lastSeenAt,
        expiresAt: sessions.expiresAt,
        revokedAt: sessions.revokedAt,
        mfaVerifiedAt: sessions.mfaVerifiedAt,
        totpRequired: tenants.totpRequired,
        totpGraceUntil: tenants.totpGraceUntil,
        totpEnrolled: sql<boolean>`exists (select 1 from ${totpCredentials} tc where tc.tenant_id = ${sessions.tenantId}
          and tc.operator_id = ${sessions.operatorId} and tc.status = 'active')`,
        loginId: operators.loginId,
        displayName: operators.displayName,
        role: operators.role,
        status: operators.status,
        mustChangePassword: operators.mustChangePassword,
        previousLoginAt: operators.previousLoginAt,
        previousLoginIp: operators.previousLoginIp,
        tenantCode: tenants.code,
        tenantName: tenants.name,
        tenantKind: tenants.kind,
        tenantStatus: tenants.status,
      })
      .from(sessions)
      .innerJoin(operators, and(eq(operators.tenantId, sessions.tenantId), eq(operators.id, sessions.operatorId)))
      .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
      .where(eq(sessions.tokenHash, hashSessionToken(token)));
    if (!row) return null;
    if (row.revokedAt) return null;
    if (row.expiresAt.getTime() <= at.getTime()) return null;
    if (at.getTime() - row.lastSeenAt.getTime() > idle) return null;
    if (row.status !== 'active' || row.tenantStatus !== 'active') return null;
    // The IP allowlist holds on every request, not only at login.
    const lists = await listRefs(tx, row.tenantId, row.operatorId);
    const decision = await enforceIpAllowlist(
      tx,
      { tenantId: row.tenantId, operatorId: row.operatorId, loginId: row.loginId, sessionId: row.sessionId, ip: meta.ip, userAgent: meta.userAgent },
      lists,
      'request',
    );
    if (!decision.allowed) return 'ip_denied';
    if (at.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await tx
        .update(sessions)
        .set({ lastSeenAt: at })
        .where(and(eq(sessions.tenantId, row.tenantId), eq(sessions.id, row.sessionId)));
    }
    return {
      sessionId: row.sessionId,
      operatorId: row.operatorId,
      tenantId: row.tenantId,
      loginId: row.loginId,
      displayName: row.displayName,
      role: row.role,
      tenant: { id: row.tenantId, code: row.tenantCode, name: row.tenantName, kind: row.tenantKind },
      mustChangePassword: row.mustChangePassword,
      totpEnrolled: row.totpEnrolled,
      mustEnrollMfa:
        !row.totpEnrolled &&
        (isPlatformRole(row.role) || (row.totpRequired && (!row.totpGraceUntil || row.totpGraceUntil.getTime() <= at.getTime()))),
      mfaVerifiedAt: row.mfaVerifiedAt,
      previousLogin: { at: row.previousLoginAt, ip: row.previousLoginIp },
      ip: meta.ip,
      userAgent: meta.userAgent,
    };
  });
}
