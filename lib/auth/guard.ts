import 'server-only';
import { cache } from 'react';
import { forbidden, notFound, redirect } from 'next/navigation';
import { z } from 'zod';
import { withTenantTx } from '@/db';
import { recordAudit } from '@/lib/audit/record-audit';
import { AppError } from '@/lib/http/app-error';
import { cookies } from 'next/headers';
import { decode } from 'next-auth/jwt';
import { env } from '@/lib/env';
import { sessionCookieName } from './auth';
import type { OperatorContext } from '@/lib/kernel/operator-context';
import { loadSession } from './load-session';
import { applySupportGrant } from '@/lib/support/apply-support-grant';
import { hasPermission, isPlatformRole, isSupportScope, type Permission } from '@/lib/kernel/permissions';
import { requestMeta } from './request-context';

export type { OperatorContext };

/** The current operator, null, or a refusal by IP allowlist; reloaded from the database once per request. */
export const authenticate = cache(async (): Promise<OperatorContext | null | 'ip_denied'> => {
  // The cookie Auth.js wrote is decrypted here directly: the guard needs only the opaque token,
  // and Auth.js's own auth() would re-encrypt and re-send the cookie on every request.
  const name = sessionCookieName();
  const value = (await cookies()).get(name)?.value;
  if (!value || value.length > 4096) return null;
  const sid = await sessionTokenOf(value, name);
  if (!sid) return null;
  return loadSession(sid, await requestMeta());
});

// Decrypting the cookie (key derivation + JWE) costs more than the session lookup, and a browser
// sends the same cookie on every request: remember the result per exact cookie value. Whether the
// session is still valid is decided by the database on every request regardless.
const decrypted = new Map<string, { sid: string; exp: number }>();

async function sessionTokenOf(cookie: string, name: string): Promise<string | null> {
  const nowS = Date.now() / 1000;
  const hit = decrypted.get(cookie);
  if (hit) return hit.exp > nowS ? hit.sid : null;
  let payload: { sid?: unknown; exp?: unknown } | null;
  try {
    payload = await decode({ token: cookie, secret: env().authSecret, salt: name });
  } catch {
    // A junk or foreign cookie is simply no session.
    return null;
  }
  if (typeof payload?.sid !== 'string' || typeof payload.exp !== 'number') return null;
  if (decrypted.size >= 10_000) decrypted.clear();
  decrypted.set(cookie, { sid: payload.sid, exp: payload.exp });
  return payload.exp > nowS ? payload.sid : null;
}

export interface GuardOptions {
  /** The change-password page is the one place an operator with a temporary password may use. */
  allowMustChangePassword?: boolean;
  /** The TOTP enrollment page is the one place an operator who must enroll may use. */
  allowMustEnrollMfa?: boolean;
}

/** Throws AppError('unauthenticated'|'forbidden'); route and action wrappers turn it into a response. */
export async function authorizeOperator(options: GuardOptions = {}): Promise<OperatorContext> {
  const ctx = await authenticate();
  if (ctx === 'ip_denied') throw new AppError('ip_denied');
  if (!ctx) throw new AppError('unauthenticated');
  if (ctx.mustChangePassword && !options.allowMustChangePassword) throw new AppError('forbidden');
  if (ctx.mustEnrollMfa && !options.allowMustEnrollMfa) throw new AppError('mfa_enrollment_required');
  return ctx;
}

const tenantIdSchema = z.uuid();

/**
 * Membership and permission for one tenant. Platform staff pass by role; a tenant's operators
 * only in their own tenant. Refusals look exactly like a missing tenant (404) and are audited.
 */
export async function authorizeTenant(tenantId: string, permission: Permission): Promise<OperatorContext> {
  const ctx = await authorizeOperator();
  const validId = tenantIdSchema.safeParse(tenantId).success;
  const member = validId && (isPlatformRole(ctx.role) || ctx.tenantId === tenantId);
  if (member && hasPermission(ctx.role, permission)) return ctx;
  // A tenant's customer data reaches platform support only through that tenant's grant, and
  // each such request is recorded in the tenant's own chain.
  const support =
    member && isSupportScope(ctx.role, permission) ? await applySupportGrant(ctx, tenantId, permission) : null;
  if (support) return { ...ctx, support };
  await auditDenial(
    ctx,
    permission,
    tenantId,
    !member ? 'not_member' : isSupportScope(ctx.role, permission) ? 'no_support_grant' : 'permission',
  );
  throw new AppError('not_found');
}

/** Platform-wide actions (the tenants list, platform settings). */
export async function authorizePlatform(permission: Permission): Promise<OperatorContext> {
  const ctx = await authorizeOperator();
  if (isPlatformRole(ctx.role) && hasPermission(ctx.role, permission)) return ctx;
  await auditDenial(ctx, permission, null, 'not_platform');
  throw new AppError('not_found');
}

async function auditDenial(ctx: OperatorContext, permission: Permission, tenantId: string | null, reason: string) {
  await withTenantTx(ctx.tenantId, (tx) =>
    recordAudit(tx, {
      tenantId: ctx.tenantId,
      action: 'access.denied',
      outcome: 'denied',
      actor: { operatorId: ctx.operatorId, loginId: ctx.loginId },
      target: tenantId ? { type: 'tenant', id: tenantId } : null,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      sessionId: ctx.sessionId,
      details: { permission, reason },
    }),
  );
}

/** For pages: the same checks, answered with a redirect to login, the change page or a 404. */
async function forPage<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (e) {
    if (e instanceof AppError) {
      if (e.code === 'unauthenticated') redirect('/login');
      if (e.code === 'forbidden') redirect('/account/password');
      if (e.code === 'ip_denied') forbidden();
      if (e.code === 'mfa_enrollment_required') redirect('/account/mfa');
      notFound();
    }
    throw e;
  }
}

export const requireOperator = (options?: GuardOptions) => forPage(() => authorizeOperator(options));
export const requireTenant = (tenantId: string, permission: Permission) =>
  forPage(() => authorizeTenant(tenantId, permission));
export const requirePlatform = (permission: Permission) => forPage(() => authorizePlatform(permission));

/** For UI chrome (the header): the operator when there is a usable session, else null. */
export async function currentOperator(): Promise<OperatorContext | null> {
  const ctx = await authenticate();
  return ctx && ctx !== 'ip_denied' ? ctx : null;
}
