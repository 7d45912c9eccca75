import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { auditEvents } from '@/db/schema';
import { advanceClock, resetClock } from '@/lib/clock';
import { saveIpAllowlist } from '@/lib/allowlists/save-ip-allowlist';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { authenticateApiToken } from './authenticate-api-token';
import { createApiToken } from './create-api-token';
import { revokeApiToken } from './revoke-api-token';
import { checkAccess } from '@/lib/auth/guard';

// Small, so the limit is reached in a test; every other test uses a token of its own a few times.
process.env.MAMORI_API_CALLS_PER_MINUTE = '3';
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
      scopes: 'audit:read',
    });
    expect(token).toMatch(/^mmr_/);
    expect(await authenticateApiToken(token, 'audit:read', '192.0.2.5', 'siem', 'test')).toMatchObject({
      tenantId,
      scopes: ['audit:read'],
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

    const other = await createApiToken(tenantAccess(admin, tenantId, 'security.write'), {
      name: 'old',
      days: 1,
      scopes: ['audit:read'],
    });
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
      { name: 'SIEM', days: 30, scopes: ['audit:read'] },
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
    const { token, scopes } = await createApiToken(tenantAccess(admin, tenantId, 'security.write'), {
      name: 'hr sync',
      days: 30,
      scopes: ['operators:write', 'operators:read', 'operators:read'],
    });
    expect(scopes).toEqual(['operators:read', 'operators:write']);
    expect(await authenticateApiToken(token, 'operators:write', '192.0.2.5', null, 'test')).toMatchObject({
      scopes: ['operators:read', 'operators:write'],
    });
    await expect(
      authenticateApiToken(token, 'audit:read', '192.0.2.5', null, 'GET /api/v1/audit-events'),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(await count(tenantId, 'api_token.used')).toBe(1);
    const [denied] = await withPlatformTx((tx) =>
      tx
        .select({ details: auditEvents.details })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, 'access.denied'))),
    );
    expect(denied.details).toEqual({
      permission: 'audit:read',
      reason: 'token_scope',
      request: 'GET /api/v1/audit-events',
    });
  });

  it("refuses a token outside its own networks, inside the tenant's allowlist or not", async () => {
    const tenantId = await createTenant(`tokn${Date.now().toString(36)}`);
    const admin = contextFor(tenantId, crypto.randomUUID(), 'tenant_admin');
    const { token, id } = await createApiToken(tenantAccess(admin, tenantId, 'security.write'), {
      name: 'office sync',
      days: 365,
      scopes: ['allowlist:write'],
      networks: '198.51.100.0/24 Tokyo office\n2001:db8:10::/48 Osaka VPN',
    });
    expect(await authenticateApiToken(token, 'allowlist:write', '198.51.100.7', null, 'test')).toMatchObject({
      tokenId: id,
    });
    expect(await authenticateApiToken(token, 'allowlist:write', '2001:db8:10::5', null, 'test')).toMatchObject({
      tokenId: id,
    });
    await expect(authenticateApiToken(token, 'allowlist:write', '192.0.2.5', null, 'test')).rejects.toMatchObject({
      code: 'ip_denied',
    });
    const [denied] = await withPlatformTx((tx) =>
      tx
        .select({ details: auditEvents.details, ip: auditEvents.ip })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, 'access.denied_ip'))),
    );
    expect(denied).toEqual({ details: { layer: 'token', at: 'api' }, ip: '192.0.2.5' });
  });

  it('answers 429 with the seconds to wait past the per-minute limit, audits the first refusal only, and counts again the next minute', async () => {
    const tenantId = await createTenant(`tokr${Date.now().toString(36)}`);
    const admin = contextFor(tenantId, crypto.randomUUID(), 'tenant_admin');
    const { token } = await createApiToken(tenantAccess(admin, tenantId, 'security.write'), {
      name: 'busy',
      days: 30,
      scopes: ['audit:read'],
    });
    // The start of a minute, so the calls below fall into one.
    advanceClock(60_000 - (Date.now() % 60_000) + 1_000);
    for (let i = 0; i < 3; i++) await authenticateApiToken(token, 'audit:read', '192.0.2.5', null, 'test');
    for (let i = 0; i < 2; i++)
      await expect(authenticateApiToken(token, 'audit:read', '192.0.2.5', null, 'test')).rejects.toMatchObject({
        code: 'too_many_requests',
        status: 429,
        retryAfterSeconds: expect.toSatisfy((s: number) => s > 50 && s <= 59),
      });
    expect(await count(tenantId, 'api_token.used')).toBe(3);
    expect(await count(tenantId, 'access.denied')).toBe(1);
    advanceClock(60_000);
    expect(await authenticateApiToken(token, 'audit:read', '192.0.2.5', null, 'test')).toMatchObject({ tenantId });
  });

  it('refuses bad input with the field at fault and creates nothing', async () => {
    const tenantId = await createTenant(`tokv${Date.now().toString(36)}`);
    const writer = tenantAccess(contextFor(tenantId, crypto.randomUUID(), 'tenant_admin'), tenantId, 'security.write');
    const attempts: [Record<string, unknown>, string, unknown][] = [
      [{ name: 'x', days: 366, scopes: ['audit:read'] }, 'days', [expect.any(String)]],
      [{ name: 'x', days: 30, scopes: [] }, 'scopes', [expect.any(String)]],
      [{ name: 'x', days: 30, scopes: ['orders:export'] }, 'scopes', [expect.any(String)]],
      [
        { name: 'x', days: 30, scopes: ['audit:read'], networks: '10.0.0.1/33' },
        'networks',
        ['entry:1:invalid_prefix:10.0.0.1/33'],
      ],
      [
        { name: 'x', days: 30, scopes: ['audit:read'], networks: '10.0.0.1/8' },
        'networks',
        ['host_bits:1:10.0.0.1/8:10.0.0.0/8'],
      ],
      [{ name: 'x', days: 30, scopes: ['audit:read'], networks: '0.0.0.0/0' }, 'networks', ['any_address:0.0.0.0/0']],
    ];
    for (const [input, field, reasons] of attempts) {
      const error = await createApiToken(writer, input as never).then(
        () => null,
        (e: { code?: string; fields?: Record<string, unknown> }) => e,
      );
      expect(error?.code, JSON.stringify(input)).toBe('bad_request');
      expect(Object.keys(error?.fields ?? {}), JSON.stringify(input)).toEqual([field]);
      expect(error?.fields?.[field], JSON.stringify(input)).toEqual(reasons);
    }
    expect(await count(tenantId, 'api_token.created')).toBe(0);
  });
});
