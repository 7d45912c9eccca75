import type { Role } from '@/db/schema';
import type { OperatorContext } from '@/lib/kernel/operator-context';
import type { OperatorAccess, PlatformAccess, SteppedUp, TenantAccess } from '@/lib/kernel/access';
import type { Permission } from '@/lib/kernel/permissions';

/** An operator context as the guard would build it, for calling lib functions directly. */
export function contextFor(
  tenantId: string,
  operatorId: string,
  role: Role,
  loginId = 'tester',
  sessionId = crypto.randomUUID(),
): OperatorContext {
  return {
    sessionId,
    operatorId,
    tenantId,
    loginId,
    displayName: loginId,
    role,
    tenant: { id: tenantId, code: 'test', name: 'test', kind: 'tenant' },
    mustChangePassword: false,
    // A freshly stepped-up session, as sensitive operations require.
    totpEnrolled: true,
    mustEnrollMfa: false,
    mfaEnrollBy: null,
    mfaVerifiedAt: new Date(),
    previousLogin: { at: null, ip: null },
    ip: '192.0.2.99',
    userAgent: 'vitest',
  };
}

/** loadSession for tests that expect a session or none (an IP refusal fails the test). */
export async function sessionCtx(
  token: string,
  meta: { ip: string; userAgent: string | null },
): Promise<OperatorContext | null> {
  const { loadSession } = await import('@/lib/auth/load-session');
  const result = await loadSession(token, meta);
  if (result === 'ip_denied') throw new Error('unexpected IP refusal');
  return result;
}

/**
 * Access values as the guard makes them, for calling lib functions directly: stepped up, since
 * the guard's own refusals are tested on the guard (lib/auth/guard.int.test.ts).
 */
export const tenantAccess = <P extends Permission>(ctx: OperatorContext, tenantId: string, permission: P) =>
  ({ ...ctx, granted: { tenantId, permission }, steppedUp: true }) as unknown as SteppedUp<TenantAccess<P>>;

export const platformAccess = <P extends Permission>(ctx: OperatorContext, permission: P) =>
  ({ ...ctx, granted: { permission }, steppedUp: true }) as unknown as SteppedUp<PlatformAccess<P>>;

export const ownAccess = (ctx: OperatorContext) =>
  ({ ...ctx, steppedUp: true }) as unknown as SteppedUp<OperatorAccess>;
