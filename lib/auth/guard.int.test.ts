import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { auditEvents, PLATFORM_TENANT_ID, type Role } from '@/db/schema';
import { grantSupportAccess, grantSupportInput } from '@/lib/support/grant-support-access';
import { advanceClock } from '@/lib/clock';
import { ROLE_PERMISSIONS } from '@/lib/kernel/permissions';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { ACCESS, type AccessRule, type Entry } from './access-table';
import { alsoOn, checkAccess, linksOn, type GuardedEntry } from './guard';

setupTestDatabase();

/**
 * The guard against every row of the access table: each guarded entry point is called signed
 * out, from a refused address, with a temporary password, from another tenant, without its
 * permission and without a fresh second factor, and must refuse each with its own error; the
 * right caller gets an access value for exactly the declared tenant and permission.
 */

const rows = Object.entries(ACCESS as Record<Entry, AccessRule>).filter(
  (e): e is [GuardedEntry, Exclude<AccessRule, { who: 'anyone' } | { who: 'token' }>] =>
    e[1].who === 'operator' || e[1].who === 'tenant' || e[1].who === 'platform',
);
const call = (ctx: Parameters<typeof checkAccess>[0], entry: GuardedEntry, tenantId?: string) =>
  (
    checkAccess as unknown as (
      c: typeof ctx,
      e: GuardedEntry,
      w?: { tenantId: string },
    ) => Promise<Record<string, unknown>>
  )(ctx, entry, tenantId ? { tenantId } : undefined);

async function world() {
  const n = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const home = await createTenant(`g${n}`);
  const other = await createTenant(`h${n}`);
  const people = {} as Record<Role, ReturnType<typeof contextFor>>;
  for (const role of ['tenant_admin', 'tenant_operator'] as const) {
    people[role] = contextFor(home, await createOperator(home, `g${n}.${role}`, 'pw-unused-1234', role), role);
  }
  for (const role of ['platform_admin', 'platform_auditor'] as const) {
    const id = await createOperator(PLATFORM_TENANT_ID, `platform.${n}.${role}`, 'pw-unused-1234', role);
    people[role] = contextFor(PLATFORM_TENANT_ID, id, role);
  }
  const stranger = contextFor(
    other,
    await createOperator(other, `h${n}.admin`, 'pw-unused-1234', 'tenant_admin'),
    'tenant_admin',
  );
  return { home, other, people, stranger };
}

/** Someone who holds the row's permission where it applies: the tenant's admin, or platform staff. */
function holderOf(w: Awaited<ReturnType<typeof world>>, rule: (typeof rows)[number][1]) {
  if (rule.who === 'operator') return w.people.tenant_operator;
  const roles: Role[] =
    rule.who === 'platform'
      ? ['platform_admin', 'platform_auditor']
      : ['tenant_admin', 'tenant_operator', 'platform_admin', 'platform_auditor'];
  const role = roles.find((r) => ROLE_PERMISSIONS[r].has(rule.permission));
  expect(role, `someone holds ${rule.permission}`).toBeDefined();
  return w.people[role!];
}

describe('the guard reads the access table', () => {
  it('finds every kind of row in the table', () => {
    const kinds = new Set(rows.map(([, r]) => `${r.who}${r.stepUp ? '+stepUp' : ''}`));
    expect([...kinds].sort()).toEqual(
      ['operator', 'operator+stepUp', 'platform', 'platform+stepUp', 'tenant', 'tenant+stepUp'].sort(),
    );
  });

  it('lets the right caller in, with an access value for exactly the declared tenant and permission', async () => {
    const w = await world();
    for (const [entry, rule] of rows) {
      const who = holderOf(w, rule);
      const tenantId = rule.who === 'tenant' ? w.home : undefined;
      const access = await call(who, entry, tenantId);
      expect(access.operatorId, entry).toBe(who.operatorId);
      if (rule.who === 'tenant')
        expect(access.granted, entry).toEqual({ tenantId: w.home, permission: rule.permission });
      if (rule.who === 'platform') expect(access.granted, entry).toEqual({ permission: rule.permission });
      expect(access.steppedUp, entry).toBe(rule.stepUp ? true : undefined);
    }
  });

  it('refuses every guarded entry signed out, from a refused address, and with a temporary password', async () => {
    const w = await world();
    for (const [entry, rule] of rows) {
      const tenantId = rule.who === 'tenant' ? w.home : undefined;
      await expect(call(null, entry, tenantId), entry).rejects.toMatchObject({ code: 'unauthenticated' });
      await expect(call('ip_denied', entry, tenantId), entry).rejects.toMatchObject({ code: 'ip_denied' });
      const temporary = { ...holderOf(w, rule), mustChangePassword: true };
      const expected = rule.who === 'operator' && rule.allowMustChangePassword ? undefined : 'forbidden';
      if (expected) await expect(call(temporary, entry, tenantId), entry).rejects.toMatchObject({ code: expected });
      else await expect(call(temporary, entry, tenantId), entry).resolves.toBeTruthy();
      const unenrolled = { ...holderOf(w, rule), mustEnrollMfa: true };
      if (rule.who === 'operator' && rule.allowMustEnrollMfa && !rule.stepUp)
        await expect(call(unenrolled, entry, tenantId), entry).resolves.toBeTruthy();
      else
        await expect(call(unenrolled, entry, tenantId), entry).rejects.toMatchObject({
          code: 'mfa_enrollment_required',
        });
    }
  });

  it('answers 404 to another tenant’s admin on every tenant entry, and records the refusal in their chain', async () => {
    const w = await world();
    const tenantRows = rows.filter(([, r]) => r.who === 'tenant');
    for (const [entry] of tenantRows) {
      await expect(call(w.stranger, entry, w.home), entry).rejects.toMatchObject({ code: 'not_found' });
      // A tenant id that is not a UUID is the same 404, before any lookup.
      await expect(call(w.people.tenant_admin, entry, 'not-a-uuid'), entry).rejects.toMatchObject({
        code: 'not_found',
      });
    }
    const denials = await withPlatformTx((tx) =>
      tx
        .select({ details: auditEvents.details, target: auditEvents.targetId })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, w.other), eq(auditEvents.action, 'access.denied'))),
    );
    expect(denials.filter((d) => d.target === w.home)).toHaveLength(tenantRows.length);
    expect(denials.every((d) => (d.details as { reason: string }).reason === 'not_member')).toBe(true);
  });

  it('refuses every entry to each role that lacks its permission, and platform entries to every tenant role', async () => {
    const w = await world();
    let refused = 0;
    for (const [entry, rule] of rows) {
      if (rule.who === 'operator') continue;
      for (const role of Object.keys(w.people) as Role[]) {
        const who = w.people[role];
        const holds =
          ROLE_PERMISSIONS[role].has(rule.permission) &&
          (rule.who === 'tenant' || role === 'platform_admin' || role === 'platform_auditor');
        if (holds) continue;
        refused++;
        await expect(
          call(who, entry, rule.who === 'tenant' ? w.home : undefined),
          `${entry} ${role}`,
        ).rejects.toMatchObject({ code: 'not_found' });
      }
    }
    expect(refused).toBeGreaterThan(60);
  });

  it('refuses every step-up entry without a second factor verified in the last five minutes', async () => {
    const w = await world();
    const stepUpRows = rows.filter(([, r]) => r.stepUp);
    expect(stepUpRows.length).toBeGreaterThan(20);
    for (const [entry, rule] of stepUpRows) {
      const who = holderOf(w, rule);
      const tenantId = rule.who === 'tenant' ? w.home : undefined;
      await expect(call({ ...who, mfaVerifiedAt: null }, entry, tenantId), entry).rejects.toMatchObject({
        code: 'step_up_required',
      });
      await expect(call({ ...who, totpEnrolled: false }, entry, tenantId), entry).rejects.toMatchObject({
        code: 'mfa_enrollment_required',
      });
    }
    // Fresh for five minutes, then no longer.
    const [entry, rule] = stepUpRows[0];
    const who = { ...holderOf(w, rule), mfaVerifiedAt: new Date() };
    const tenantId = rule.who === 'tenant' ? w.home : undefined;
    await expect(call(who, entry, tenantId)).resolves.toMatchObject({ steppedUp: true });
    advanceClock(5 * 60_000 + 1_000);
    try {
      await expect(call(who, entry, tenantId)).rejects.toMatchObject({ code: 'step_up_required' });
    } finally {
      advanceClock(-(5 * 60_000 + 1_000));
    }
  });

  it('lets platform support reach customer data only through an active grant, and records each use', async () => {
    const w = await world();
    const entry = 'app/t/[tenantId]/sites/[siteId]/orders/page.tsx' as const;
    await expect(call(w.people.platform_admin, entry, w.home)).rejects.toMatchObject({ code: 'not_found' });
    await grantSupportAccess(
      tenantAccess(w.people.tenant_admin, w.home, 'security.write'),
      grantSupportInput.parse({
        grantee: 'team',
        scopes: 'orders.read',
        hours: '1',
        reason: 'order 10023 charged twice',
      }),
    );
    await expect(call(w.people.platform_admin, entry, w.home)).resolves.toMatchObject({
      granted: { tenantId: w.home, permission: 'orders.read' },
      support: { tenantId: w.home, scopes: ['orders.read'] },
    });
    // The auditor role never reads customer data, grant or not.
    await expect(call(w.people.platform_auditor, entry, w.home)).rejects.toMatchObject({ code: 'not_found' });
    const uses = await withPlatformTx((tx) =>
      tx
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, w.home), eq(auditEvents.action, 'support_access.used'))),
    );
    expect(uses.length).toBe(1);
  });

  it('answers a page’s further questions without a second lookup: alsoOn by role, linksOn with grants', async () => {
    const w = await world();
    const page = 'app/t/[tenantId]/page.tsx' as const;
    const operator = await call(w.people.tenant_operator, page, w.home);
    const admin = await call(w.people.tenant_admin, page, w.home);
    type Tenant = Parameters<typeof alsoOn>[0];
    expect(alsoOn(operator as unknown as Tenant, 'operators.read')).toBeNull();
    expect(alsoOn(admin as unknown as Tenant, 'operators.read')).toMatchObject({
      granted: { tenantId: w.home, permission: 'operators.read' },
    });
    const staff = await call(w.people.platform_admin, page, w.home);
    expect([...(await linksOn(staff as unknown as Tenant, ['orders.read', 'operators.write']))]).toEqual([
      'operators.write',
    ]);
  });
});
