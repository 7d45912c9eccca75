import 'server-only';
import { sql } from 'drizzle-orm';
import type { Role } from '@/db/schema';
import { isPlatformRole } from '@/lib/kernel/permissions';
import { selectRows, withTenantTx } from '@/db';
import { now } from '@/lib/clock';
import { sessionLimits } from './create-session';
import { enforceIpAllowlist } from '@/lib/allowlists/enforce-ip-allowlist';
import { hasEntries, listRefOf } from '@/lib/allowlists/ip-allowlist-rules';
import { blockVersionsOf, findIpBlock } from '@/lib/allowlists/ip-block-rules';
import { recordIpBlockRefusal } from '@/lib/allowlists/record-ip-block-refusal';
import type { OperatorContext } from '@/lib/kernel/operator-context';
import { hashSessionToken } from '@/lib/crypto/session-token';

// last_seen_at is written at most this often: idle timeouts are measured in minutes, and a write
// per request would double the cost of every page.
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Loads the server-side session behind a cookie token and everything the guard decides on, in one
 * query. Revocation, timeouts, a disabled operator and a suspended tenant all end it here, so they
 * take effect on the next request.
 */
interface SessionRow {
  session_id: string;
  tenant_id: string;
  operator_id: string;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  mfa_verified_at: Date | null;
  login_id: string;
  display_name: string;
  role: Role;
  status: string;
  must_change_password: boolean;
  previous_login_at: Date | null;
  previous_login_ip: string | null;
  tenant_code: string;
  tenant_name: string;
  tenant_kind: 'platform' | 'tenant';
  tenant_status: string;
  totp_required: boolean;
  totp_grace_until: Date | null;
  totp_enrolled: boolean;
  tenant_list_id: string | null;
  tenant_list_version: number | string | null;
  tenant_list_mode: 'enforce' | 'monitor' | null;
  tenant_list_entries: number | null;
  operator_list_id: string | null;
  operator_list_version: number | string | null;
  operator_list_mode: 'enforce' | 'monitor' | null;
  operator_list_entries: number | null;
  tenant_block_version: number | string;
  platform_block_version: number | string;
}

const date = (v: Date | string | null) => (v === null ? null : v instanceof Date ? v : new Date(v));

/** Why a session that exists no longer lets its holder in: told on the sign-in page. */
export const SESSION_ENDS = ['revoked', 'expired', 'idle', 'suspended', 'disabled'] as const;
export type SessionEnd = (typeof SESSION_ENDS)[number];

/**
 * Loads the server-side session behind a cookie token and everything the guard decides on, in one
 * round trip (a narrow definer function that also touches last_seen_at). Revocation, timeouts, a
 * disabled operator and a suspended tenant all end it here, so they take effect on the next request.
 */
export async function loadSession(
  token: string,
  meta: { ip: string; userAgent: string | null },
  onEnded?: (why: SessionEnd) => void,
): Promise<OperatorContext | null | 'ip_denied'> {
  if (token.length < 20 || token.length > 100) return null;
  const at = now();
  const { idle } = sessionLimits();
  const [row] = await selectRows<SessionRow>(
    sql`select * from mamori_session_context(${hashSessionToken(token)}, ${at.toISOString()}::timestamptz,
      ${new Date(at.getTime() - idle).toISOString()}::timestamptz, ${new Date(at.getTime() - TOUCH_INTERVAL_MS).toISOString()}::timestamptz)`,
  );
  if (!row) return null;
  const ended = (why: SessionEnd) => {
    onEnded?.(why);
    return null;
  };
  // Suspending a company or disabling an operator also ends their sessions: the cause is told first.
  if (row.tenant_status !== 'active') return ended('suspended');
  if (row.status !== 'active') return ended('disabled');
  if (row.revoked_at) return ended('revoked');
  if (date(row.expires_at)!.getTime() <= at.getTime()) return ended('expired');
  if (at.getTime() - date(row.last_seen_at)!.getTime() > idle) return ended('idle');
  // A blocked address is refused before anything else, whatever the allowlists say.
  const block = await findIpBlock(
    meta.ip,
    row.tenant_id,
    blockVersionsOf(row.tenant_block_version, row.platform_block_version),
  );
  if (block) {
    await withTenantTx(row.tenant_id, (tx) =>
      recordIpBlockRefusal(
        tx,
        {
          tenantId: row.tenant_id,
          actor: { operatorId: row.operator_id, loginId: row.login_id },
          target: { type: 'operator', id: row.operator_id },
          ip: meta.ip,
          userAgent: meta.userAgent,
          sessionId: row.session_id,
        },
        block,
        'request',
      ),
    );
    return 'ip_denied';
  }
  // The IP allowlist holds on every request, not only at login (a transaction only when a list exists).
  const lists = {
    tenant: listRefOf(row.tenant_list_id, row.tenant_list_version, row.tenant_list_mode, row.tenant_list_entries),
    operator: listRefOf(
      row.operator_list_id,
      row.operator_list_version,
      row.operator_list_mode,
      row.operator_list_entries,
    ),
  };
  if (hasEntries(lists)) {
    const decision = await withTenantTx(row.tenant_id, (tx) =>
      enforceIpAllowlist(
        tx,
        {
          tenantId: row.tenant_id,
          operatorId: row.operator_id,
          loginId: row.login_id,
          sessionId: row.session_id,
          ip: meta.ip,
          userAgent: meta.userAgent,
        },
        lists,
        'request',
      ),
    );
    if (!decision.allowed) return 'ip_denied';
  }
  const graceUntil = date(row.totp_grace_until);
  const inGrace =
    !row.totp_enrolled &&
    !isPlatformRole(row.role) &&
    row.totp_required &&
    graceUntil !== null &&
    graceUntil.getTime() > at.getTime();
  return {
    sessionId: row.session_id,
    operatorId: row.operator_id,
    tenantId: row.tenant_id,
    loginId: row.login_id,
    displayName: row.display_name,
    role: row.role,
    tenant: { id: row.tenant_id, code: row.tenant_code, name: row.tenant_name, kind: row.tenant_kind },
    mustChangePassword: row.must_change_password,
    totpEnrolled: row.totp_enrolled,
    mustEnrollMfa:
      !row.totp_enrolled &&
      (isPlatformRole(row.role) || (row.totp_required && (!graceUntil || graceUntil.getTime() <= at.getTime()))),
    mfaEnrollBy: inGrace ? graceUntil : null,
    mfaVerifiedAt: date(row.mfa_verified_at),
    previousLogin: { at: date(row.previous_login_at), ip: row.previous_login_ip },
    ip: meta.ip,
    userAgent: meta.userAgent,
  };
}
