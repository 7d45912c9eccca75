import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { alerts, auditEvents, tenants } from '@/db/schema';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { advanceClock, now, resetClock } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { contextFor, ownAccess, sessionCtx, tenantAccess } from '@/lib/testing/context';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { WRONG_CODES_ALERT, completeMfaLogin } from './complete-mfa-login';
import { confirmTotpEnrollment, pendingEnrollment, startTotpEnrollment } from './enroll-totp';
import { resetOperatorMfa, setTotpPolicy } from './manage-mfa';
import { totpAt } from './otp';
import { requireStepUp } from '@/lib/kernel/require-step-up';
import { stepUp } from '@/lib/mfa/step-up';
import { checkAccess } from '@/lib/auth/guard';

setupTestDatabase();
afterEach(() => resetClock());

const PW = 'a long enough password';
const meta = { ip: '192.0.2.70', userAgent: 'vitest' };
let n = 0;

/** A fresh operator with TOTP enrolled; returns the secret so the test can compute codes. */
async function enrolled() {
  const code = `mfa${++n}x${Date.now().toString(36)}`;
  const tenantId = await createTenant(code);
  const loginId = `${code}.op`;
  const operatorId = await createOperator(tenantId, loginId, PW, 'tenant_admin');
  const first = await loginWithPassword({ loginId, password: PW }, meta);
  if (!first.ok) throw new Error('login');
  const ctx = (await sessionCtx(first.sessionToken, meta))!;
  const view = await startTotpEnrollment(ownAccess(ctx));
  const secret = view.secretGroups.replace(/ /g, '');
  expect(view.qrSvg).toContain('<svg');
  const nowS = () => Math.floor(now().getTime() / 1000);
  const { recoveryCodes } = await confirmTotpEnrollment(ownAccess(ctx), await totpAt(secret, nowS()));
  // The session after enrollment: TOTP active, second factor just verified.
  const fresh = (await sessionCtx(first.sessionToken, meta))!;
  expect(fresh).toMatchObject({ totpEnrolled: true, mustEnrollMfa: false });
  return { tenantId, loginId, operatorId, secret, recoveryCodes, nowS, ctx: fresh };
}

async function challenge(loginId: string) {
  const r = await loginWithPassword({ loginId, password: PW }, meta);
  if (r.ok || r.reason !== 'mfa_required' || !('challengeToken' in r))
    throw new Error(`expected mfa_required, got ${JSON.stringify(r)}`);
  return r.challengeToken;
}

const actions = async (tenantId: string) =>
  (
    await withPlatformTx((tx) =>
      tx
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(eq(auditEvents.tenantId, tenantId))
        .orderBy(auditEvents.seq),
    )
  ).map((e) => e.action);

describe('TOTP login', () => {
  it('asks for a code after the password; the session exists only after it', async () => {
    const o = await enrolled();
    advanceClock(60_000);
    const token = await challenge(o.loginId);
    const r = await completeMfaLogin(token, await totpAt(o.secret, o.nowS()), meta);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ctx = await sessionCtx(r.sessionToken, meta);
    expect(ctx?.mfaVerifiedAt).not.toBeNull();
    // The challenge is single-use.
    expect(await completeMfaLogin(token, await totpAt(o.secret, o.nowS() + 30), meta)).toEqual({
      ok: false,
      reason: 'no_challenge',
    });
    expect(await actions(o.tenantId)).toEqual(
      expect.arrayContaining(['mfa.enrolled', 'mfa.recovery_codes_generated', 'login.password_verified']),
    );
    // A login with the authenticator raises no alert; only a recovery code does (below).
    expect(
      await withPlatformTx((tx) =>
        tx.select({ rule: alerts.rule }).from(alerts).where(eq(alerts.tenantId, o.tenantId)),
      ),
    ).toEqual([]);
  });

  it('refuses a replay in the same step, an older step after a newer one, and codes two steps away', async () => {
    const o = await enrolled();
    // To the start of a 30-second step: the codes below are computed from one moment, and a step
    // that ended while the test ran (a slow machine) would shift which of them is in the window.
    advanceClock(90_000 + 30_000 - (now().getTime() % 30_000));
    const t = o.nowS();
    const code = await totpAt(o.secret, t);
    expect((await completeMfaLogin(await challenge(o.loginId), code, meta)).ok).toBe(true);
    expect(await completeMfaLogin(await challenge(o.loginId), code, meta)).toEqual({ ok: false, reason: 'bad_code' });
    expect(await completeMfaLogin(await challenge(o.loginId), await totpAt(o.secret, t - 30), meta)).toEqual({
      ok: false,
      reason: 'bad_code',
    });
    expect(await completeMfaLogin(await challenge(o.loginId), await totpAt(o.secret, t + 60), meta)).toEqual({
      ok: false,
      reason: 'bad_code',
    });
    expect((await completeMfaLogin(await challenge(o.loginId), await totpAt(o.secret, t + 30), meta)).ok).toBe(true);
    expect(await actions(o.tenantId)).toContain('login.mfa_failed');
  });

  it('50 concurrent logins with one code: exactly one succeeds', async () => {
    const o = await enrolled();
    advanceClock(90_000);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => challenge(o.loginId)));
    const code = await totpAt(o.secret, o.nowS());
    const results = await Promise.all(tokens.map((t) => completeMfaLogin(t, code, meta)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('expires after 5 minutes and stops after 10 wrong codes', async () => {
    const o = await enrolled();
    const token = await challenge(o.loginId);
    advanceClock(5 * 60_000 + 1000);
    expect(await completeMfaLogin(token, await totpAt(o.secret, o.nowS()), meta)).toEqual({
      ok: false,
      reason: 'no_challenge',
    });
    const second = await challenge(o.loginId);
    for (let i = 0; i < 9; i++)
      expect(await completeMfaLogin(second, '000000', meta)).toMatchObject({ ok: false, reason: 'bad_code' });
    expect(await completeMfaLogin(second, '000000', meta)).toEqual({ ok: false, reason: 'too_many_attempts' });
    expect(await completeMfaLogin(second, await totpAt(o.secret, o.nowS()), meta)).toEqual({
      ok: false,
      reason: 'too_many_attempts',
    });
    expect(await completeMfaLogin('x'.repeat(43), '123456', meta)).toEqual({ ok: false, reason: 'no_challenge' });
  });

  it(`the right password followed by ${WRONG_CODES_ALERT} wrong codes raises one alert naming the operator and address`, async () => {
    const o = await enrolled();
    const rules = async () =>
      withPlatformTx((tx) =>
        tx
          .select({ rule: alerts.rule, loginId: alerts.loginId, details: alerts.details })
          .from(alerts)
          .where(eq(alerts.tenantId, o.tenantId)),
      );
    const token = await challenge(o.loginId);
    // A mistyped code or two is a person with their phone: no alert yet.
    for (let i = 1; i < WRONG_CODES_ALERT; i++) await completeMfaLogin(token, '000000', meta);
    expect(await rules()).toEqual([]);
    await completeMfaLogin(token, '000000', meta);
    await completeMfaLogin(token, '000000', meta);
    expect(await rules()).toEqual([
      {
        rule: 'password_then_wrong_codes',
        loginId: o.loginId,
        details: { ip: meta.ip, wrongCodes: WRONG_CODES_ALERT },
      },
    ]);
    // A new login from the same address while the alert is open raises no second one.
    const again = await challenge(o.loginId);
    for (let i = 0; i < WRONG_CODES_ALERT; i++) await completeMfaLogin(again, '000000', meta);
    expect(await rules()).toHaveLength(1);
  });

  it('a recovery code works once, is audited and flags the operator', async () => {
    const o = await enrolled();
    const code = o.recoveryCodes[0];
    expect(o.recoveryCodes).toHaveLength(10);
    expect((await completeMfaLogin(await challenge(o.loginId), code.toUpperCase(), meta)).ok).toBe(true);
    expect(await completeMfaLogin(await challenge(o.loginId), code, meta)).toMatchObject({ ok: false });
    expect(await actions(o.tenantId)).toContain('login.recovery_code_used');
    const raised = await withPlatformTx((tx) =>
      tx.select({ rule: alerts.rule, loginId: alerts.loginId }).from(alerts).where(eq(alerts.tenantId, o.tenantId)),
    );
    expect(raised).toEqual([{ rule: 'recovery_code_login', loginId: o.loginId }]);
  });
});

describe('enforcement, reset and step-up', () => {
  it('holds an unenrolled operator after the grace period; platform staff always', async () => {
    const code = `grace${++n}x${Date.now().toString(36)}`;
    const tenantId = await createTenant(code);
    const loginId = `${code}.op`;
    await createOperator(tenantId, loginId, PW);
    const admin = contextFor(tenantId, crypto.randomUUID(), 'tenant_admin');
    await setTotpPolicy(tenantAccess(admin, tenantId, 'security.write'), { required: true, graceDays: 7 });
    const during = await loginWithPassword({ loginId, password: PW }, meta);
    if (!during.ok) throw new Error('login');
    expect((await sessionCtx(during.sessionToken, meta))?.mustEnrollMfa).toBe(false);
    advanceClock(8 * 86_400_000);
    const after = await loginWithPassword({ loginId, password: PW }, meta);
    if (!after.ok) throw new Error('login');
    expect((await sessionCtx(after.sessionToken, meta))?.mustEnrollMfa).toBe(true);
    const [t] = await withPlatformTx((tx) =>
      tx.select({ r: tenants.totpRequired }).from(tenants).where(eq(tenants.id, tenantId)),
    );
    expect(t.r).toBe(true);
  });

  it('admin reset ends sessions and forces re-enrollment; another tenant cannot reset (404)', async () => {
    const o = await enrolled();
    const other = await enrolled();
    await expect(
      resetOperatorMfa(tenantAccess(other.ctx, other.tenantId, 'operators.write'), o.operatorId, {
        reason: 'cross tenant',
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const admin = contextFor(o.tenantId, crypto.randomUUID(), 'tenant_admin');
    expect(
      await resetOperatorMfa(tenantAccess(admin, o.tenantId, 'operators.write'), o.operatorId, {
        reason: 'lost phone',
      }),
    ).toMatchObject({
      sessionsEnded: 1,
    });
    const r = await loginWithPassword({ loginId: o.loginId, password: PW }, meta);
    expect(r.ok).toBe(true);
    if (r.ok)
      expect((await pendingEnrollment(ownAccess((await sessionCtx(r.sessionToken, meta))!))).status).toBe('none');
    expect(await actions(o.tenantId)).toContain('mfa.reset');
  });

  it('step-up: needed within 5 minutes, replay-safe, audited', async () => {
    const o = await enrolled();
    const stale = { ...o.ctx, mfaVerifiedAt: new Date(now().getTime() - 6 * 60_000) };
    expect(() => requireStepUp(stale)).toThrow(AppError);
    expect(() => requireStepUp({ ...stale, totpEnrolled: false })).toThrow(
      expect.objectContaining({ code: 'mfa_enrollment_required' }),
    );
    await expect(
      checkAccess(stale, 'app/t/[tenantId]/actions.ts resetMfaAction', { tenantId: o.tenantId }),
    ).rejects.toMatchObject({ code: 'step_up_required' });
    advanceClock(60_000);
    expect(await stepUp(ownAccess(o.ctx), '000000')).toEqual({ ok: false });
    expect(await stepUp(ownAccess(o.ctx), await totpAt(o.secret, o.nowS()))).toEqual({ ok: true, factor: 'totp' });
    const names = await actions(o.tenantId);
    expect(names).toEqual(expect.arrayContaining(['stepup.failed', 'stepup.succeeded']));
    const rows = await withPlatformTx((tx) =>
      tx
        .select({ a: auditEvents.action })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, o.tenantId), eq(auditEvents.action, 'stepup.succeeded'))),
    );
    expect(rows).toHaveLength(1);
  });
});
