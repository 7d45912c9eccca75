import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { rollUpAudit } from '@/lib/audit/roll-up-audit';
import { contextFor, platformAccess, tenantAccess } from '@/lib/testing/context';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { recordAs } from '@/lib/testing/seed-intrusion';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { readTrends, TREND_DAYS } from './read-trends';
import { refreshPosture } from './refresh-posture';

setupTestDatabase();

let n = 0;
async function company() {
  const code = `tr${++n}x${Date.now().toString(36)}`;
  const tenantId = await createTenant(code);
  const opId = await createOperator(tenantId, `${code}.admin`, 'a long enough password', 'tenant_admin');
  const by = { operatorId: opId, loginId: `${code}.admin`, sessionId: randomUUID(), ip: '192.0.2.5' };
  const reader = tenantAccess(contextFor(tenantId, opId, 'tenant_admin'), tenantId, 'audit.read');
  return { tenantId, opId, by, reader };
}

const today = <T extends { values: Record<string, number> }>(days: T[]) => days.at(-1)!.values;

describe('30-day trends from the daily roll-ups', () => {
  it('counts each event once into its company’s day and the platform’s, walled per company', async () => {
    const a = await company();
    const b = await company();
    const staff = platformAccess(contextFor(PLATFORM_TENANT_ID, a.opId, 'platform_auditor'), 'audit.read');
    await rollUpAudit();
    const platformBefore = await readTrends(staff);
    await recordAs(a.tenantId, a.by, [
      ['login.succeeded', {}],
      ['login.succeeded', {}],
      ['login.failed', { reason: 'bad_password' }, 'failure'],
      ['access.denied_ip', { layer: 'tenant', at: 'login' }, 'failure'],
      ['orders.exported', { siteId: randomUUID(), rows: 120, customers: 90 }],
      ['payment_settings.revealed', { siteId: randomUUID(), field: 'apiSecret' }],
      ['payment_settings.revealed', { siteId: randomUUID(), field: 'apiSecret', error: 'x' }, 'failure'],
      ['alert.raised', { rule: 'secret_revealed' }],
    ]);
    await recordAs(b.tenantId, b.by, [['login.succeeded', {}]]);
    expect(await rollUpAudit()).toBeGreaterThanOrEqual(9);
    // Counted once: a second roll-up finds nothing new.
    expect(await rollUpAudit()).toBe(0);

    const mine = await readTrends(a.reader);
    expect(mine.logins).toHaveLength(TREND_DAYS);
    expect(today(mine.logins)).toEqual({ succeeded: 2, failed: 1, refused: 1 });
    expect(today(mine.exports)).toEqual({ rows: 120 });
    expect(today(mine.secrets)).toEqual({ revealed: 1 });
    expect(today(mine.alerts)).toEqual({ raised: 1 });
    expect(mine.logins.slice(0, -1).every((d) => d.values.succeeded === 0)).toBe(true);
    // Another company sees only its own.
    expect(today((await readTrends(b.reader)).logins)).toEqual({ succeeded: 1, failed: 0, refused: 0 });

    // More events later the same day are added to it.
    await recordAs(a.tenantId, a.by, [['login.succeeded', {}]]);
    await rollUpAudit();
    expect(today((await readTrends(a.reader)).logins).succeeded).toBe(3);

    // The platform's trend is every company's together.
    const all = await readTrends(staff);
    expect(today(all.logins).succeeded - today(platformBefore.logins).succeeded).toBe(4);
    expect(today(all.exports).rows - today(platformBefore.exports).rows).toBe(120);

    // The share of operators with TOTP, as the posture recorded it today.
    expect(today(mine.factors)).toEqual({});
    await refreshPosture([a.tenantId]);
    expect(today((await readTrends(a.reader)).factors)).toEqual({ totp: 0, renewed: 0 });
  });
});
