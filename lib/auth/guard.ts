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
import { loadSession, type SessionEnd } from './load-session';
import { headers } from 'next/headers';
import { safeReturnPath } from '@/lib/http/return-path';
import { applySupportGrant } from '@/lib/support/apply-support-grant';
import { supportScopesOf } from '@/lib/support/list-support-grants';
import { hasPermission, isPlatformRole, isSupportScope, mayAct, type Permission } from '@/lib/kernel/permissions';
import type { OperatorAccess, PlatformAccess, SteppedUp, TenantAccess, TokenAccess } from '@/lib/kernel/access';
import { authenticateApiToken } from '@/lib/api/authenticate-api-token';
import { requireStepUp } from '@/lib/kernel/require-step-up';
import { ACCESS, type AccessRule, type Entry, type RuleOf } from './access-table';
import { PLATFORM_TENANT_ID, type ApiScope } from '@/db/schema';
import { noteCaller } from '@/lib/observability/request-store';
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
  const ended = endedSession();
  const caller = await loadSession(sid, await requestMeta(), (why) => (ended.why = why));
  if (caller && caller !== 'ip_denied') noteCaller({ tenantId: caller.tenantId, operatorId: caller.operatorId });
  return caller;
});

/** Why this request's session no longer counts, when it existed: for the sign-in page's notice. */
const endedSession = cache((): { why: SessionEnd | null } => ({ why: null }));

/** The sign-in page, saying why the session ended and where to return (this console's paths only). */
async function signInAgain(): Promise<string> {
  await authenticate();
  const params = new URLSearchParams();
  const { why } = endedSession();
  if (why) params.set('ended', why);
  const next = safeReturnPath((await headers()).get('x-mamori-path'));
  if (next && next !== '/') params.set('next', next);
  const query = params.toString();
  return query ? `/login?${query}` : '/login';
}

/** The password change the guard holds an operator on, returning to the page they asked for. */
async function changePasswordFirst(): Promise<string> {
  const next = safeReturnPath((await headers()).get('x-mamori-path'));
  return next && next !== '/' && !next.startsWith('/account/password')
    ? `/account/password?${new URLSearchParams({ next })}`
    : '/account/password';
}

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

interface GuardOptions {
  allowMustChangePassword?: boolean;
  allowMustEnrollMfa?: boolean;
}

/** Throws AppError('unauthenticated'|'forbidden'|...); route and action wrappers turn it into a response. */
function gate(ctx: OperatorContext | null | 'ip_denied', options: GuardOptions): OperatorContext {
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
async function authorizeTenant(
  ctx: OperatorContext,
  tenantId: string,
  permission: Permission,
): Promise<OperatorContext> {
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
async function authorizePlatform(ctx: OperatorContext, permission: Permission): Promise<OperatorContext> {
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

type Base<R> = R extends { who: 'tenant'; permission: infer P extends Permission }
  ? TenantAccess<P>
  : R extends { who: 'platform'; permission: infer P extends Permission }
    ? PlatformAccess<P>
    : R extends { who: 'operator' }
      ? OperatorAccess
      : never;
/** The access value an entry point's handler receives, as its row in the access table says. */
export type AccessOf<E extends Entry> =
  RuleOf<E> extends { stepUp: true } ? SteppedUp<Base<RuleOf<E>>> : Base<RuleOf<E>>;
/** Entries a person signs in for (not open, not API tokens). */
export type GuardedEntry = {
  [E in Entry]: RuleOf<E>['who'] extends 'operator' | 'tenant' | 'platform' ? E : never;
}[Entry];
export type TenantEntry = { [E in Entry]: RuleOf<E>['who'] extends 'tenant' ? E : never }[Entry];
/** A tenant entry names the tenant it acts on; the others take nothing more. */
type Where<E extends Entry> = E extends TenantEntry ? [where: { tenantId: string }] : [];

/**
 * The guard: checks the caller against the entry point's row in the access table (session, the
 * password and TOTP gates, tenant membership and permission or a support grant, a fresh second
 * factor) and makes the access value lib functions take. The only place such a value is made.
 */
export const authorize = async <E extends GuardedEntry>(entry: E, ...where: Where<E>): Promise<AccessOf<E>> =>
  checkAccess(await authenticate(), entry, ...where);

/** The guard's decision for a caller already looked up (null: signed out); exported for its tests. */
export async function checkAccess<E extends GuardedEntry>(
  caller: OperatorContext | null | 'ip_denied',
  entry: E,
  ...where: Where<E>
): Promise<AccessOf<E>> {
  const rule: AccessRule = ACCESS[entry];
  if (rule.who !== 'operator' && rule.who !== 'tenant' && rule.who !== 'platform') throw new AppError('not_found');
  const ctx = gate(
    caller,
    rule.who === 'operator'
      ? { allowMustChangePassword: rule.allowMustChangePassword, allowMustEnrollMfa: rule.allowMustEnrollMfa }
      : {},
  );
  let access: object;
  if (rule.who === 'tenant') {
    const { tenantId } = (where[0] ?? {}) as { tenantId?: unknown };
    if (typeof tenantId !== 'string') throw new AppError('not_found');
    const allowed = await authorizeTenant(ctx, tenantId, rule.permission);
    access = { ...allowed, granted: { tenantId, permission: rule.permission } };
  } else if (rule.who === 'platform') {
    access = { ...(await authorizePlatform(ctx, rule.permission)), granted: { permission: rule.permission } };
  } else {
    access = { ...ctx };
  }
  if (rule.stepUp) {
    requireStepUp(ctx);
    access = { ...access, steppedUp: true };
  }
  return access as AccessOf<E>;
}

/** Route entries for API clients: a bearer token with the row's scope, for its own tenant only. */
export type TokenEntry = { [E in Entry]: RuleOf<E>['who'] extends 'token' ? E : never }[Entry];
type ScopeOf<E extends TokenEntry> = RuleOf<E> extends { scope: infer S extends ApiScope } ? S : never;
export type TokenAccessOf<E extends TokenEntry> = TokenAccess<ScopeOf<E>>;

/**
 * The guard for API calls: the bearer token must be live, allowed from this address, hold the
 * entry's scope and belong to the tenant the path names (when it names one). Makes the token's
 * access value, the only place one is made.
 */
export async function authorizeToken<E extends TokenEntry>(
  entry: E,
  call: { bearer: string; ip: string; userAgent: string | null; request: string; tenantId?: string },
): Promise<TokenAccessOf<E>> {
  const rule: AccessRule = ACCESS[entry];
  if (rule.who !== 'token') throw new AppError('not_found');
  // A tenant's token acts on its own tenant only; a platform route's token must be the platform's,
  // and acts on the tenant its path names.
  const token = await authenticateApiToken(
    call.bearer,
    rule.scope,
    call.ip,
    call.userAgent,
    call.request,
    rule.platform ? PLATFORM_TENANT_ID : call.tenantId,
  );
  return {
    token: { id: token.tokenId, name: token.name },
    tenantId: token.tenantId,
    operatorId: null,
    loginId: `api-token:${token.name}`,
    sessionId: null,
    ip: token.ip,
    userAgent: token.userAgent,
    granted: { tenantId: (rule.platform && call.tenantId) || token.tenantId, scope: rule.scope },
  } as unknown as TokenAccessOf<E>;
}

/**
 * A further permission on the tenant a page already holds, for the parts of a page only some
 * viewers see (a button, a section). Null when the viewer lacks it; nothing is audited, since
 * nothing was asked for.
 */
export function alsoOn<P extends Permission>(access: TenantAccess, permission: P): TenantAccess<P> | null {
  const { tenantId } = access.granted;
  if (!mayAct(access, tenantId, permission)) return null;
  return { ...access, granted: { tenantId, permission } } as TenantAccess<P>;
}

/**
 * Which of these permissions the viewer could use on the access's tenant, by role or by an active
 * support grant: for links and buttons only. Following a link goes through the guard, which
 * records the grant's use.
 */
export async function linksOn<P extends Permission>(access: TenantAccess, permissions: readonly P[]): Promise<Set<P>> {
  const { tenantId } = access.granted;
  const byRole = permissions.filter((p) => mayAct(access, tenantId, p));
  const grantable = permissions.some((p) => !byRole.includes(p) && isSupportScope(access.role, p));
  const granted = grantable ? await supportScopesOf(access, tenantId) : [];
  return new Set(permissions.filter((p) => byRole.includes(p) || (granted as string[]).includes(p)));
}

/** A permission on the signed-in operator's own tenant (the home page's panels), or null. */
export function onOwnTenant<P extends Permission>(ctx: OperatorContext, permission: P): TenantAccess<P> | null {
  if (!hasPermission(ctx.role, permission)) return null;
  return { ...ctx, granted: { tenantId: ctx.tenantId, permission } } as TenantAccess<P>;
}

/** A platform-wide permission for platform staff, or null (a tenant page's platform-only parts). */
export function onPlatform<P extends Permission>(ctx: OperatorContext, permission: P): PlatformAccess<P> | null {
  if (!isPlatformRole(ctx.role) || !hasPermission(ctx.role, permission)) return null;
  return { ...ctx, granted: { permission } } as PlatformAccess<P>;
}

/** Which links the console's navigation offers this operator: the guard's answer, so the layout compares no roles. */
export function navigationOf(ctx: OperatorContext) {
  const may = (p: Permission) => hasPermission(ctx.role, p);
  return {
    platform: isPlatformRole(ctx.role),
    tenantsList: may('tenants.list'),
    operatorsRead: may('operators.read'),
    operatorsWrite: may('operators.write'),
    sessionsManage: may('sessions.manage'),
    securityWrite: may('security.write'),
    auditRead: may('audit.read'),
    ordersRead: may('orders.read'),
    membersRead: may('members.read'),
    ordersExport: may('orders.export'),
    paymentRead: may('payment_settings.read'),
  };
}

/** For pages: the same checks, answered with a redirect to login, the change page or a 404. */
async function forPage<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (e) {
    if (e instanceof AppError) {
      if (e.code === 'unauthenticated') redirect(await signInAgain());
      if (e.code === 'forbidden') redirect(await changePasswordFirst());
      if (e.code === 'ip_denied') forbidden();
      if (e.code === 'mfa_enrollment_required') redirect('/account/mfa');
      notFound();
    }
    throw e;
  }
}

/** A page's guard: `requireAccess('app/t/[tenantId]/page.tsx', { tenantId })`. */
export const requireAccess = <E extends GuardedEntry>(entry: E, ...where: Where<E>) =>
  forPage(() => authorize(entry, ...where));

/** For UI chrome (the header): the operator when there is a usable session, else null. */
export async function currentOperator(): Promise<OperatorContext | null> {
  const ctx = await authenticate();
  return ctx && ctx !== 'ip_denied' ? ctx : null;
}
