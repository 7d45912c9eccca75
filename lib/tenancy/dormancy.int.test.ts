import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { auditEvents, operators, tenants } from '@/db/schema';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { advanceClock, resetClock } from '@/lib/clock';
import { contextFor, sessionCtx, tenantAccess } from '@/lib/testing/context';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { disableDormantOperators } from './disable-dormant-operators';
import { listDormancyDue } from './list-dormancy-due';
import { dormancyPeriodInput, getDormancyPeriod, setDormancyPeriod } from './set-dormancy-period';
import { setOperatorStatus } from './update-operator';

setupTestDatabase();
afterEach(() => resetClock());

const PW = 'a long enough password';
const DAY = 86_400_000;
const meta = { ip: '192.0.2.70', userAgent: 'vitest' };
let n = 0;

async function company(admins = 2) {
  const code = `dm${++n}x${Date.now().toString(36)}`;
  const tenantId = await createTenant(code);
  const adminIds: string[] = [];
  for (let i = 0; i < admins; i++)
    adminIds.push(await createOperator(tenantId, `${code}.admin${i}`, PW, 'tenant_admin'));
  const opLogin = `${code}.op`;
  const opId = await createOperator(tenantId, opLogin, PW);
  const admin = { ...contextFor(tenantId, adminIds[0], 'tenant_admin', `${code}.admin0`), ip: meta.ip };
  return { tenantId, code, adminIds, opId, opLogin, admin };
}

const statusOf = async (tenantId: string, id: string) =>
  (
    await withPlatformTx((tx) =>
      tx
        .select({ status: operators.status })
        .from(operators)
        .where(and(eq(operators.tenantId, tenantId), eq(operators.id, id))),
    )
  )[0].status;

const disabledEvents = (tenantId: string) =>
  withPlatformTx((tx) =>
    tx
      .select({ actor: auditEvents.actorLoginId, target: auditEvents.targetId, details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, 'operator.disabled'))),
  );

describe('dormant operators', () => {
  it('warns 7 days ahead, then disables those without a sign-in for 90 days: sessions end, audited as dormant', async () => {
    const c = await company();
    const session = await loginWithPassword({ loginId: c.opLogin, password: PW }, meta);
    if (!session.ok) throw new Error('login');
    const reader = tenantAccess(c.admin, c.tenantId, 'operators.read');

    advanceClock(80 * DAY);
    expect(await listDormancyDue(reader)).toEqual([]);
    advanceClock(4 * DAY);
    // Day 84: all three are due within the week; one of two admins signs in and is not.
    expect((await listDormancyDue(reader)).map((d) => d.loginId).sort()).toEqual(
      [`${c.code}.admin0`, `${c.code}.admin1`, c.opLogin].sort(),
    );
    const back = await loginWithPassword({ loginId: `${c.code}.admin0`, password: PW }, meta);
    if (!back.ok) throw new Error('login');
    const due = await listDormancyDue(reader);
    expect(due.map((d) => [d.loginId, d.kept]).sort()).toEqual(
      [
        [`${c.code}.admin1`, false],
        [c.opLogin, false],
      ].sort(),
    );
    expect(due[0].disabledAt.getTime()).toBeGreaterThan(Date.now() + 89 * DAY);

    advanceClock(3 * DAY);
    expect(await disableDormantOperators()).toBe(0);
    advanceClock(4 * DAY);
    // Day 91.
    expect(await disableDormantOperators()).toBeGreaterThanOrEqual(2);
    expect(await statusOf(c.tenantId, c.opId)).toBe('disabled');
    expect(await statusOf(c.tenantId, c.adminIds[1])).toBe('disabled');
    expect(await statusOf(c.tenantId, c.adminIds[0])).toBe('active');
    expect(await sessionCtx(session.sessionToken, meta)).toBeNull();
    const events = await disabledEvents(c.tenantId);
    expect(events).toHaveLength(2);
    expect(events.find((e) => e.target === c.opId)).toMatchObject({
      actor: 'system:dormancy',
      details: { loginId: c.opLogin, reason: 'dormant', dormantAfterDays: 90, sessionsEnded: 1 },
    });
    // Once only.
    expect(await disableDormantOperators()).toBe(0);
    expect(await disabledEvents(c.tenantId)).toHaveLength(2);

    // Re-enabled, the operator's inactivity counts afresh: not disabled again at the next sweep.
    await setOperatorStatus(tenantAccess(c.admin, c.tenantId, 'operators.write'), c.opId, {
      status: 'active',
      reason: 'back from leave',
    });
    await disableDormantOperators();
    expect(await statusOf(c.tenantId, c.opId)).toBe('active');
  });

  it('keeps a company’s last admin active and says so; other companies are untouched', async () => {
    const c = await company(1);
    const other = await company(1);
    await withPlatformTx((tx) =>
      tx.update(tenants).set({ dormantAfterDays: 365 }).where(eq(tenants.id, other.tenantId)),
    );
    advanceClock(91 * DAY);
    await disableDormantOperators();
    expect(await statusOf(c.tenantId, c.adminIds[0])).toBe('active');
    expect(await statusOf(c.tenantId, c.opId)).toBe('disabled');
    expect(await statusOf(other.tenantId, other.opId)).toBe('active');
    expect(
      (await listDormancyDue(tenantAccess(c.admin, c.tenantId, 'operators.read'))).map((d) => [d.loginId, d.kept]),
    ).toEqual([[`${c.code}.admin0`, true]]);
  });

  it('the period is a company setting of 30 to 730 days, audited; another company’s stays', async () => {
    const c = await company(1);
    const other = await company(1);
    const writer = { ...tenantAccess(c.admin, c.tenantId, 'security.write'), steppedUp: true as const };
    for (const bad of ['29', '731', 'x', ''])
      expect(dormancyPeriodInput.safeParse({ dormantAfterDays: bad }).success).toBe(false);
    await setDormancyPeriod(writer, dormancyPeriodInput.parse({ dormantAfterDays: '30' }));
    expect(await getDormancyPeriod(writer)).toBe(30);
    expect(await getDormancyPeriod(tenantAccess({ ...other.admin }, other.tenantId, 'security.write'))).toBe(90);
    const [event] = await withPlatformTx((tx) =>
      tx
        .select({ details: auditEvents.details })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, c.tenantId), eq(auditEvents.action, 'tenant.dormancy_updated'))),
    );
    expect(event.details).toEqual({ before: 90, after: 30 });
    advanceClock(31 * DAY);
    await disableDormantOperators();
    expect(await statusOf(c.tenantId, c.opId)).toBe('disabled');
    expect(await statusOf(other.tenantId, other.opId)).toBe('active');
  });
});
