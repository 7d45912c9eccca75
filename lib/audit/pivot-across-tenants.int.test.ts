import { describe, expect, it } from 'vitest';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { contextFor, platformAccess } from '@/lib/testing/context';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { countAuditAcrossTenants } from './count-audit-across-tenants';
import { recordCrossTenantView } from './record-cross-tenant-view';
import { searchAuditAcrossTenants } from './search-audit-across-tenants';
import { searchAuditEvents } from './search-audit-events';

setupTestDatabase();

const PW = 'a long enough password';
const SHARED = '198.51.100.99';

describe('a pivot across tenants', () => {
  it('finds what one address did in every tenant, newest first, counted per tenant and action', async () => {
    const stamp = Date.now().toString(36);
    const ids: Record<string, string> = {};
    for (const code of ['pa', 'pb', 'pc']) {
      ids[code] = await createTenant(`${code}${stamp}`);
      await createOperator(ids[code], `${code}${stamp}.op`, PW);
    }
    const login = (code: string, ip: string, password = PW) =>
      loginWithPassword({ loginId: `${code}${stamp}.op`, password }, { ip, userAgent: 'vitest' });
    await login('pa', SHARED);
    await login('pb', SHARED, 'a wrong password');
    await login('pb', SHARED);
    await login('pc', '203.0.113.5');
    const staff = platformAccess(contextFor(PLATFORM_TENANT_ID, ids.pa, 'platform_auditor', 'staff'), 'audit.read');

    const rows = await searchAuditAcrossTenants(staff, { ip: SHARED });
    expect(rows.map((r) => [r.tenantCode, r.action, r.outcome])).toEqual([
      [`pb${stamp}`, 'login.succeeded', 'success'],
      [`pb${stamp}`, 'login.failed', 'failure'],
      [`pa${stamp}`, 'login.succeeded', 'success'],
    ]);
    expect(rows.every((r, i) => i === 0 || rows[i - 1].occurredAt >= r.occurredAt)).toBe(true);

    const counts = await countAuditAcrossTenants(staff, { ip: SHARED });
    expect(counts.tenants.map((t) => [t.code, t.total, t.actions])).toEqual([
      [`pa${stamp}`, 1, [{ action: 'login.succeeded', count: 1 }]],
      [
        `pb${stamp}`,
        2,
        [
          { action: 'login.failed', count: 1 },
          { action: 'login.succeeded', count: 1 },
        ],
      ],
    ]);
    expect(counts.total).toBe(3);
    expect(counts.actions).toEqual([
      { action: 'login.succeeded', count: 2 },
      { action: 'login.failed', count: 1 },
    ]);
    // A range finds the same; another address finds only its own tenant.
    expect(await searchAuditAcrossTenants(staff, { ip: '198.51.100.0/24' })).toHaveLength(3);
    expect((await searchAuditAcrossTenants(staff, { ip: '203.0.113.5' })).map((r) => r.tenantCode)).toEqual([
      `pc${stamp}`,
    ]);
    // The look across tenants is itself on record, in the platform's chain.
    await recordCrossTenantView(staff, { ip: SHARED }, 'search');
    const [seen] = (await searchAuditEvents(PLATFORM_TENANT_ID, { action: ['audit.searched_across'] })).rows;
    expect(seen).toMatchObject({ actorLoginId: 'staff', details: { filter: `ip=${SHARED}`, view: 'search' } });
  });
});
