import { and, eq, isNull } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import {
  PLATFORM_TENANT_ID,
  apiTokens,
  auditEvents,
  compromiseDeclarations,
  compromiseTenants,
  recoveryCodes,
  totpCredentials,
} from '@/db/schema';
import { createApiToken } from '@/lib/api/create-api-token';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { advanceClock, now, resetClock } from '@/lib/clock';
import { completeMfaLogin } from '@/lib/mfa/complete-mfa-login';
import { confirmTotpEnrollment, startTotpEnrollment } from '@/lib/mfa/enroll-totp';
import { totpAt } from '@/lib/mfa/otp';
import { contextFor, ownAccess, sessionCtx, tenantAccess } from '@/lib/testing/context';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { refusal } from '@/lib/testing/refusal';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { declareCompromise } from './declare-compromise';
import { endCompromise } from './end-compromise';
import { getCompromise } from './get-compromise';
import { resumeCompromises } from './resume-compromises';

setupTestDatabase();
afterEach(() => resetClock());

const PW = 'a long enough password';
const meta = { ip: '192.0.2.80', userAgent: 'vitest' };
let n = 0;

/** A company with an admin and an operator enrolled in TOTP (with recovery codes), and a token. */
async function company() {
  const code = `cm${++n}x${Date.now().toString(36)}`;
  const tenantId = await createTenant(code);
  const adminLogin = `${code}.admin`;
  const adminId = await createOperator(tenantId, adminLogin, PW, 'tenant_admin');
  const opLogin = `${code}.op`;
  await createOperator(tenantId, opLogin, PW);
  const first = await loginWithPassword({ loginId: opLogin, password: PW }, meta);
  if (!first.ok) throw new Error('login');
  const ctx = (await sessionCtx(first.sessionToken, meta))!;
  const secret = (await startTotpEnrollment(ownAccess(ctx))).secretGroups.replace(/ /g, '');
  const nowS = () => Math.floor(now().getTime() / 1000);
  await confirmTotpEnrollment(ownAccess(ctx), await totpAt(secret, nowS()));
  const admin = { ...contextFor(tenantId, adminId, 'tenant_admin', adminLogin), ip: meta.ip };
  const writer = tenantAccess(admin, tenantId, 'security.write');
  await createApiToken(writer, { name: 'siem', days: 30, scopes: ['audit:read'] });
  return { tenantId, opLogin, session: first, secret, nowS, admin, writer };
}

const live = async (tenantId: string) =>
  withPlatformTx(async (tx) => ({
    tokens: (
      await tx
        .select({ id: apiTokens.id })
        .from(apiTokens)
        .where(and(eq(apiTokens.tenantId, tenantId), isNull(apiTokens.revokedAt)))
    ).length,
    codes: (await tx.select({ id: recoveryCodes.id }).from(recoveryCodes).where(eq(recoveryCodes.tenantId, tenantId)))
      .length,
    seeds: (
      await tx
        .select({ id: totpCredentials.operatorId })
        .from(totpCredentials)
        .where(eq(totpCredentials.tenantId, tenantId))
    ).length,
  }));

describe('compromise mode', () => {
  it('voids every credential issued before it in the tenant; the old password then leads only to the change form, after TOTP', async () => {
    const c = await company();
    const other = await company();
    advanceClock(1_000);
    const r = await declareCompromise(c.writer, { reason: 'web server backdoor', reenrollTotp: false });
    expect(r).toMatchObject({ tenants: 1, operators: 2, sessionsEnded: 1 });
    expect(await sessionCtx(c.session.sessionToken, meta)).toBeNull();
    expect(await live(c.tenantId)).toEqual({ tokens: 0, codes: 0, seeds: 1 });
    // Another company is untouched.
    expect(await live(other.tenantId)).toEqual({ tokens: 1, codes: 10, seeds: 1 });
    expect(await sessionCtx(other.session.sessionToken, meta)).not.toBeNull();

    // The old password still asks for the second factor, and then only for a new password.
    const again = await loginWithPassword({ loginId: c.opLogin, password: PW }, meta);
    expect(again).toMatchObject({ ok: false, reason: 'mfa_required' });
    advanceClock(30_000);
    const done = await completeMfaLogin(
      (again as { challengeToken: string }).challengeToken,
      await totpAt(c.secret, c.nowS()),
      meta,
    );
    if (!done.ok) throw new Error(done.reason);
    expect(await sessionCtx(done.sessionToken, meta)).toMatchObject({ mustChangePassword: true });

    const progress = (await getCompromise(c.writer))!;
    expect(progress.declaration).toMatchObject({
      reason: 'web server backdoor',
      operators: 2,
      sessionsEnded: 1,
      tokensRevoked: 1,
      recoveryCodesVoided: 10,
      totpVoided: 0,
      endedAt: null,
    });
    expect(progress.tenants).toEqual([
      expect.objectContaining({
        tenantId: c.tenantId,
        operators: 2,
        passwordsChanged: 0,
        factorEstablished: 1,
        oldSessionsLive: 0,
        oldTokensLive: 0,
      }),
    ]);
    // One at a time, ended only explicitly.
    expect(await refusal(declareCompromise(c.writer, { reason: 'again', reenrollTotp: false }))).toEqual({
      code: 'conflict',
      fields: { reason: ['compromise_active'] },
    });
    await endCompromise(c.writer, { reason: 'all credentials re-established' });
    expect((await getCompromise(c.writer))!.declaration.endedAt).not.toBeNull();
    expect(await refusal(endCompromise(c.writer, { reason: 'twice' }))).toEqual({
      code: 'not_found',
      fields: undefined,
    });
    const events = await withPlatformTx((tx) =>
      tx
        .select({ action: auditEvents.action, details: auditEvents.details })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, c.tenantId), eq(auditEvents.targetType, 'compromise')))
        .orderBy(auditEvents.seq),
    );
    expect(events.map((e) => e.action)).toEqual(['compromise.declared', 'compromise.applied', 'compromise.ended']);
    expect(events[0].details).toMatchObject({ reason: 'web server backdoor', tenants: 1 });
    expect(events[1].details).toMatchObject({
      operators: 2,
      sessionsEnded: 1,
      tokensRevoked: 1,
      recoveryCodesVoided: 10,
      totpVoided: 0,
    });
    expect(events[1].details).not.toHaveProperty('campaignTenantId');
  });

  it('from the platform, for chosen tenants: TOTP seeds voided on request, each tenant’s chain told; a time in the future is refused', async () => {
    const a = await company();
    const b = await company();
    const staff = {
      ...contextFor(PLATFORM_TENANT_ID, a.admin.operatorId, 'platform_admin', 'staff.admin'),
      ip: meta.ip,
    };
    const platform = tenantAccess(staff, PLATFORM_TENANT_ID, 'security.write');
    expect(
      await refusal(
        declareCompromise(platform, {
          reason: 'x',
          reenrollTotp: true,
          voidBefore: new Date(now().getTime() + 60_000),
          tenantIds: [a.tenantId],
        }),
      ),
    ).toEqual({ code: 'bad_request', fields: { voidBefore: ['in_future'] } });
    expect(await refusal(declareCompromise(platform, { reason: 'x', reenrollTotp: true }))).toEqual({
      code: 'bad_request',
      fields: { tenantIds: ['choose_tenants'] },
    });
    advanceClock(1_000);
    const r = await declareCompromise(platform, {
      reason: 'seeds leaked',
      reenrollTotp: true,
      tenantIds: [a.tenantId],
    });
    expect(r).toMatchObject({ tenants: 1, operators: 2 });
    expect(await live(a.tenantId)).toEqual({ tokens: 0, codes: 0, seeds: 0 });
    expect(await live(b.tenantId)).toEqual({ tokens: 1, codes: 10, seeds: 1 });
    // With no seed, the operator must enroll again: the session carries it.
    const back = await loginWithPassword({ loginId: a.opLogin, password: PW }, meta);
    if (!back.ok) throw new Error(back.reason);
    expect(await sessionCtx(back.sessionToken, meta)).toMatchObject({ mustChangePassword: true, totpEnrolled: false });
    const told = await withPlatformTx((tx) =>
      tx
        .select({ details: auditEvents.details })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, a.tenantId), eq(auditEvents.action, 'compromise.applied'))),
    );
    expect(told).toEqual([
      {
        details: expect.objectContaining({
          reason: 'seeds leaked',
          totpVoided: 1,
          tokensRevoked: 1,
          campaignTenantId: PLATFORM_TENANT_ID,
        }),
      },
    ]);
    const progress = (await getCompromise(platform))!;
    expect(progress.tenants.map((t) => [t.tenantId, t.factorEstablished])).toEqual([[a.tenantId, 0]]);
  });

  it('a declaration an instance died while applying is finished by the resume sweep, each tenant once, by the platform', async () => {
    const a = await company();
    const b = await company();
    advanceClock(1_000);
    // The state a crash right after the declaration's own transaction leaves: covered, not voided.
    const id = crypto.randomUUID();
    await withPlatformTx(async (tx) => {
      await tx
        .update(compromiseDeclarations)
        .set({ endedAt: now() })
        .where(and(eq(compromiseDeclarations.tenantId, PLATFORM_TENANT_ID), isNull(compromiseDeclarations.endedAt)));
      await tx.insert(compromiseDeclarations).values({
        tenantId: PLATFORM_TENANT_ID,
        id,
        reason: 'interrupted',
        voidBefore: now(),
        reenrollTotp: false,
        declaredAt: now(),
        declaredByLoginId: 'staff.admin',
      });
      await tx.insert(compromiseTenants).values([
        { tenantId: a.tenantId, ownerTenantId: PLATFORM_TENANT_ID, declarationId: id },
        { tenantId: b.tenantId, ownerTenantId: PLATFORM_TENANT_ID, declarationId: id },
      ]);
    });
    // Within the first minute the declaring request is taken to be still at work.
    expect(await resumeCompromises()).toBe(0);
    expect(await live(a.tenantId)).toEqual({ tokens: 1, codes: 10, seeds: 1 });
    advanceClock(61_000);
    // Two instances sweeping at once: each tenant is voided exactly once.
    const [x, y] = await Promise.all([resumeCompromises(), resumeCompromises()]);
    expect(x + y).toBe(2);
    expect(await resumeCompromises()).toBe(0);
    expect(await live(a.tenantId)).toEqual({ tokens: 0, codes: 0, seeds: 1 });
    expect(await live(b.tenantId)).toEqual({ tokens: 0, codes: 0, seeds: 1 });
    expect(await sessionCtx(b.session.sessionToken, meta)).toBeNull();
    const applied = await withPlatformTx((tx) =>
      tx
        .select({ tenantId: auditEvents.tenantId, actor: auditEvents.actorLoginId, details: auditEvents.details })
        .from(auditEvents)
        .where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, 'compromise.applied'))),
    );
    expect(applied.map((e) => e.tenantId).sort()).toEqual([a.tenantId, b.tenantId].sort());
    expect(applied.every((e) => e.actor === null)).toBe(true);
    expect(applied[0].details).toMatchObject({
      tokensRevoked: 1,
      recoveryCodesVoided: 10,
      campaignTenantId: PLATFORM_TENANT_ID,
    });
    const staff = {
      ...contextFor(PLATFORM_TENANT_ID, a.admin.operatorId, 'platform_admin', 'staff.admin'),
      ip: meta.ip,
    };
    const progress = (await getCompromise(tenantAccess(staff, PLATFORM_TENANT_ID, 'security.write')))!;
    expect(progress.declaration).toMatchObject({
      id,
      pending: 0,
      tokensRevoked: 2,
      recoveryCodesVoided: 20,
      operators: 4,
    });
  });
});
