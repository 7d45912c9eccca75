import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { operators } from '@/db/schema';
import { now, resetClock } from '@/lib/clock';
import { apiClient } from '@/lib/testing/api-client';
import { apiCompany } from '@/lib/testing/api-company';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { parseStaffCsv, syncOperators } from '@/docs/examples/sync-operators';
import { syncAllowlist } from '@/docs/examples/sync-allowlist';
import { rotateForIncident } from '@/docs/examples/rotation-runbook';

/** docs/api.md's worked examples: the files it shows, verbatim, run against the routes. */
setupTestDatabase();
afterEach(() => resetClock());

describe('docs/api.md', () => {
  it('shows each example file as it is', () => {
    const doc = readFileSync('docs/api.md', 'utf8');
    for (const file of ['sync-operators.ts', 'sync-allowlist.ts', 'rotation-runbook.ts']) {
      const source = readFileSync(`docs/examples/${file}`, 'utf8');
      expect(doc, file).toContain('```ts\n// docs/examples/' + file + '\n' + source + '```');
    }
  });

  it('syncs operators from a CSV: creates, updates, disables, and a re-run changes nothing', async () => {
    const c = await apiCompany(`exa${Date.now().toString(36)}`);
    const mamori = apiClient(await c.token(['operators:read', 'operators:write'], { name: 'hr-sync' }));
    const csv = [
      'loginId,displayName,email,role',
      `${c.code}.admin,管理者 一郎,admin@example.jp,tenant_admin`,
      `${c.code}.hanako,山田 花子,hanako@example.jp,tenant_operator`,
    ].join('\n');
    const handed: string[] = [];
    const deliver = async (loginId: string, password: string) => {
      expect(password.length).toBeGreaterThanOrEqual(16);
      handed.push(loginId);
    };
    const first = await syncOperators(mamori, c.tenantId, parseStaffCsv(csv), deliver);
    expect(first).toEqual({ created: 1, updated: 1, disabled: 1 });
    expect(handed).toEqual([`${c.code}.hanako`]);
    const [staff] = await withPlatformTx((tx) =>
      tx.select({ status: operators.status }).from(operators).where(eq(operators.id, c.staffId)),
    );
    expect(staff.status).toBe('disabled');
    expect(await syncOperators(mamori, c.tenantId, parseStaffCsv(csv), deliver)).toEqual({
      created: 0,
      updated: 0,
      disabled: 0,
    });
  });

  it('keeps an allowlist in sync, stopping before it would refuse someone', async () => {
    const c = await apiCompany(`exb${Date.now().toString(36)}`);
    await withPlatformTx((tx) =>
      tx.update(operators).set({ lastLoginIp: '198.51.100.9', lastLoginAt: now() }).where(eq(operators.id, c.staffId)),
    );
    const mamori = apiClient(await c.token(['allowlist:read', 'allowlist:write']), '203.0.113.10');
    const offices = [{ cidr: '203.0.113.0/24', label: 'Tokyo office' }];
    const stopped = await syncAllowlist(mamori, c.tenantId, offices);
    expect(stopped).toMatchObject({
      changed: false,
      stopped: 'would refuse operators',
      refused: [{ loginId: `${c.code}.staff` }],
    });
    const withOsaka = [...offices, { cidr: '198.51.100.0/24', label: 'Osaka office' }];
    expect(await syncAllowlist(mamori, c.tenantId, withOsaka)).toEqual({
      changed: true,
      added: ['203.0.113.0/24', '198.51.100.0/24'],
      removed: [],
    });
    expect(await syncAllowlist(mamori, c.tenantId, withOsaka)).toEqual({ changed: false });
    expect(await syncAllowlist(mamori, c.tenantId, [{ cidr: '192.0.2.0/24', label: 'VPN' }], true)).toEqual({
      changed: false,
      stopped: 'would lock this script out',
    });
  });

  it('starts a rotation from a runbook once, however often the runbook runs', async () => {
    const c = await apiCompany(`exc${Date.now().toString(36)}`);
    const mamori = apiClient(await c.token(['rotation:read', 'rotation:write'], { name: 'runbook' }));
    const incident = {
      id: 'INC-2026-042',
      summary: 'password hashes exposed',
      declaredAt: now(),
      hoursToRotate: 24,
      endSessions: true,
    };
    const first = await rotateForIncident(mamori, c.tenantId, incident);
    expect(first.totals).toMatchObject({ total: 2, pending: 2 });
    expect(first.pending).toEqual([`${c.code}.admin`, `${c.code}.staff`]);
    expect((await rotateForIncident(mamori, c.tenantId, incident)).campaignId).toBe(first.campaignId);
  });
});
