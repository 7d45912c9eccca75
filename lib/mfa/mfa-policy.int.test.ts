import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, tenants } from '@/db/schema';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { advanceClock, now, resetClock } from '@/lib/clock';
import { contextFor, ownAccess, platformAccess, sessionCtx, tenantAccess } from '@/lib/testing/context';
import { createOperator } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { listOperators } from '@/lib/tenancy/list-operators';
import { createTenant, NEW_TENANT_TOTP_GRACE_DAYS } from '@/lib/tenancy/manage-tenant';
import { confirmTotpEnrollment, startTotpEnrollment } from './enroll-totp';
import { getMfaEnrollment } from './get-mfa-enrollment';
import { totpAt } from './otp';
import { checkAccess } from '@/lib/auth/guard';

setupTestDatabase();
afterEach(() => resetClock());

const PW = 'a long enough password';
const meta = { ip: '192.0.2.71', userAgent: 'vitest' };
const staff = () => contextFor(PLATFORM_TENANT_ID, crypto.randomUUID(), 'platform_admin');
let n = 0;

async function session(loginId: string) {
  const r = await loginWithPassword({ loginId, password: PW }, meta);
  if (!r.ok) throw new Error(`login: ${r.reason}`);
  return r.sessionToken;
}

describe('TOTP on by default', () => {
  it('requires TOTP of a new company with a 14-day grace: a deadline until then, the enrollment gate after it', async () => {
    const code = `pol${++n}x${Date.now().toString(36)}`;
    const { tenantId } = await createTenant(platformAccess(staff(), 'tenants.write'), {
      code,
      name: '株式会社テスト',
      contactEmail: null,
    });
    const [policy] = await withPlatformTx((tx) =>
      tx
        .select({ required: tenants.totpRequired, graceUntil: tenants.totpGraceUntil })
        .from(tenants)
        .where(eq(tenants.id, tenantId)),
    );
    expect(policy.required).toBe(true);
    expect(Math.round((policy.graceUntil!.getTime() - now().getTime()) / 86_400_000)).toBe(NEW_TENANT_TOTP_GRACE_DAYS);

    const loginId = `${code}.op`;
    await createOperator(tenantId, loginId, PW, 'tenant_admin');
    const token = await session(loginId);
    // Within the grace period: in, with the deadline the banner shows.
    expect(await sessionCtx(token, meta)).toMatchObject({ mustEnrollMfa: false, mfaEnrollBy: policy.graceUntil });
    // A security setting needs TOTP regardless of the grace period.
    const ctx = (await sessionCtx(token, meta))!;
    await expect(
      checkAccess(ctx, 'app/t/[tenantId]/security/actions.ts updatePasswordSettingsAction', { tenantId }),
    ).rejects.toMatchObject({ code: 'mfa_enrollment_required' });

    // A day after the deadline, the same session may only enroll (the guard sends it to /account/mfa).
    advanceClock(NEW_TENANT_TOTP_GRACE_DAYS * 86_400_000 + 60_000);
    const later = await session(loginId);
    expect(await sessionCtx(later, meta)).toMatchObject({ mustEnrollMfa: true, mfaEnrollBy: null });
  });

  it('shows each operator’s factor in the list and the enrolment progress on the dashboard', async () => {
    const code = `pol${++n}x${Date.now().toString(36)}`;
    const { tenantId } = await createTenant(platformAccess(staff(), 'tenants.write'), {
      code,
      name: '株式会社テスト',
      contactEmail: null,
    });
    const a = await createOperator(tenantId, `${code}.a`, PW, 'tenant_admin');
    await createOperator(tenantId, `${code}.b`, PW);
    await createOperator(tenantId, `${code}.c`, PW);
    const ctxA = (await sessionCtx(await session(`${code}.a`), meta))!;
    const view = await startTotpEnrollment(ownAccess(ctxA));
    await confirmTotpEnrollment(
      ownAccess(ctxA),
      await totpAt(view.secretGroups.replace(/ /g, ''), Math.floor(now().getTime() / 1000)),
    );
    await startTotpEnrollment(ownAccess((await sessionCtx(await session(`${code}.b`), meta))!));

    const admin = contextFor(tenantId, a, 'tenant_admin');
    const rows = (await listOperators(tenantAccess(admin, tenantId, 'operators.read'), {})).rows;
    const byLogin = Object.fromEntries(rows.map((r) => [r.loginId, { totp: r.totp, codes: r.recoveryCodesLeft }]));
    expect(byLogin).toEqual({
      [`${code}.a`]: { totp: 'active', codes: 10 },
      [`${code}.b`]: { totp: 'pending', codes: 0 },
      [`${code}.c`]: { totp: null, codes: 0 },
    });
    expect(await getMfaEnrollment(tenantAccess(admin, tenantId, 'operators.read'))).toMatchObject({
      active: 3,
      enrolled: 1,
      withRecoveryCodes: 1,
      required: true,
    });
  });
});
