import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, auditEvents, operators, rotationTargets, tenants } from '@/db/schema';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { advanceClock, now, resetClock } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { contextFor, ownAccess, sessionCtx, tenantAccess } from '@/lib/testing/context';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { resetOperatorPassword } from '@/lib/tenancy/update-operator';
import { changeOwnPassword } from './change-own-password';
import { forcePasswordChange } from '@/lib/tenancy/force-password-change';
import { cancelRotationCampaign } from './cancel-rotation-campaign';
import { extendRotationCampaign } from './extend-rotation-campaign';
import { startRotationCampaign } from './start-rotation-campaign';
import { getRotationProgress, listRotationTargets } from './rotation-progress';
import { lockOverdueRotations } from './rotation-targets';
import { updatePasswordSettings } from './update-password-settings';
import { previewRotationCampaign } from './preview-rotation-campaign';

setupTestDatabase();
afterEach(() => resetClock());

const PW = 'a long enough password';
const meta = { ip: '192.0.2.60', userAgent: 'vitest' };
let n = 0;
const uniq = (p: string) => `${p}${++n}x${Date.now().toString(36)}`;
const DAY = 86_400_000;

async function company(operatorsCount = 2) {
  const code = uniq('rot');
  const tenantId = await createTenant(code);
  const adminLogin = `${code}.admin`;
  const adminId = await createOperator(tenantId, adminLogin, PW, 'tenant_admin');
  const ops: { id: string; loginId: string }[] = [];
  for (let i = 0; i < operatorsCount; i++) {
    const loginId = `${code}.op${i}`;
    ops.push({ id: await createOperator(tenantId, loginId, PW), loginId });
  }
  return { tenantId, adminId, adminLogin, ops, admin: contextFor(tenantId, adminId, 'tenant_admin', adminLogin) };
}

async function session(loginId: string, password = PW) {
  const r = await loginWithPassword({ loginId, password }, meta);
  if (!r.ok) throw new Error(`login ${loginId}: ${r.reason}`);
  return { ...r, ctx: (await sessionCtx(r.sessionToken, meta))! };
}

const actions = async (tenantId: string) =>
  (
    await withPlatformTx((tx) =>
      tx
        .select({ action: auditEvents.action, details: auditEvents.details })
        .from(auditEvents)
        .where(eq(auditEvents.tenantId, tenantId))
        .orderBy(auditEvents.seq),
    )
  ).map((e) => e.action);

const staff = () => contextFor(PLATFORM_TENANT_ID, crypto.randomUUID(), 'platform_admin', 'staff');
const inDays = (d: number) => new Date(Date.now() + d * DAY);

/** The refusal a form shows: its code and the field keys. */
async function expectAppError(p: Promise<unknown>, code: string, fields: Record<string, string[]>) {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code, fields });
}

describe('changing a password under the policy', () => {
  it('refuses each policy reason with its key, and the last five passwords', async () => {
    const c = await company(1);
    const s = await session(c.ops[0].loginId);
    const attempt = (newPassword: string) =>
      changeOwnPassword(ownAccess(s.ctx), { currentPassword: current, newPassword, confirmPassword: newPassword }).then(
        () => null,
        (e: AppError) => e.fields?.newPassword,
      );
    let current = PW;
    expect(await attempt('password1234')).toContain('common');
    expect(await attempt(`${c.ops[0].loginId} winter sale`)).toContain('context');
    expect(await attempt('short')).toContain('too_short:12');
    expect(await attempt(PW)).toContain('reused');
    const sequence = [
      'first fresh passphrase',
      'second fresh passphrase',
      'third fresh passphrase',
      'fourth fresh passphrase',
      'fifth fresh passphrase',
    ];
    for (const next of sequence) {
      expect(await attempt(next)).toBeNull();
      current = next;
    }
    // The original is now six back: allowed again. The four before the current one are not.
    expect(await attempt('second fresh passphrase')).toContain('reused');
    expect(await attempt(PW)).toBeNull();
  });

  it('honours a tenant minimum above the platform one', async () => {
    const c = await company(1);
    await updatePasswordSettings(tenantAccess(c.admin, c.tenantId, 'security.write'), {
      minLength: 20,
      maxAgeDays: null,
    });
    const s = await session(c.ops[0].loginId);
    const error = await changeOwnPassword(ownAccess(s.ctx), {
      currentPassword: PW,
      newPassword: 'tangerine otter 9',
      confirmPassword: 'tangerine otter 9',
    }).catch((e: AppError) => e);
    expect((error as AppError).fields?.newPassword).toContain('too_short:20');
  });

  it('forces a change for one operator without touching their password, audited', async () => {
    const c = await company(1);
    await forcePasswordChange(tenantAccess(c.admin, c.tenantId, 'operators.write'), c.ops[0].id, {
      reason: 'shared on chat',
    });
    const s = await session(c.ops[0].loginId);
    expect(s.ctx.mustChangePassword).toBe(true);
    expect(await actions(c.tenantId)).toContain('password.change_forced');
    const other = await company(1);
    await expect(
      forcePasswordChange(tenantAccess(c.admin, c.tenantId, 'operators.write'), other.ops[0].id, {
        reason: 'cross tenant',
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('applies a tenant maximum age only when set', async () => {
    const c = await company(1);
    advanceClock(400 * DAY);
    expect((await session(c.ops[0].loginId)).ctx.mustChangePassword).toBe(false);
    // A security setting: the admin's second factor is fresh on the moved clock too.
    await updatePasswordSettings(tenantAccess({ ...c.admin, mfaVerifiedAt: now() }, c.tenantId, 'security.write'), {
      minLength: 12,
      maxAgeDays: 365,
    });
    expect((await session(c.ops[0].loginId)).ctx.mustChangePassword).toBe(true);
    expect(await actions(c.tenantId)).toContain('password.expired');
  });
});

describe('rotation campaigns', () => {
  it('a tenant campaign flags every operator of that tenant only (the starting admin too) and can end their sessions', async () => {
    const a = await company(3);
    const b = await company(2);
    const sa = await session(a.ops[0].loginId);
    const sb = await session(b.ops[0].loginId);
    const mine = await session(a.adminLogin);
    const r = await startRotationCampaign(tenantAccess(mine.ctx, a.tenantId, 'security.write'), {
      reason: 'credential leak 2026-11',
      deadline: inDays(7),
      revokeSessions: true,
    });
    expect(r).toMatchObject({ operators: 4, tenants: 1, sessionsEnded: 1, includesSelf: true });
    expect(await sessionCtx(sa.sessionToken, meta)).toBeNull();
    // The starter keeps the session they started it from, and changes their password in it.
    expect((await sessionCtx(mine.sessionToken, meta))?.mustChangePassword).toBe(true);
    expect(await sessionCtx(sb.sessionToken, meta)).not.toBeNull();
    const flagged = await withPlatformTx((tx) =>
      tx
        .select({ id: operators.id, must: operators.mustChangePassword })
        .from(operators)
        .where(eq(operators.tenantId, a.tenantId)),
    );
    expect(
      flagged
        .filter((o) => o.must)
        .map((o) => o.id)
        .sort(),
    ).toEqual([...a.ops.map((o) => o.id), a.adminId].sort());
    expect(await actions(a.tenantId)).toContain('rotation.started');
    expect(await actions(b.tenantId)).not.toContain('rotation.started');
  });

  it('tracks progress, locks stragglers after the deadline, and an admin reset lets them finish', async () => {
    const a = await company(3);
    const { campaignId } = await startRotationCampaign(tenantAccess(a.admin, a.tenantId, 'security.write'), {
      reason: 'annual incident drill',
      deadline: inDays(2),
      revokeSessions: false,
    });
    const s0 = await session(a.ops[0].loginId);
    await changeOwnPassword(ownAccess(s0.ctx), {
      currentPassword: PW,
      newPassword: 'violet harbour lanterns',
      confirmPassword: 'violet harbour lanterns',
    });
    let progress = (await getRotationProgress(tenantAccess(a.admin, a.tenantId, 'operators.read'), campaignId))!;
    expect(progress.totals).toMatchObject({ total: 4, rotated: 1, pending: 3, locked: 0, notLoggedInSince: 3 });

    advanceClock(3 * DAY);
    // The login path locks at the deadline even before the sweep runs.
    expect(await loginWithPassword({ loginId: a.ops[1].loginId, password: PW }, meta)).toEqual({
      ok: false,
      reason: 'locked',
    });
    await withPlatformTx((tx) => lockOverdueRotations(tx));
    progress = (await getRotationProgress(tenantAccess(a.admin, a.tenantId, 'operators.read'), campaignId))!;
    expect(progress.totals).toMatchObject({ rotated: 1, pending: 0, locked: 3 });
    expect(await loginWithPassword({ loginId: a.ops[2].loginId, password: PW }, meta)).toEqual({
      ok: false,
      reason: 'locked',
    });
    expect(await actions(a.tenantId)).toEqual(
      expect.arrayContaining(['rotation.completed_by_operator', 'rotation.locked_after_deadline']),
    );

    const reset = await resetOperatorPassword(tenantAccess(a.admin, a.tenantId, 'operators.write'), a.ops[2].id, {
      reason: 'forgot it',
    });
    const s2 = await session(a.ops[2].loginId, reset.temporaryPassword);
    await changeOwnPassword(ownAccess(s2.ctx), {
      currentPassword: reset.temporaryPassword,
      newPassword: 'marigold ferry crossing',
      confirmPassword: 'marigold ferry crossing',
    });
    const rows = await listRotationTargets(tenantAccess(a.admin, a.tenantId, 'operators.read'), campaignId);
    expect(rows.find((r) => r.loginId === a.ops[2].loginId)?.status).toBe('rotated');
  });

  it('previews what a start would do, the starter included, and changes nothing', async () => {
    const a = await company(3);
    await session(a.ops[0].loginId);
    await session(a.ops[1].loginId);
    const input = { reason: 'credential leak 2026-11', deadline: inDays(7), revokeSessions: true };
    const preview = await previewRotationCampaign(tenantAccess(a.admin, a.tenantId, 'security.write'), input);
    expect(preview).toEqual({ operators: 4, tenants: 1, includesSelf: true, liveSessions: 2 });
    expect(await actions(a.tenantId)).not.toContain('rotation.started');
    const flagged = await withPlatformTx((tx) =>
      tx.$count(operators, and(eq(operators.tenantId, a.tenantId), eq(operators.mustChangePassword, true))),
    );
    expect(flagged).toBe(0);
    await expectAppError(
      previewRotationCampaign(tenantAccess(a.admin, a.tenantId, 'security.write'), { ...input, deadline: inDays(0) }),
      'bad_request',
      { deadline: ['in_past'] },
    );
  });

  it('a platform campaign names its tenants: an empty choice is refused, "all" must match the number of tenants', async () => {
    const a = await company(1);
    const platform = tenantAccess(staff(), PLATFORM_TENANT_ID, 'security.write');
    const base = { reason: 'platform credential leak', deadline: inDays(5), revokeSessions: false };
    await expectAppError(startRotationCampaign(platform, base), 'bad_request', { tenantIds: ['choose_tenants'] });
    const all = await withPlatformTx((tx) => tx.$count(tenants, eq(tenants.kind, 'tenant')));
    await expectAppError(previewRotationCampaign(platform, { ...base, allTenants: all + 1 }), 'conflict', {
      allTenants: [`tenants_changed:${all}`],
    });
    expect(await actions(a.tenantId)).not.toContain('rotation.started');
    const preview = await previewRotationCampaign(platform, { ...base, allTenants: all });
    expect(preview).toMatchObject({ tenants: all, includesSelf: false });
    const started = await startRotationCampaign(platform, { ...base, allTenants: all });
    expect(started).toMatchObject({ operators: preview.operators, tenants: all, includesSelf: false });
    expect(await actions(a.tenantId)).toContain('rotation.started');
  });

  it('a platform campaign covers the chosen tenants with per-tenant progress and events', async () => {
    const a = await company(2);
    const b = await company(4);
    const c = await company(1);
    const {
      campaignId,
      operators: count,
      tenants: tenantCount,
    } = await startRotationCampaign(tenantAccess(staff(), PLATFORM_TENANT_ID, 'security.write'), {
      reason: 'platform credential leak',
      deadline: inDays(5),
      revokeSessions: false,
      tenantIds: [a.tenantId, b.tenantId],
    });
    expect({ count, tenantCount }).toEqual({ count: 8, tenantCount: 2 });
    const progress = (await getRotationProgress(
      tenantAccess(staff(), PLATFORM_TENANT_ID, 'operators.read'),
      campaignId,
    ))!;
    // Laggards first: b has more pending.
    expect(progress.tenants.map((t) => t.tenantId)).toEqual([b.tenantId, a.tenantId]);
    expect(await actions(a.tenantId)).toContain('rotation.started');
    expect(await actions(c.tenantId)).not.toContain('rotation.started');
  });

  it("reads a campaign's targets only through the campaign's owner, even where the rows are a tenant's own", async () => {
    const a = await company(2);
    const { campaignId } = await startRotationCampaign(tenantAccess(staff(), PLATFORM_TENANT_ID, 'security.write'), {
      reason: 'owner scope',
      deadline: inDays(5),
      revokeSessions: false,
      tenantIds: [a.tenantId],
    });
    // The targets are a's operators, which a's admin may read; the campaign is the platform's.
    expect(await listRotationTargets(tenantAccess(a.admin, a.tenantId, 'operators.read'), campaignId)).toEqual([]);
    expect(await getRotationProgress(tenantAccess(a.admin, a.tenantId, 'operators.read'), campaignId)).toBeNull();
    await expect(
      extendRotationCampaign(tenantAccess(a.admin, a.tenantId, 'security.write'), campaignId, { deadline: inDays(9) }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(
      (await listRotationTargets(tenantAccess(staff(), PLATFORM_TENANT_ID, 'operators.read'), campaignId))
        .map((r) => r.loginId)
        .sort(),
    ).toEqual([a.adminLogin, ...a.ops.map((o) => o.loginId)].sort());
  });

  it('extends (later only) and cancels, releasing pending operators', async () => {
    const a = await company(2);
    const { campaignId } = await startRotationCampaign(tenantAccess(a.admin, a.tenantId, 'security.write'), {
      reason: 'suspicious logins',
      deadline: inDays(1),
      revokeSessions: false,
    });
    await expect(
      extendRotationCampaign(tenantAccess(a.admin, a.tenantId, 'security.write'), campaignId, {
        deadline: inDays(0.5),
      }),
    ).rejects.toBeInstanceOf(AppError);
    await extendRotationCampaign(tenantAccess(a.admin, a.tenantId, 'security.write'), campaignId, {
      deadline: inDays(10),
    });
    advanceClock(2 * DAY);
    await withPlatformTx((tx) => lockOverdueRotations(tx));
    expect(
      (await getRotationProgress(tenantAccess(a.admin, a.tenantId, 'operators.read'), campaignId))!.totals.locked,
    ).toBe(0);
    expect(await cancelRotationCampaign(tenantAccess(a.admin, a.tenantId, 'security.write'), campaignId)).toEqual({
      released: 3,
    });
    expect((await session(a.ops[0].loginId)).ctx.mustChangePassword).toBe(false);
    expect(await actions(a.tenantId)).toEqual(expect.arrayContaining(['rotation.extended', 'rotation.cancelled']));
    await expect(
      cancelRotationCampaign(tenantAccess(a.admin, a.tenantId, 'security.write'), campaignId),
    ).rejects.toMatchObject({ code: 'conflict' });
    // Another tenant cannot see or touch it through its own tenant.
    const b = await company(1);
    expect(await getRotationProgress(tenantAccess(b.admin, b.tenantId, 'operators.read'), campaignId)).toBeNull();
    await expect(
      cancelRotationCampaign(tenantAccess(b.admin, b.tenantId, 'security.write'), campaignId),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('only operators whose password predates the campaign, and only active ones, are in scope', async () => {
    const a = await company(2);
    await withPlatformTx((tx) =>
      tx
        .update(operators)
        .set({ status: 'disabled' })
        .where(and(eq(operators.tenantId, a.tenantId), eq(operators.id, a.ops[1].id))),
    );
    const r = await startRotationCampaign(tenantAccess(a.admin, a.tenantId, 'security.write'), {
      reason: 'scope check',
      deadline: inDays(3),
      revokeSessions: false,
    });
    expect(r.operators).toBe(2);
    const targets = await withPlatformTx((tx) =>
      tx
        .select({ op: rotationTargets.operatorId })
        .from(rotationTargets)
        .where(eq(rotationTargets.campaignId, r.campaignId)),
    );
    expect(targets.map((t) => t.op).sort()).toEqual([a.ops[0].id, a.adminId].sort());
    const [t] = await withPlatformTx((tx) =>
      tx.select({ n: tenants.operatorCount }).from(tenants).where(eq(tenants.id, a.tenantId)),
    );
    expect(t.n).toBe(3);
  });
});
