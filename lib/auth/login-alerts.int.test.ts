import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, alerts } from '@/db/schema';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { ALERT_ACCOUNT_FAILURES, ALERT_IP_FAILURES, loginWithPassword } from './login-with-password';

setupTestDatabase();

const alertsOf = (tenantId: string) =>
  withPlatformTx((tx) =>
    tx
      .select({ rule: alerts.rule, loginId: alerts.loginId, details: alerts.details })
      .from(alerts)
      .where(eq(alerts.tenantId, tenantId)),
  );

describe('alerts on failed logins', () => {
  it(`raises one alert when an account passes ${ALERT_ACCOUNT_FAILURES} failures in 10 minutes, not before`, async () => {
    const code = `la-${Date.now()}`;
    const tenantId = await createTenant(code);
    await createOperator(tenantId, `${code}.op`, 'the right password here');
    // Each attempt from its own address, so only the account's count matters.
    const fail = (i: number) =>
      loginWithPassword(
        { loginId: `${code}.op`, password: `wrong ${i}` },
        { ip: `192.0.2.${i + 1}`, userAgent: 'vitest' },
      );
    for (let i = 0; i < ALERT_ACCOUNT_FAILURES; i++) await fail(i);
    expect(await alertsOf(tenantId)).toEqual([]);
    await fail(ALERT_ACCOUNT_FAILURES);
    await fail(ALERT_ACCOUNT_FAILURES + 1);
    expect(await alertsOf(tenantId)).toEqual([
      {
        rule: 'failed_logins_account',
        loginId: `${code}.op`,
        details: { failures: ALERT_ACCOUNT_FAILURES + 1, windowMinutes: 10 },
      },
    ]);
  });

  it(`raises one platform alert when an address passes ${ALERT_IP_FAILURES} failures in 10 minutes, throttled attempts included`, async () => {
    const ip = '203.0.113.77';
    const fail = (i: number) =>
      loginWithPassword({ loginId: `nobody-${i}`, password: 'whatever' }, { ip, userAgent: 'vitest' });
    const ipAlerts = async () => (await alertsOf(PLATFORM_TENANT_ID)).filter((a) => a.rule === 'failed_logins_ip');
    for (let i = 0; i < ALERT_IP_FAILURES; i++) await fail(i);
    expect(await ipAlerts()).toEqual([]);
    await fail(ALERT_IP_FAILURES);
    await fail(ALERT_IP_FAILURES + 1);
    expect(await ipAlerts()).toEqual([
      { rule: 'failed_logins_ip', loginId: null, details: { ip, failures: ALERT_IP_FAILURES + 1, windowMinutes: 10 } },
    ]);
  });
});
