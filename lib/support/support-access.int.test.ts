import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx, withTenantTx } from '@/db';
import { PLATFORM_TENANT_ID, alerts, auditEvents, supportGrants } from '@/db/schema';
import { advanceClock, now, resetClock } from '@/lib/clock';
import { getPaymentSettings } from '@/lib/ec/payment-settings';
import { listOrders } from '@/lib/ec/list-orders';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createOperator, createSite, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { grantSupportAccess, grantSupportInput } from './grant-support-access';
import { listSupportGrants, supportScopesOf } from './list-support-grants';
import { revokeSupportAccess } from './revoke-support-access';
import { applySupportGrant } from './apply-support-grant';
import { checkAccess } from '@/lib/auth/guard';

setupTestDatabase();
afterEach(() => resetClock());

const PW = 'a long enough password';
let n = 0;

async function world() {
  const code = `sup${++n}x${Date.now().toString(36)}`;
  const tenantId = await createTenant(code);
  const siteId = await createSite(tenantId, 'main');
  const adminId = await createOperator(tenantId, `${code}.admin`, PW, 'tenant_admin');
  const admin = contextFor(tenantId, adminId, 'tenant_admin', `${code}.admin`);
  const staffId = await createOperator(
    PLATFORM_TENANT_ID,
    `platform.sup${n}x${Date.now().toString(36)}`,
    PW,
    'platform_admin',
  );
  const staff = contextFor(PLATFORM_TENANT_ID, staffId, 'platform_admin', 'platform.support');
  const colleague = contextFor(
    PLATFORM_TENANT_ID,
    await createOperator(PLATFORM_TENANT_ID, `platform.col${n}x${Date.now().toString(36)}`, PW, 'platform_admin'),
    'platform_admin',
    'platform.colleague',
  );
  return { tenantId, siteId, admin, staff, colleague };
}

const grant = (ctx: ReturnType<typeof contextFor>, tenantId: string, raw: Record<string, unknown>) =>
  grantSupportAccess(
    tenantAccess(ctx, tenantId, 'security.write'),
    grantSupportInput.parse({ hours: '24', reason: 'order 10023 was charged twice', ...raw }),
  );

const eventsOf = (tenantId: string, action: string) =>
  withPlatformTx((tx) =>
    tx
      .select({ actor: auditEvents.actorLoginId, details: auditEvents.details, targetId: auditEvents.targetId })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, action)))
      .orderBy(auditEvents.seq),
  );

const SITE = 'app/t/[tenantId]/sites/[siteId]';

describe('support access: customer data belongs to the tenant', () => {
  it('refuses platform staff without a grant, and lets a named admin read what was granted, audited in the tenant chain with a notice', async () => {
    const w = await world();
    expect(await applySupportGrant(w.staff, w.tenantId, 'orders.read')).toBeNull();
    await expect(checkAccess(w.staff, `${SITE}/orders/page.tsx`, { tenantId: w.tenantId })).rejects.toMatchObject({
      code: 'not_found',
    });

    const { grantId, expiresAt } = await grant(w.admin, w.tenantId, {
      grantee: w.staff.operatorId,
      scopes: 'orders.read',
    });
    expect(Math.abs(expiresAt.getTime() - now().getTime() - 24 * 3_600_000)).toBeLessThan(5_000);
    expect(await supportScopesOf(w.staff, w.tenantId)).toEqual(['orders.read']);
    // Named for someone else: the colleague has nothing; nor has anyone for members or payment settings.
    expect(await applySupportGrant(w.colleague, w.tenantId, 'orders.read')).toBeNull();
    expect(await applySupportGrant(w.staff, w.tenantId, 'members.read')).toBeNull();
    expect(await applySupportGrant(w.staff, w.tenantId, 'payment_settings.read')).toBeNull();

    const use = await applySupportGrant(w.staff, w.tenantId, 'orders.read');
    expect(use).toEqual({ tenantId: w.tenantId, grantId, scopes: ['orders.read'] });
    const viewer = { ...w.staff, support: use! };
    expect(
      (await listOrders(tenantAccess(viewer, w.tenantId, 'orders.read'), w.siteId, {})).rows.length,
    ).toBeGreaterThan(0);
    // The grant covers orders only.
    await expect(checkAccess(viewer, `${SITE}/members/page.tsx`, { tenantId: w.tenantId })).rejects.toMatchObject({
      code: 'not_found',
    });
    await applySupportGrant(w.staff, w.tenantId, 'orders.read');

    expect(await eventsOf(w.tenantId, 'support_access.used')).toEqual([
      { actor: 'platform.support', targetId: grantId, details: { scope: 'orders.read', use: 1 } },
      { actor: 'platform.support', targetId: grantId, details: { scope: 'orders.read', use: 2 } },
    ]);
    // The listing itself is in the tenant's chain too, by the staff member.
    expect((await eventsOf(w.tenantId, 'orders.listed')).map((e) => e.actor)).toEqual(['platform.support']);
    // One alert for the tenant on the first use, not one per request.
    const raised = await withPlatformTx((tx) =>
      tx.select({ rule: alerts.rule, loginId: alerts.loginId }).from(alerts).where(eq(alerts.tenantId, w.tenantId)),
    );
    expect(raised).toEqual([{ rule: 'support_access_used', loginId: 'platform.support' }]);
    const [listed] = await listSupportGrants(tenantAccess(w.admin, w.tenantId, 'security.write'));
    expect(listed).toMatchObject({
      id: grantId,
      active: true,
      useCount: 2,
      lastUsedByLoginId: 'platform.support',
      scopes: ['orders.read'],
    });
  });

  it('a team grant serves every platform admin until it expires or is revoked', async () => {
    const w = await world();
    const { grantId } = await grant(w.admin, w.tenantId, {
      grantee: 'team',
      scopes: ['members.read', 'payment_settings.read'],
      hours: '2',
    });
    for (const staff of [w.staff, w.colleague])
      expect(await applySupportGrant(staff, w.tenantId, 'members.read')).toMatchObject({ grantId });
    const use = (await applySupportGrant(w.staff, w.tenantId, 'payment_settings.read'))!;
    expect(
      await getPaymentSettings(
        tenantAccess({ ...w.staff, support: use }, w.tenantId, 'payment_settings.read'),
        w.siteId,
      ),
    ).toMatchObject({
      site: { id: w.siteId },
    });

    // Two hours later it is over by itself.
    advanceClock(2 * 3_600_000 + 1000);
    expect(await applySupportGrant(w.staff, w.tenantId, 'members.read')).toBeNull();
    expect(await supportScopesOf(w.staff, w.tenantId)).toEqual([]);
    resetClock();

    // Revoked: refused on the next request; a second revoke finds nothing to end.
    const v = await world();
    const second = await grant(v.admin, v.tenantId, { grantee: 'team', scopes: 'members.read' });
    expect(await applySupportGrant(v.colleague, v.tenantId, 'members.read')).toMatchObject({ grantId: second.grantId });
    await revokeSupportAccess(tenantAccess(v.admin, v.tenantId, 'security.write'), second.grantId);
    expect(await applySupportGrant(v.colleague, v.tenantId, 'members.read')).toBeNull();
    await expect(
      revokeSupportAccess(tenantAccess(v.admin, v.tenantId, 'security.write'), second.grantId),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect((await eventsOf(v.tenantId, 'support_access.revoked')).map((e) => e.details)).toEqual([
      { grantee: 'platform team', uses: 1 },
    ]);
    expect((await eventsOf(w.tenantId, 'support_access.granted')).map((e) => e.details)).toEqual([
      expect.objectContaining({
        grantee: 'platform team',
        scopes: ['members.read', 'payment_settings.read'],
        reason: 'order 10023 was charged twice',
      }),
    ]);
  });

  it('is walled per tenant, refuses auditors and bad input, needs a fresh second factor and never lasts beyond 72 hours', async () => {
    const a = await world();
    const b = await world();
    await grant(a.admin, a.tenantId, { grantee: 'team', scopes: 'orders.read' });
    // A's grant opens nothing in B.
    expect(await applySupportGrant(a.staff, b.tenantId, 'orders.read')).toBeNull();
    expect(await listSupportGrants(tenantAccess(b.admin, b.tenantId, 'security.write'))).toEqual([]);
    // B's admin cannot end A's grant by its id.
    const [aGrant] = await listSupportGrants(tenantAccess(a.admin, a.tenantId, 'security.write'));
    await expect(
      revokeSupportAccess(tenantAccess(b.admin, b.tenantId, 'security.write'), aGrant.id),
    ).rejects.toMatchObject({ code: 'not_found' });

    // Only an active platform admin can be named.
    const auditor = await createOperator(
      PLATFORM_TENANT_ID,
      `platform.aud${n}x${Date.now().toString(36)}`,
      PW,
      'platform_auditor',
    );
    await expect(grant(a.admin, a.tenantId, { grantee: auditor, scopes: 'orders.read' })).rejects.toMatchObject({
      code: 'bad_request',
      fields: { grantee: ['invalid_choice'] },
    });
    await expect(
      grant(a.admin, a.tenantId, { grantee: a.admin.operatorId, scopes: 'orders.read' }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    expect(() =>
      grantSupportInput.parse({ grantee: 'team', scopes: 'orders.export', hours: '1', reason: 'xyz' }),
    ).toThrow();
    expect(() => grantSupportInput.parse({ grantee: 'team', scopes: [], hours: '1', reason: 'xyz' })).toThrow();
    expect(() =>
      grantSupportInput.parse({ grantee: 'team', scopes: 'orders.read', hours: '73', reason: 'xyz' }),
    ).toThrow();
    await expect(
      checkAccess(
        { ...a.admin, mfaVerifiedAt: null },
        'app/t/[tenantId]/security/actions.ts grantSupportAccessAction',
        {
          tenantId: a.tenantId,
        },
      ),
    ).rejects.toMatchObject({ code: 'step_up_required' });

    // The database holds the limit whatever the app sends.
    const at = now();
    await expect(
      withTenantTx(a.tenantId, (tx) =>
        tx.insert(supportGrants).values({
          tenantId: a.tenantId,
          scopes: ['orders.read'],
          reason: 'x',
          createdAt: at,
          expiresAt: new Date(at.getTime() + 73 * 3_600_000),
          createdByOperatorId: a.admin.operatorId,
          createdByLoginId: 'x',
        }),
      ),
    ).rejects.toThrow();
  });
});
