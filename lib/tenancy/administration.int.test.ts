import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, auditEvents, operators, sites, tenants } from '@/db/schema';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { endAllSessions, endOperatorSessions, endTenantSessions } from '@/lib/auth/revoke-sessions-bulk';
import { AppError } from '@/lib/http/app-error';
import { changeOwnPassword } from '@/lib/passwords/change-own-password';
import { contextFor, ownAccess, platformAccess, sessionCtx, tenantAccess } from '@/lib/testing/context';
import { createOperator as fixtureOperator, createTenant as fixtureTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { createOperator, createOperatorInput } from './create-operator';
import { getOperator, listOperators } from './list-operators';
import { getTenantOverview } from './get-tenant-overview';
import { listTenants } from './list-tenants';
import { addSite, closeSite, renameSite } from './manage-sites';
import { createTenant, setTenantStatus, updateTenant } from './manage-tenant';
import {
  changeOperatorRole,
  resetOperatorPassword,
  setOperatorStatus,
  unlockOperator,
  updateOperator,
} from './update-operator';

setupTestDatabase();

const PW = 'a long enough password';
let seq = 0;
const uniq = (p: string) => `${p}${++seq}x${Date.now().toString(36)}`;
const meta = { ip: '192.0.2.50', userAgent: 'vitest' };

/** A login ID of a tenant: its code, a dot, then a unique name. */
const idIn = (code: string, p: string) => `${code}.${uniq(p)}`;
const staffLoginId = (p: string) => idIn('platform', p);

async function world() {
  const code = uniq('w');
  const tenantId = await fixtureTenant(code);
  const id = (p: string) => idIn(code, p);
  const adminLogin = id('admin');
  const adminId = await fixtureOperator(tenantId, adminLogin, PW, 'tenant_admin');
  const opLogin = id('op');
  const opId = await fixtureOperator(tenantId, opLogin, PW, 'tenant_operator');
  return {
    tenantId,
    id,
    adminId,
    adminLogin,
    opId,
    opLogin,
    admin: contextFor(tenantId, adminId, 'tenant_admin', adminLogin),
  };
}

async function login(loginId: string, password = PW) {
  const r = await loginWithPassword({ loginId, password }, meta);
  if (!r.ok) throw new Error(`login failed: ${r.reason}`);
  return r;
}

const actions = async (tenantId: string) =>
  await withPlatformTx((tx) =>
    tx
      .select({ action: auditEvents.action, details: auditEvents.details })
      .from(auditEvents)
      .where(eq(auditEvents.tenantId, tenantId))
      .orderBy(auditEvents.seq),
  );

async function expectAppError(p: Promise<unknown>, code: string, field?: string, message?: string) {
  const error = await p.then(
    () => null,
    (e) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (field) expect((error as AppError).fields?.[field]).toEqual([message]);
}

describe('operators', () => {
  it('creates an operator with a one-time temporary password that must be changed', async () => {
    const w = await world();
    const loginId = w.id('Ｎew.User'); // full-width letter: stored NFKC
    const created = await createOperator(tenantAccess(w.admin, w.tenantId, 'operators.write'), {
      loginId: loginId.normalize('NFKC'),
      displayName: '新人 太郎',
      email: null,
      role: 'tenant_operator',
    });
    expect(created.temporaryPassword).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    const session = await login(loginId.toLowerCase(), created.temporaryPassword);
    const ctx = await sessionCtx(session.sessionToken, meta);
    expect(ctx?.mustChangePassword).toBe(true);
    expect((await actions(w.tenantId)).map((e) => e.action)).toContain('operator.created');
  });

  it('gives a new account the lowest role unless a higher one is chosen, and records which', async () => {
    const w = await world();
    // What the form posts when nobody touched the role: the field blank or missing altogether.
    for (const raw of [{ role: '' }, {}]) {
      const input = createOperatorInput.parse({ loginId: w.id('plain'), displayName: 'x', email: '', ...raw });
      const created = await createOperator(tenantAccess(w.admin, w.tenantId, 'operators.write'), input);
      expect(created.role).toBe('tenant_operator');
      const [row] = await withPlatformTx((tx) =>
        tx.select({ role: operators.role }).from(operators).where(eq(operators.id, created.operatorId)),
      );
      expect(row.role).toBe('tenant_operator');
    }
    const admin = await createOperator(
      tenantAccess(w.admin, w.tenantId, 'operators.write'),
      createOperatorInput.parse({ loginId: w.id('boss'), displayName: 'x', email: '', role: 'tenant_admin' }),
    );
    expect(admin.role).toBe('tenant_admin');
    const created = (await actions(w.tenantId)).filter((e) => e.action === 'operator.created').map((e) => e.details);
    expect(created).toEqual([
      expect.objectContaining({ role: 'tenant_operator', roleChosen: 'default', aboveBase: false }),
      expect.objectContaining({ role: 'tenant_operator', roleChosen: 'default', aboveBase: false }),
      expect.objectContaining({ role: 'tenant_admin', roleChosen: 'explicit', aboveBase: true }),
    ]);
    // Platform staff start as auditors.
    const staff = contextFor(PLATFORM_TENANT_ID, crypto.randomUUID(), 'platform_admin');
    expect(
      (
        await createOperator(
          tenantAccess(staff, PLATFORM_TENANT_ID, 'operators.write'),
          createOperatorInput.parse({ loginId: staffLoginId('staff'), displayName: 'x', email: '' }),
        )
      ).role,
    ).toBe('platform_auditor');
  });

  it("keeps login IDs in the tenant's own name: another tenant's cannot even be tried, a taken one is a field message", async () => {
    const a = await world();
    const b = await world();
    const attempt = (loginId: string) =>
      createOperator(tenantAccess(b.admin, b.tenantId, 'operators.write'), {
        loginId,
        displayName: 'x',
        email: null,
        role: 'tenant_operator',
      });
    // a's operator's ID is refused for not carrying b's code, whether or not it exists.
    await expectAppError(attempt(a.opLogin.toUpperCase()), 'bad_request', 'loginId', 'tenant_prefix');
    await expectAppError(attempt(a.id('nobody')), 'bad_request', 'loginId', 'tenant_prefix');
    await expectAppError(attempt(b.opLogin.toUpperCase()), 'conflict', 'loginId', 'taken');
    // The database holds the rule too, for any writer.
    await expect(fixtureOperator(b.tenantId, a.id('direct'), PW)).rejects.toMatchObject({
      cause: expect.objectContaining({ code: '23514' }),
    });
  });

  it('never gives a company operator a platform role', async () => {
    const w = await world();
    await expectAppError(
      createOperator(tenantAccess(w.admin, w.tenantId, 'operators.write'), {
        loginId: w.id('p'),
        displayName: 'x',
        email: null,
        role: 'platform_admin',
      }),
      'bad_request',
      'role',
      'invalid_choice',
    );
    await expectAppError(
      changeOperatorRole(tenantAccess(w.admin, w.tenantId, 'operators.write'), w.opId, { role: 'platform_auditor' }),
      'bad_request',
      'role',
      'invalid_choice',
    );
  });

  it('edits with before/after in the audit trail', async () => {
    const w = await world();
    await updateOperator(tenantAccess(w.admin, w.tenantId, 'operators.write'), w.opId, {
      displayName: '山田 花子',
      email: 'hanako@example.jp',
    });
    const e = (await actions(w.tenantId)).find((x) => x.action === 'operator.updated');
    expect(e?.details).toMatchObject({
      before: { displayName: w.opLogin, email: null },
      after: { displayName: '山田 花子', email: 'hanako@example.jp' },
    });
  });

  it("disabling ends the operator's sessions now; re-enabling lets them log in again", async () => {
    const w = await world();
    const s = await login(w.opLogin);
    const r = await setOperatorStatus(tenantAccess(w.admin, w.tenantId, 'operators.write'), w.opId, {
      status: 'disabled',
      reason: 'left the company',
    });
    expect(r.sessionsEnded).toBe(1);
    expect(await sessionCtx(s.sessionToken, meta)).toBeNull();
    expect((await loginWithPassword({ loginId: w.opLogin, password: PW }, meta)).ok).toBe(false);
    await setOperatorStatus(tenantAccess(w.admin, w.tenantId, 'operators.write'), w.opId, {
      status: 'active',
      reason: 'came back',
    });
    expect((await loginWithPassword({ loginId: w.opLogin, password: PW }, meta)).ok).toBe(true);
  });

  it('lowering a role takes effect on the next request', async () => {
    const w = await world();
    const second = await fixtureOperator(w.tenantId, w.id('admin2'), PW, 'tenant_admin');
    const s = await login(
      (
        await withPlatformTx((tx) =>
          tx.select({ l: operators.loginId }).from(operators).where(eq(operators.id, second)),
        )
      )[0].l,
    );
    expect((await sessionCtx(s.sessionToken, meta))?.role).toBe('tenant_admin');
    await changeOperatorRole(tenantAccess(w.admin, w.tenantId, 'operators.write'), second, { role: 'tenant_operator' });
    expect((await sessionCtx(s.sessionToken, meta))?.role).toBe('tenant_operator');
    const e = (await actions(w.tenantId)).find((x) => x.action === 'operator.role_changed');
    expect(e?.details).toMatchObject({ before: 'tenant_admin', after: 'tenant_operator' });
  });

  it("always keeps one active admin, and never changes one's own role or status", async () => {
    const w = await world();
    const other = contextFor(w.tenantId, w.opId, 'tenant_admin');
    await expectAppError(
      setOperatorStatus(tenantAccess(other, w.tenantId, 'operators.write'), w.adminId, {
        status: 'disabled',
        reason: 'test it',
      }),
      'conflict',
      'role',
      'last_admin',
    );
    await expectAppError(
      changeOperatorRole(tenantAccess(other, w.tenantId, 'operators.write'), w.adminId, { role: 'tenant_operator' }),
      'conflict',
      'role',
      'last_admin',
    );
    await expectAppError(
      changeOperatorRole(tenantAccess(w.admin, w.tenantId, 'operators.write'), w.adminId, { role: 'tenant_operator' }),
      'conflict',
      'role',
      'own_role',
    );
    await expectAppError(
      setOperatorStatus(tenantAccess(w.admin, w.tenantId, 'operators.write'), w.adminId, {
        status: 'disabled',
        reason: 'test it',
      }),
      'conflict',
      'status',
      'own_account',
    );
  });

  it('two admins demoting each other at once: exactly one succeeds', async () => {
    const w = await world();
    const b = await fixtureOperator(w.tenantId, w.id('adminb'), PW, 'tenant_admin');
    const ctxB = contextFor(w.tenantId, b, 'tenant_admin');
    const results = await Promise.allSettled([
      changeOperatorRole(tenantAccess(w.admin, w.tenantId, 'operators.write'), b, { role: 'tenant_operator' }),
      changeOperatorRole(tenantAccess(ctxB, w.tenantId, 'operators.write'), w.adminId, { role: 'tenant_operator' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [row] = await withPlatformTx((tx) =>
      tx
        .select({ n: sql<number>`count(*)::int` })
        .from(operators)
        .where(and(eq(operators.tenantId, w.tenantId), eq(operators.role, 'tenant_admin'))),
    );
    expect(row.n).toBe(1);
  });

  it('keeps at least one active platform admin', async () => {
    const [first] = await withPlatformTx((tx) =>
      tx
        .select({ id: operators.id })
        .from(operators)
        .where(
          and(
            eq(operators.tenantId, PLATFORM_TENANT_ID),
            eq(operators.role, 'platform_admin'),
            eq(operators.status, 'active'),
          ),
        ),
    );
    const staffId =
      first?.id ?? (await fixtureOperator(PLATFORM_TENANT_ID, staffLoginId('staff'), PW, 'platform_admin'));
    const auditor = await fixtureOperator(PLATFORM_TENANT_ID, staffLoginId('auditor'), PW, 'platform_auditor');
    const ctx = contextFor(PLATFORM_TENANT_ID, auditor, 'platform_admin');
    const count = (
      await withPlatformTx((tx) =>
        tx
          .select({ n: sql<number>`count(*)::int` })
          .from(operators)
          .where(
            and(
              eq(operators.tenantId, PLATFORM_TENANT_ID),
              eq(operators.role, 'platform_admin'),
              eq(operators.status, 'active'),
            ),
          ),
      )
    )[0].n;
    if (count === 1)
      await expectAppError(
        changeOperatorRole(tenantAccess(ctx, PLATFORM_TENANT_ID, 'operators.write'), staffId, {
          role: 'platform_auditor',
        }),
        'conflict',
        'role',
        'last_admin',
      );
    await expectAppError(
      createOperator(tenantAccess(ctx, PLATFORM_TENANT_ID, 'operators.write'), {
        loginId: staffLoginId('x'),
        displayName: 'x',
        email: null,
        role: 'tenant_admin',
      }),
      'bad_request',
      'role',
      'invalid_choice',
    );
  });

  it("cannot touch another tenant's operator through its own tenant (404, nothing changed)", async () => {
    const a = await world();
    const b = await world();
    await expectAppError(
      updateOperator(tenantAccess(a.admin, a.tenantId, 'operators.write'), b.opId, {
        displayName: 'pwned',
        email: null,
      }),
      'not_found',
    );
    await expectAppError(
      setOperatorStatus(tenantAccess(a.admin, a.tenantId, 'operators.write'), b.opId, {
        status: 'disabled',
        reason: 'pwned!',
      }),
      'not_found',
    );
    await expectAppError(
      resetOperatorPassword(tenantAccess(a.admin, a.tenantId, 'operators.write'), b.opId, { reason: 'forgot it' }),
      'not_found',
    );
    await expectAppError(
      unlockOperator(tenantAccess(a.admin, a.tenantId, 'operators.write'), b.opId, { reason: 'locked out' }),
      'not_found',
    );
    await expectAppError(
      endOperatorSessions(tenantAccess(a.admin, a.tenantId, 'sessions.manage'), b.opId, 'pwned!'),
      'not_found',
    );
    const [row] = await withPlatformTx((tx) =>
      tx
        .select({ name: operators.displayName, status: operators.status })
        .from(operators)
        .where(eq(operators.id, b.opId)),
    );
    expect(row).toEqual({ name: b.opLogin, status: 'active' });
    expect(
      (await listOperators(tenantAccess(a.admin, a.tenantId, 'operators.read'), {})).rows.map((r) => r.id),
    ).not.toContain(b.opId);
  });

  it('unlock clears a 100-failure lock; reset issues a new temporary password and ends sessions', async () => {
    const w = await world();
    await withPlatformTx((tx) =>
      tx.update(operators).set({ failedLoginCount: 100, lockedAt: new Date() }).where(eq(operators.id, w.opId)),
    );
    expect((await loginWithPassword({ loginId: w.opLogin, password: PW }, meta)).ok).toBe(false);
    await unlockOperator(tenantAccess(w.admin, w.tenantId, 'operators.write'), w.opId, { reason: 'locked out' });
    const s = await login(w.opLogin);
    const reset = await resetOperatorPassword(tenantAccess(w.admin, w.tenantId, 'operators.write'), w.opId, {
      reason: 'forgot it',
    });
    expect(reset.sessionsEnded).toBe(1);
    expect(await sessionCtx(s.sessionToken, meta)).toBeNull();
    expect((await loginWithPassword({ loginId: w.opLogin, password: PW }, meta)).ok).toBe(false);
    const again = await login(w.opLogin, reset.temporaryPassword);
    expect((await sessionCtx(again.sessionToken, meta))?.mustChangePassword).toBe(true);
  });
});

describe("changing one's own password", () => {
  it('needs the current password, clears must-change and ends the other sessions only', async () => {
    const w = await world();
    const a = await login(w.opLogin);
    const b = await login(w.opLogin);
    const ctx = (await sessionCtx(b.sessionToken, meta))!;
    await expectAppError(
      changeOwnPassword(ownAccess(ctx), {
        currentPassword: 'wrong one',
        newPassword: 'another long password',
        confirmPassword: 'another long password',
      }),
      'bad_request',
      'currentPassword',
      'wrong_password',
    );
    const r = await changeOwnPassword(ownAccess(ctx), {
      currentPassword: PW,
      newPassword: 'another long password',
      confirmPassword: 'another long password',
    });
    expect(r.otherSessionsEnded).toBe(1);
    expect(await sessionCtx(a.sessionToken, meta)).toBeNull();
    expect(await sessionCtx(b.sessionToken, meta)).not.toBeNull();
    expect((await loginWithPassword({ loginId: w.opLogin, password: 'another long password' }, meta)).ok).toBe(true);
    const names = (await actions(w.tenantId)).map((e) => e.action);
    expect(names).toContain('password.change_failed');
    expect(names).toContain('password.changed');
  });
});

describe('tenants, sites and bulk session ends', () => {
  const staff = () => contextFor(PLATFORM_TENANT_ID, crypto.randomUUID(), 'platform_admin', 'staff');

  it('creates a tenant with its own audit chain; codes are unique', async () => {
    const code = uniq('new-co');
    const { tenantId } = await createTenant(platformAccess(staff(), 'tenants.write'), {
      code,
      name: '株式会社テスト',
      contactEmail: null,
    });
    expect((await actions(tenantId)).map((e) => e.action)).toEqual(['tenant.created']);
    await expectAppError(
      createTenant(platformAccess(staff(), 'tenants.write'), { code, name: 'dup', contactEmail: null }),
      'conflict',
      'code',
      'taken',
    );
    await updateTenant(tenantAccess(staff(), tenantId, 'tenants.write'), {
      name: '株式会社テスト２',
      contactEmail: 'sec@example.jp',
    });
    expect((await actions(tenantId)).at(-1)?.details).toMatchObject({
      before: { name: '株式会社テスト' },
      after: { name: '株式会社テスト２' },
    });
  });

  it('suspending ends every session and blocks login; reactivating does not revive old sessions', async () => {
    const w = await world();
    const s = await login(w.opLogin);
    const r = await setTenantStatus(tenantAccess(staff(), w.tenantId, 'tenants.write'), {
      status: 'suspended',
      reason: 'credential leak',
    });
    expect(r.sessionsEnded).toBe(1);
    expect(await sessionCtx(s.sessionToken, meta)).toBeNull();
    expect(await loginWithPassword({ loginId: w.opLogin, password: PW }, meta)).toEqual({
      ok: false,
      reason: 'tenant_suspended',
    });
    await setTenantStatus(tenantAccess(staff(), w.tenantId, 'tenants.write'), { status: 'active', reason: 'cleared' });
    expect(await sessionCtx(s.sessionToken, meta)).toBeNull();
    expect((await loginWithPassword({ loginId: w.opLogin, password: PW }, meta)).ok).toBe(true);
    await expectAppError(
      setTenantStatus(tenantAccess(staff(), PLATFORM_TENANT_ID, 'tenants.write'), {
        status: 'suspended',
        reason: 'nope nope',
      }),
      'not_found',
    );
  });

  it('adds, renames and closes sites, keeping the site count', async () => {
    const w = await world();
    const { siteId } = await addSite(tenantAccess(staff(), w.tenantId, 'tenants.write'), {
      code: 'main',
      name: '公式ストア',
      domain: 'shop.example.jp',
    });
    await expectAppError(
      addSite(tenantAccess(staff(), w.tenantId, 'tenants.write'), { code: 'main', name: 'dup', domain: null }),
      'conflict',
      'code',
      'taken',
    );
    await addSite(tenantAccess(staff(), w.tenantId, 'tenants.write'), {
      code: 'outlet',
      name: 'アウトレット',
      domain: null,
    });
    await renameSite(tenantAccess(staff(), w.tenantId, 'tenants.write'), siteId, { name: '公式オンラインストア' });
    await closeSite(tenantAccess(staff(), w.tenantId, 'tenants.write'), siteId, { reason: 'shop closed' });
    const [t] = await withPlatformTx((tx) =>
      tx.select({ n: tenants.siteCount }).from(tenants).where(eq(tenants.id, w.tenantId)),
    );
    expect(t.n).toBe(1);
    const [site] = await withPlatformTx((tx) =>
      tx.select({ name: sites.name, status: sites.status }).from(sites).where(eq(sites.id, siteId)),
    );
    expect(site).toEqual({ name: '公式オンラインストア', status: 'closed' });
    expect((await actions(w.tenantId)).map((e) => e.action)).toEqual(
      expect.arrayContaining(['site.added', 'site.renamed', 'site.closed']),
    );
  });

  it('ends sessions for one operator, one tenant, or everyone but the caller, with counts', async () => {
    const a = await world();
    const b = await world();
    const a1 = await login(a.opLogin);
    const a2 = await login(a.adminLogin);
    const b1 = await login(b.opLogin);
    // The counts the confirmation dialogs name ("ends 1 session of …"), tenant by tenant.
    const reader = tenantAccess(a.admin, a.tenantId, 'operators.read');
    expect((await getOperator(reader, a.opId))?.liveSessions).toBe(1);
    expect((await getTenantOverview(reader))?.tenant.liveSessions).toBe(2);
    expect(
      (await endOperatorSessions(tenantAccess(a.admin, a.tenantId, 'sessions.manage'), a.opId, 'lost laptop')).count,
    ).toBe(1);
    expect(await sessionCtx(a1.sessionToken, meta)).toBeNull();
    expect(await sessionCtx(a2.sessionToken, meta)).not.toBeNull();
    expect((await getOperator(reader, a.opId))?.liveSessions).toBe(0);
    expect((await getTenantOverview(reader))?.tenant.liveSessions).toBe(1);
    expect(
      (await endTenantSessions(tenantAccess(a.admin, a.tenantId, 'sessions.manage'), 'incident drill')).count,
    ).toBe(1);
    expect(await sessionCtx(a2.sessionToken, meta)).toBeNull();
    expect(await sessionCtx(b1.sessionToken, meta)).not.toBeNull();

    const staffLogin = staffLoginId('staff');
    await fixtureOperator(PLATFORM_TENANT_ID, staffLogin, PW, 'platform_admin');
    const mine = await login(staffLogin);
    const me = (await sessionCtx(mine.sessionToken, meta))!;
    const customerTenants = await withPlatformTx(async (tx) => tx.$count(tenants, eq(tenants.kind, 'tenant')));
    // A number of tenants other than the current one (a tenant added since the page was read) ends nothing.
    await expect(
      endAllSessions(platformAccess(me, 'sessions.manage'), {
        reason: 'credential leak 2026-11',
        allTenants: customerTenants - 1,
      }),
    ).rejects.toMatchObject({ code: 'conflict', fields: { allTenants: [`tenants_changed:${customerTenants}`] } });
    expect(await sessionCtx(b1.sessionToken, meta)).not.toBeNull();
    const all = await endAllSessions(platformAccess(me, 'sessions.manage'), {
      reason: 'credential leak 2026-11',
      allTenants: customerTenants,
    });
    expect(all.count).toBeGreaterThanOrEqual(1);
    expect(await sessionCtx(b1.sessionToken, meta)).toBeNull();
    expect(await sessionCtx(mine.sessionToken, meta)).not.toBeNull();
    expect((await actions(b.tenantId)).at(-1)).toMatchObject({
      action: 'sessions.revoked_bulk',
      details: { scope: 'all', count: 1 },
    });
  });

  it('pages the tenants list with keyset cursors in every sort order, without gaps or repeats', async () => {
    const prefix = uniq('page');
    for (let i = 0; i < 7; i++)
      await createTenant(platformAccess(staff(), 'tenants.write'), {
        code: `${prefix}-${i}`,
        name: `頁 ${prefix} ${i % 3}`,
        contactEmail: null,
      });
    for (const sort of ['name', 'code', 'sites', 'operators', 'status', 'activity'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        const all = await listTenants(platformAccess(staff(), 'tenants.list'), { sort, dir, q: prefix });
        expect(all.rows).toHaveLength(7);
        const seen: string[] = [];
        // PAGE_SIZE is 50; walk with the cursor from each row to prove the cursor predicate.
        let after: string | undefined;
        for (let i = 0; i < 7; i++) {
          const page = await listTenants(platformAccess(staff(), 'tenants.list'), { sort, dir, q: prefix, after });
          seen.push(page.rows[0].id);
          const { encodeCursor } = await import('@/lib/http/cursor');
          const r = page.rows[0];
          const value = {
            name: r.name,
            code: r.code,
            sites: r.siteCount,
            operators: r.operatorCount,
            status: r.status,
            activity: r.lastActivityAt.toISOString(),
          }[sort];
          after = encodeCursor(value, r.id);
        }
        expect(seen).toEqual(all.rows.map((r) => r.id));
      }
    }
    expect(
      (await listTenants(platformAccess(staff(), 'tenants.list'), { sort: 'name', dir: 'asc', q: '%' })).rows.every(
        (r) => r.name.includes('%'),
      ),
    ).toBe(true);
    expect(
      (await listTenants(platformAccess(staff(), 'tenants.list'), { sort: 'name', dir: 'asc', after: 'junk' })).rows
        .length,
    ).toBeGreaterThan(0);
  });
});
