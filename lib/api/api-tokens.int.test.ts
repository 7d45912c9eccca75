import { and, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { auditEvents } from '@/db/schema';
import { advanceClock, resetClock } from '@/lib/clock';
import { saveIpAllowlist } from '@/lib/allowlists/manage-ip-allowlist';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { authenticateApiToken, createApiToken, revokeApiToken } from './api-tokens';
import { openApiDocument } from './openapi';
import { checkAccess } from '@/lib/auth/guard';

setupTestDatabase();
afterEach(() => resetClock());

const count = async (tenantId: string, action: string) =>
  (
    await withPlatformTx((tx) =>
      tx
        .select({ a: auditEvents.action })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, action))),
    )
  ).length;

describe('API tokens', () => {
  it('authenticates a fresh token for its tenant only, audits each use, and refuses revoked, expired and junk tokens', async () => {
    const tenantId = await createTenant(`tok${Date.now().toString(36)}`);
    const admin = contextFor(tenantId, crypto.randomUUID(), 'tenant_admin');
    const { token, id } = await createApiToken(tenantAccess(admin, tenantId, 'security.write'), {
      name: 'SIEM',
      days: 30,
    });
    expect(token).toMatch(/^mmr_/);
    expect(await authenticateApiToken(token, 'audit:read', '192.0.2.5', 'siem', 'test')).toMatchObject({
      tenantId,
      scope: 'audit:read',
    });
    expect(await count(tenantId, 'api_token.used')).toBe(1);
    expect(await count(tenantId, 'api_token.created')).toBe(1);
    await expect(authenticateApiToken('mmr_short', 'audit:read', '192.0.2.5', null, 'test')).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(
      authenticateApiToken(
        token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'),
        'audit:read',
        '192.0.2.5',
        null,
        'test',
      ),
    ).rejects.toMatchObject({ code: 'unauthenticated' });

    const other = await createApiToken(tenantAccess(admin, tenantId, 'security.write'), { name: 'old', days: 1 });
    advanceClock(2 * 86_400_000);
    await expect(authenticateApiToken(other.token, 'audit:read', '192.0.2.5', null, 'test')).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    resetClock();
    await revokeApiToken(tenantAccess(admin, tenantId, 'security.write'), id);
    await expect(authenticateApiToken(token, 'audit:read', '192.0.2.5', null, 'test')).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    // Another tenant cannot revoke it through its own tenant.
    const b = await createTenant(`tokb${Date.now().toString(36)}`);
    await expect(
      revokeApiToken(tenantAccess(contextFor(b, crypto.randomUUID(), 'tenant_admin'), b, 'security.write'), other.id),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it("applies the tenant's IP allowlist to tokens, and needs a step-up to create one", async () => {
    const tenantId = await createTenant(`tokip${Date.now().toString(36)}`);
    const admin = {
      ...contextFor(tenantId, crypto.randomUUID(), 'platform_admin'),
      tenantId: '00000000-0000-0000-0000-000000000000',
    };
    await saveIpAllowlist(tenantAccess(admin, tenantId, 'security.write'), null, {
      entries: '203.0.113.0/24',
      confirmHostBits: false,
      confirmAnyAddress: false,
    });
    const { token } = await createApiToken(
      tenantAccess(contextFor(tenantId, crypto.randomUUID(), 'tenant_admin'), tenantId, 'security.write'),
      {
        name: 'SIEM',
        days: 30,
      },
    );
    await expect(authenticateApiToken(token, 'audit:read', '198.51.100.1', null, 'test')).rejects.toMatchObject({
      code: 'ip_denied',
    });
    expect(await authenticateApiToken(token, 'audit:read', '203.0.113.9', null, 'test')).toMatchObject({ tenantId });
    const stale = { ...contextFor(tenantId, crypto.randomUUID(), 'tenant_admin'), mfaVerifiedAt: null };
    for (const action of ['createTokenAction', 'revokeTokenAction'] as const)
      await expect(
        checkAccess(stale, `app/t/[tenantId]/api-tokens/actions.ts ${action}`, { tenantId }),
      ).rejects.toMatchObject({ code: 'step_up_required' });
  });

  it('refuses a token on a route that needs a scope it does not have, audited as a denial', async () => {
    const tenantId = await createTenant(`toks${Date.now().toString(36)}`);
    const admin = contextFor(tenantId, crypto.randomUUID(), 'tenant_admin');
    const { token, id } = await createApiToken(tenantAccess(admin, tenantId, 'security.write'), {
      name: 'narrow',
      days: 30,
    });
    // A scope this version does not grant: as a token of a later version, or one changed in the database.
    await withPlatformTx((tx) =>
      tx.execute(sql`update api_tokens set scope = 'audit:write' where tenant_id = ${tenantId} and id = ${id}`),
    );
    await expect(
      authenticateApiToken(token, 'audit:read', '192.0.2.5', null, 'GET /api/v1/audit-events'),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(await count(tenantId, 'api_token.used')).toBe(0);
    expect(await count(tenantId, 'access.denied')).toBe(1);
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas', () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe('3.1.0');
    const params = doc.paths['/api/v1/audit-events'].get.parameters.map((p) => p.name);
    expect(params).toEqual(
      expect.arrayContaining(['from', 'to', 'actor', 'action', 'outcome', 'ip', 'target', 'session', 'before']),
    );
  });
});
