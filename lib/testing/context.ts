import type { Role } from '@/db/schema';
import type { OperatorContext } from '@/lib/auth/load-session';

/** An operator context as the guard would build it, for calling lib functions directly. */
export function contextFor(tenantId: string, operatorId: string, role: Role, loginId = 'tester', sessionId = crypto.randomUUID()): OperatorContext {
  return {
    sessionId,
    operatorId,
    tenantId,
    loginId,
    displayName: loginId,
    role,
    tenant: { id: tenantId, code: 'test', name: 'test', kind: 'tenant' },
    mustChangePassword: false,
    previousLogin: { at: null, ip: null },
    ip: '192.0.2.99',
    userAgent: 'vitest',
  };
}
