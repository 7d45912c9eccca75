import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { alerts, auditEvents, operators } from '@/db/schema';
import { saveIpAllowlist } from '@/lib/allowlists/save-ip-allowlist';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { AppError } from '@/lib/http/app-error';
import { contextFor, sessionCtx, tenantAccess } from '@/lib/testing/context';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { containKnownPassword } from './contain-known-password';

setupTestDatabase();

const PW = 'a long enough password';
const OFFICE = '203.0.113.10';
const ELSEWHERE = '198.51.100.77';
let n = 0;

/** A company whose list admits its office only, with an admin and an operator. */
async function company() {
  const code = `kp${++n}x${Date.now().toString(36)}`;
  const tenantId = await createTenant(code);
  const adminLogin = `${code}.admin`;
  const adminId = await createOperator(tenantId, adminLogin, PW, 'tenant_admin');
  const opLogin = `${code}.op`;
  const opId = await createOperator(tenantId, opLogin, PW);
  const admin = { ...contextFor(tenantId, adminId, 'tenant_admin', adminLogin), ip: OFFICE };
  await saveIpAllowlist(tenantAccess(admin, tenantId, 'security.write'), null, {
    entries: `${OFFICE}/32 office`,
    confirmHostBits: false,
    confirmAnyAddress: false,
  });
  return { tenantId, opId, opLogin, admin };
}

const login = (loginId: string, ip: string, password = PW) =>
  loginWithPassword({ loginId, password }, { ip, userAgent: 'vitest' });

const alertsOf = (tenantId: string) =>
  withPlatformTx((tx) =>
    tx
      .select({
        id: alerts.id,
        rule: alerts.rule,
        loginId: alerts.loginId,
        details: alerts.details,
        acknowledgedByLoginId: alerts.acknowledgedByLoginId,
      })
      .from(alerts)
      .where(eq(alerts.tenantId, tenantId)),
  );

const eventsOf = (tenantId: string, action: string) =>
  withPlatformTx((tx) =>
    tx
      .select({ details: auditEvents.details, actor: auditEvents.actorLoginId })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, action)))
      .orderBy(auditEvents.seq),
  );

async function refusal(p: Promise<unknown>) {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

describe('a password known to someone else', () => {
  it('the right password from a refused network raises one alert naming the operator and the address', async () => {
    const c = await company();
    // A wrong password from there says nothing about the password: no alert.
    expect(await login(c.opLogin, ELSEWHERE, 'not the password')).toMatchObject({ ok: false });
    expect(await alertsOf(c.tenantId)).toEqual([]);
    expect(await login(c.opLogin, ELSEWHERE)).toEqual({ ok: false, reason: 'ip_denied' });
    expect(await alertsOf(c.tenantId)).toEqual([
      expect.objectContaining({
        rule: 'password_from_refused_ip',
        loginId: c.opLogin,
        details: { ip: ELSEWHERE, layer: 'tenant' },
      }),
    ]);
    // Retries from the same address while the alert is open raise nothing more; another address does.
    await login(c.opLogin, ELSEWHERE);
    expect(await alertsOf(c.tenantId)).toHaveLength(1);
    await login(c.opLogin, '198.51.100.78');
    expect((await alertsOf(c.tenantId)).map((a) => a.details)).toContainEqual({ ip: '198.51.100.78', layer: 'tenant' });
    // From the office the login is fine and raises nothing.
    expect(await login(c.opLogin, OFFICE)).toMatchObject({ ok: true });
    expect(await alertsOf(c.tenantId)).toHaveLength(2);
  });

  it('one action requires a new password, ends the sessions and closes the alert, all audited', async () => {
    const c = await company();
    const session = await login(c.opLogin, OFFICE);
    if (!session.ok) throw new Error('login');
    await login(c.opLogin, ELSEWHERE);
    const [alert] = await alertsOf(c.tenantId);
    const r = await containKnownPassword(tenantAccess(c.admin, c.tenantId, 'operators.write'), alert.id, {
      reason: 'password seen from an unknown network',
    });
    expect(r).toEqual({ loginId: c.opLogin, sessionsEnded: 1 });
    expect(await sessionCtx(session.sessionToken, { ip: OFFICE, userAgent: 'vitest' })).toBeNull();
    const [op] = await withPlatformTx((tx) =>
      tx.select({ must: operators.mustChangePassword }).from(operators).where(eq(operators.id, c.opId)),
    );
    expect(op.must).toBe(true);
    expect((await alertsOf(c.tenantId))[0].acknowledgedByLoginId).toBe(c.admin.loginId);
    const because = {
      alertId: alert.id,
      rule: 'password_from_refused_ip',
      reason: 'password seen from an unknown network',
    };
    expect(await eventsOf(c.tenantId, 'password.change_forced')).toEqual([
      { details: { loginId: c.opLogin, ...because }, actor: c.admin.loginId },
    ]);
    expect(await eventsOf(c.tenantId, 'sessions.revoked_bulk')).toEqual([
      { details: { scope: 'operator', loginId: c.opLogin, count: 1, ...because }, actor: c.admin.loginId },
    ]);
    expect(await eventsOf(c.tenantId, 'alert.acknowledged')).toHaveLength(1);
  });

  it("another company's admin cannot act on the alert, and other alerts are not this action's", async () => {
    const a = await company();
    const b = await company();
    await login(a.opLogin, ELSEWHERE);
    const [alert] = await alertsOf(a.tenantId);
    expect(
      await refusal(
        containKnownPassword(tenantAccess(b.admin, b.tenantId, 'operators.write'), alert.id, { reason: 'probe' }),
      ),
    ).toBe('not_found');
    // Many wrong passwords raise an alert of another kind, which this action does not answer.
    for (let i = 0; i < 21; i++) await login(b.opLogin, `192.0.2.${i + 1}`, `wrong ${i}`);
    const other = (await alertsOf(b.tenantId)).find((x) => x.rule === 'failed_logins_account')!;
    expect(
      await refusal(
        containKnownPassword(tenantAccess(b.admin, b.tenantId, 'operators.write'), other.id, { reason: 'probe' }),
      ),
    ).toBe('not_found');
    expect((await alertsOf(a.tenantId))[0].acknowledgedByLoginId).toBeNull();
    const [op] = await withPlatformTx((tx) =>
      tx.select({ must: operators.mustChangePassword }).from(operators).where(eq(operators.id, a.opId)),
    );
    expect(op.must).toBe(false);
  });
});
