import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, auditEvents, type ApiScope } from '@/db/schema';
import { createApiToken } from '@/lib/api/create-api-token';
import { contextFor, tenantAccess } from './context';
import { createOperator, createTenant } from './fixtures';

/** A company with an admin and an operator, and a way to mint its admin's API tokens. */
export async function apiCompany(code: string) {
  const tenantId = await createTenant(code);
  const adminId = await createOperator(tenantId, `${code}.admin`, 'correct horse battery 1', 'tenant_admin');
  const staffId = await createOperator(tenantId, `${code}.staff`, 'correct horse battery 2');
  const admin = tenantAccess(
    contextFor(tenantId, adminId, 'tenant_admin', `${code}.admin`),
    tenantId,
    'security.write',
  );
  const token = async (scopes: ApiScope[], extra: { networks?: string; days?: number; name?: string } = {}) =>
    (
      await createApiToken(admin, {
        name: extra.name ?? `sync-${scopes.join('+')}`,
        days: extra.days ?? 30,
        scopes,
        networks: extra.networks,
      })
    ).token;
  return { code, tenantId, adminId, staffId, admin, token };
}

/** An RFC 9457 problem answer as the API writes it. */
export const problem = (error: string, status: number, fields?: Record<string, string[]>) => ({
  type: `urn:mamori:problem:${error}`,
  title: expect.any(String),
  status,
  error,
  ...(fields ? { fields } : {}),
});

/** A tenant's audit events of one action: who, and the details. */
export const eventsOf = (tenantId: string, action: string) =>
  withPlatformTx((tx) =>
    tx
      .select({
        actor: auditEvents.actorLoginId,
        operatorId: auditEvents.actorOperatorId,
        sessionId: auditEvents.sessionId,
        details: auditEvents.details,
      })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, action)))
      .orderBy(auditEvents.seq),
  );

/** A fresh key for each intended change. */
export const idempotencyKey = () => ({ 'Idempotency-Key': crypto.randomUUID() });

/** Platform staff's access on the platform's own tenant, where the platform's API tokens are made. */
export const platformTokenAdmin = () =>
  tenantAccess(
    contextFor(PLATFORM_TENANT_ID, crypto.randomUUID(), 'platform_admin', 'staff'),
    PLATFORM_TENANT_ID,
    'security.write',
  );
