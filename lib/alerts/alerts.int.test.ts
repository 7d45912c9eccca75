import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withPlatformTx, withTenantTx } from '@/db';
import { PLATFORM_TENANT_ID, auditEvents } from '@/db/schema';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { acknowledgeAlert } from './acknowledge-alert';
import { listAlerts } from './list-alerts';
import { raiseAlert } from './raise-alert';
import { checkAccess, onOwnTenant } from '@/lib/auth/guard';

setupTestDatabase();

describe('alerts', () => {
  it('shows a tenant its own alerts, platform staff everyone’s, and audits raising and acknowledging', async () => {
    const a = await createTenant(`al-a-${Date.now()}`);
    const b = await createTenant(`al-b-${Date.now()}`);
    const id = await withTenantTx(a, (tx) =>
      raiseAlert(tx, {
        tenantId: a,
        rule: 'secret_revealed',
        operator: { operatorId: null, loginId: 'a.admin' },
        details: { siteId: 'x' },
      }),
    );
    await withTenantTx(b, (tx) => raiseAlert(tx, { tenantId: b, rule: 'pii_bulk_view', details: {} }));

    const adminA = contextFor(a, crypto.randomUUID(), 'tenant_admin', 'a.admin');
    expect((await listAlerts(tenantAccess(adminA, adminA.tenantId, 'audit.read')))?.map((x) => x.rule)).toEqual([
      'secret_revealed',
    ]);
    // An operator without audit rights gets no panel: the guard gives no access value for it.
    expect(onOwnTenant(contextFor(a, crypto.randomUUID(), 'tenant_operator'), 'audit.read')).toBeNull();
    const auditor = contextFor(PLATFORM_TENANT_ID, crypto.randomUUID(), 'platform_auditor');
    const platform = await listAlerts(onOwnTenant(auditor, 'audit.read')!);
    expect(platform?.map((x) => x.tenantId)).toEqual(expect.arrayContaining([a, b]));

    // Another tenant's admin cannot acknowledge it; its own admin can, once.
    await expect(
      acknowledgeAlert(tenantAccess(contextFor(b, crypto.randomUUID(), 'tenant_admin'), b, 'security.write'), id),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      checkAccess(contextFor(b, crypto.randomUUID(), 'tenant_admin'), 'app/actions.ts acknowledgeAlertAction', {
        tenantId: a,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await acknowledgeAlert(tenantAccess(adminA, a, 'security.write'), id);
    await expect(acknowledgeAlert(tenantAccess(adminA, a, 'security.write'), id)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await listAlerts(tenantAccess(adminA, adminA.tenantId, 'audit.read')))?.[0]).toMatchObject({
      acknowledgedByLoginId: 'a.admin',
    });

    const actions = await withPlatformTx((tx) =>
      tx
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, a)))
        .orderBy(auditEvents.seq),
    );
    expect(actions.map((e) => e.action)).toEqual(['alert.raised', 'alert.acknowledged']);
  });
});
