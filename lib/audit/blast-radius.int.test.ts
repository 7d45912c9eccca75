import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withTenantTx } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { contextFor, platformAccess, tenantAccess } from '@/lib/testing/context';
import { createOperator, createSite, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { measureBlastRadius, measureBlastRadiusAcrossTenants } from './measure-blast-radius';
import { recordAudit } from './record-audit';

setupTestDatabase();

const INTRUDER = '198.51.100.44';
const SHA = (c: string) => c.repeat(64);

/** Events as the app writes them (docs/audit-events.md), by one session from one address. */
async function record(
  tenantId: string,
  by: { operatorId: string; loginId: string; sessionId: string; ip: string },
  events: [action: string, details: Record<string, unknown>, outcome?: 'success' | 'failure'][],
) {
  await withTenantTx(tenantId, async (tx) => {
    for (const [action, details, outcome] of events) {
      await recordAudit(tx, {
        tenantId,
        action,
        outcome: outcome ?? 'success',
        actor: { operatorId: by.operatorId, loginId: by.loginId },
        ip: by.ip,
        userAgent: 'vitest',
        sessionId: by.sessionId,
        details,
      });
    }
  });
}

describe('the blast radius of a pivot', () => {
  it('counts what one session touched per site from the trail, and says what the trail cannot', async () => {
    const stamp = Date.now().toString(36);
    const tenantId = await createTenant(`br${stamp}`);
    const siteA = await createSite(tenantId, 'a', { members: 1, orders: 1, customers: 1 });
    const siteB = await createSite(tenantId, 'b', { members: 1, orders: 1, customers: 1 });
    const opId = await createOperator(tenantId, `br${stamp}.op`, 'a long enough password');
    const intruder = { operatorId: opId, loginId: `br${stamp}.op`, sessionId: randomUUID(), ip: INTRUDER };
    const owner = { ...intruder, sessionId: randomUUID(), ip: '203.0.113.1' };
    const common = { from: '2026-01-01', to: '2026-12-01', columns: ['orderNo'], reason: 'monthly', encoding: 'utf8' };
    await record(tenantId, intruder, [
      ['login.succeeded', {}],
      ['orders.export_started', { siteId: siteA, ...common, rows: 100, customers: 80 }],
      ['orders.exported', { siteId: siteA, ...common, rows: 100, customers: 80, bytes: 9000, sha256: SHA('a') }],
      ['orders.export_started', { siteId: siteA, ...common, rows: 50, customers: 40 }],
      ['orders.exported', { siteId: siteA, ...common, rows: 50, customers: 40, bytes: 4000, sha256: SHA('b') }],
      ['orders.export_started', { siteId: siteA, ...common, rows: 70, customers: 60 }],
      ['orders.export_aborted', { siteId: siteA, cause: 'client_gone', rowsSent: 10, bytesSent: 900 }, 'failure'],
      // Claimed, and then nothing: the trail cannot say how much left.
      ['orders.export_started', { siteId: siteA, ...common, rows: 30, customers: 30 }],
      ['payment_settings.revealed', { siteId: siteA, field: 'apiSecret', reason: 'check' }],
      ['payment_settings.revealed', { siteId: siteA, field: 'apiKey', reason: 'check', error: 'x' }, 'failure'],
      ['member.revealed', { siteId: siteB, memberNo: 'M1' }],
      ['member.revealed', { siteId: siteB, memberNo: 'M1' }],
      ['member.revealed', { siteId: siteB, memberNo: 'M2' }],
      ['members.listed', { siteId: siteB, count: 50 }],
      ['members.listed', { siteId: siteB, count: 30 }],
      ['orders.listed', { siteId: siteB, count: 20 }],
      ['order.revealed', { siteId: siteB, orderNo: 'O9' }],
      ['ip_allowlist.updated', { layer: 'tenant', added: 1, removed: 0, count: 1 }],
      ['mfa.policy_updated', { totpRequired: false }],
      ['payment_settings.updated', { siteId: siteB, fields: ['apiKey'] }],
    ]);
    // The owner's own work from the office, in another session: not the intruder's.
    await record(tenantId, owner, [['member.revealed', { siteId: siteB, memberNo: 'M3' }]]);
    const reader = tenantAccess(contextFor(tenantId, opId, 'tenant_admin', 'admin'), tenantId, 'audit.read');

    const { sites, prunedBefore } = await measureBlastRadius(reader, { session: intruder.sessionId });
    expect(prunedBefore.size).toBe(0);
    const [none, a, b] = sites;
    expect(sites.map((s) => s.siteName)).toEqual([null, 'a ストア', 'b ストア']);
    expect(none).toMatchObject({ siteId: null, settingsChanged: 2, operators: [intruder.loginId] });
    expect(a).toMatchObject({
      siteId: siteA,
      ordersExported: 150,
      exportsUnaccounted: 1,
      rowsSentBeforeAbort: 10,
      paymentSecretsRevealed: 1,
      settingsChanged: 0,
      membersRevealed: 0,
    });
    expect(a.exportFiles.map((f) => [f.sha256, f.rows, f.customers])).toEqual([
      [SHA('a'), 100, 80],
      [SHA('b'), 50, 40],
    ]);
    expect(b).toMatchObject({
      siteId: siteB,
      membersRevealed: 2,
      membersListed: 80,
      ordersListed: 20,
      ordersRevealed: 1,
      settingsChanged: 1,
      ordersExported: 0,
      exportFiles: [],
      exportsUnaccounted: 0,
    });

    // By address, across tenants: another company's events from the same address appear under it.
    const other = await createTenant(`bs${stamp}`);
    const otherOp = await createOperator(other, `bs${stamp}.op`, 'a long enough password');
    await record(other, { operatorId: otherOp, loginId: `bs${stamp}.op`, sessionId: randomUUID(), ip: INTRUDER }, [
      ['members.listed', { siteId: randomUUID(), count: 5 }],
      // Refused only: no login ID was used there.
      ['access.denied_ip', { layer: 'block', at: 'request' }, 'failure'],
    ]);
    const staff = platformAccess(contextFor(PLATFORM_TENANT_ID, opId, 'platform_auditor', 'staff'), 'audit.read');
    const across = await measureBlastRadiusAcrossTenants(staff, { ip: INTRUDER });
    expect(
      across.sites.map((s) => [s.tenantId, s.siteName, s.membersListed + s.membersRevealed + s.ordersExported]),
    ).toEqual([
      [tenantId, null, 0],
      [tenantId, 'a ストア', 150],
      [tenantId, 'b ストア', 82],
      [other, null, 0],
      [other, null, 5],
    ]);
    expect(across.sites.at(-2)!.operators).toEqual([]);
    // A tenant's own view never reaches the other company.
    expect((await measureBlastRadius(reader, { ip: INTRUDER })).sites.map((s) => s.tenantId)).not.toContain(other);
  });
});
