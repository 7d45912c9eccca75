import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, auditEvents, loginIdThrottles, operators, tenants } from '@/db/schema';
import { advanceClock, resetClock } from '@/lib/clock';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { setupTestSigner } from '@/lib/testing/signer';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { sessionCtx, tenantAccess } from '@/lib/testing/context';
import { verifyLiveChain } from '@/lib/audit/verify-live-chain';
import { contextFor } from '@/lib/testing/context';
import { keyedHash } from '@/lib/crypto/keyring';
import { loginIdKey } from '@/lib/tenancy/normalize-login-id';
import { failureWaitMs, loginWithPassword } from './login-with-password';
import { pruneLoginThrottles, UNKNOWN_ID_KEEP_MS } from './prune-login-throttles';
import { revokeOwnSession } from './revoke-session';

setupTestDatabase();
setupTestSigner();
afterEach(() => resetClock());

const meta = (ip = '192.0.2.10') => ({ ip, userAgent: 'vitest' });
let n = 0;
async function operator(password = 'a long enough password') {
  const code = `t${++n}-${Date.now()}`;
  const tenantId = await createTenant(code);
  const loginId = `${code}.user`;
  const operatorId = await createOperator(tenantId, loginId, password);
  return { tenantId, loginId, operatorId, password, code };
}

async function events(tenantId: string, action: string) {
  return withPlatformTx((tx) =>
    tx
      .select({ details: auditEvents.details, actorLoginId: auditEvents.actorLoginId, ip: auditEvents.ip })
      .from(auditEvents)
      .where(sql`${auditEvents.tenantId} = ${tenantId} and ${auditEvents.action} = ${action}`)
      .orderBy(auditEvents.seq),
  );
}

describe('login with password', () => {
  it('succeeds with the right password, case- and width-insensitive login ID, and audits it', async () => {
    const op = await operator();
    const typed = op.loginId.toUpperCase().replace('T', 'Ｔ'); // full-width letter, upper case
    const result = await loginWithPassword({ loginId: `  ${typed} `, password: op.password }, meta());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const ctx = await sessionCtx(result.sessionToken, meta());
    expect(ctx?.operatorId).toBe(op.operatorId);
    expect(ctx?.tenantId).toBe(op.tenantId);
    const ok = await events(op.tenantId, 'login.succeeded');
    expect(ok).toHaveLength(1);
    expect(ok[0].ip).toBe('192.0.2.10');
  });

  it("moves the tenant's last activity on login, at most once a minute", async () => {
    const op = await operator();
    const old = new Date('2026-01-01T00:00:00Z');
    await withPlatformTx((tx) => tx.update(tenants).set({ lastActivityAt: old }).where(eq(tenants.id, op.tenantId)));
    const activity = async () =>
      (
        await withPlatformTx((tx) =>
          tx.select({ at: tenants.lastActivityAt }).from(tenants).where(eq(tenants.id, op.tenantId)),
        )
      )[0].at.getTime();
    const login = async () =>
      expect((await loginWithPassword({ loginId: op.loginId, password: op.password }, meta())).ok).toBe(true);

    const first = Date.now();
    await login();
    const moved = await activity();
    expect(moved).toBeGreaterThanOrEqual(first - 1000);
    advanceClock(30_000);
    await login();
    expect(await activity()).toBe(moved);
    advanceClock(40_000);
    await login();
    expect(await activity()).toBeGreaterThanOrEqual(moved + 70_000);
  });

  it('chains the events of the one-call login and of the transaction path so that they verify', async () => {
    const op = await operator();
    // A user agent that the audit trail stores shortened and without control characters.
    const odd = { ip: '2001:db8::1', userAgent: `bot\u0007${'x'.repeat(600)}` };
    expect((await loginWithPassword({ loginId: op.loginId, password: op.password }, odd)).ok).toBe(true);
    await withPlatformTx((tx) => tx.update(tenants).set({ passwordMaxAgeDays: 30 }).where(eq(tenants.id, op.tenantId)));
    advanceClock(31 * 86_400_000);
    expect((await loginWithPassword({ loginId: op.loginId, password: op.password }, odd)).ok).toBe(true);
    expect(await events(op.tenantId, 'password.expired')).toHaveLength(1);
    const verdict = await verifyLiveChain(
      tenantAccess(contextFor(op.tenantId, op.operatorId, 'tenant_admin'), op.tenantId, 'audit.read'),
    );
    expect(verdict).toMatchObject({ ok: true });
    const stored = await events(op.tenantId, 'login.succeeded');
    expect(stored).toHaveLength(2);
  });

  it('issues a new session id on every login and remembers the previous login', async () => {
    const op = await operator();
    const a = await loginWithPassword({ loginId: op.loginId, password: op.password }, meta('192.0.2.1'));
    const b = await loginWithPassword({ loginId: op.loginId, password: op.password }, meta('192.0.2.2'));
    if (!a.ok || !b.ok) throw new Error('login failed');
    expect(a.sessionId).not.toBe(b.sessionId);
    expect(a.sessionToken).not.toBe(b.sessionToken);
    const ctx = await sessionCtx(b.sessionToken, meta());
    expect(ctx?.previousLogin.ip).toBe('192.0.2.1');
  });

  it('fails the same way for a wrong password and an unknown ID, keeping the reason in the audit trail', async () => {
    const op = await operator();
    const wrong = await loginWithPassword({ loginId: op.loginId, password: 'wrong password!' }, meta());
    const unknown = await loginWithPassword({ loginId: 'nobody\u0000\u001b[2J', password: 'whatever' }, meta());
    expect(wrong).toEqual({ ok: false, reason: 'bad_password' });
    expect(unknown).toEqual({ ok: false, reason: 'unknown_id' });
    const [failed] = await events(op.tenantId, 'login.failed');
    expect(failed.details).toMatchObject({ reason: 'bad_password', consecutiveFailures: 1 });
    const platform = await events(PLATFORM_TENANT_ID, 'login.failed');
    const last = platform.at(-1)!;
    expect(last.details).toMatchObject({ reason: 'unknown_id' });
    // Control characters in a typed login ID are stored as visible escapes, never raw.
    expect(last.actorLoginId).toBe('nobody\\u0000\\u001b[2J');
  });

  it('counts and throttles an unknown ID like an operator, under a keyed hash of the ID', async () => {
    const op = await operator();
    const ghost = `ghost-${Date.now()}.user`;
    await loginWithPassword({ loginId: op.loginId, password: 'wrong password!' }, meta('198.51.100.200'));
    await loginWithPassword({ loginId: ghost, password: 'wrong password!' }, meta('198.51.100.201'));
    const rows = await withPlatformTx((tx) => tx.select().from(loginIdThrottles));
    // Stored under a keyed hash: neither the typed ID nor a plain hash of it.
    expect(
      rows
        .map((r) => r.keyHash)
        .some((k) => k.includes('ghost') || k === createHash('sha256').update(ghost).digest('hex')),
    ).toBe(false);
    expect(rows.find((r) => r.keyHash === keyedHash('login-id', loginIdKey(ghost)))?.failures).toBe(1);
    // Both failures counted toward their account, audited with the count.
    expect((await events(op.tenantId, 'login.failed')).map((e) => e.details)).toEqual([
      { reason: 'bad_password', consecutiveFailures: 1 },
    ]);
    expect(
      (await events(PLATFORM_TENANT_ID, 'login.failed')).filter((e) => e.actorLoginId === ghost).map((e) => e.details),
    ).toEqual([{ reason: 'unknown_id', consecutiveFailures: 1 }]);
    // The same back-off as an operator's: after five more, the sixth is throttled.
    for (let i = 0; i < 5; i++)
      await loginWithPassword({ loginId: ghost, password: `wrong-${i}` }, meta(`198.51.100.${210 + i}`));
    expect(await loginWithPassword({ loginId: ghost, password: 'x' }, meta('198.51.100.220'))).toEqual({
      ok: false,
      reason: 'throttled',
    });
    advanceClock(3_000);
    expect(await loginWithPassword({ loginId: ghost, password: 'x' }, meta('198.51.100.221'))).toEqual({
      ok: false,
      reason: 'unknown_id',
    });
    // Kept a day after the last failure, then pruned.
    advanceClock(UNKNOWN_ID_KEEP_MS + 60_000);
    expect(await pruneLoginThrottles()).toBeGreaterThanOrEqual(1);
    expect((await withPlatformTx((tx) => tx.select().from(loginIdThrottles))).map((r) => r.keyHash)).not.toContain(
      keyedHash('login-id', loginIdKey(ghost)),
    );
  });

  it('holds a failure until the floor, and not past it', () => {
    expect(failureWaitMs(40, 300)).toBe(260);
    expect(failureWaitMs(300, 300)).toBe(0);
    expect(failureWaitMs(450, 300)).toBe(0);
    expect(failureWaitMs(0, 0)).toBe(0);
  });

  it('rejects malformed input without touching the database', async () => {
    expect(await loginWithPassword({ loginId: '', password: 'x' }, meta())).toEqual({
      ok: false,
      reason: 'invalid_input',
    });
    expect(await loginWithPassword({ loginId: ['a'], password: 1 }, meta())).toEqual({
      ok: false,
      reason: 'invalid_input',
    });
    expect(await loginWithPassword(null, meta())).toEqual({ ok: false, reason: 'invalid_input' });
  });

  it('backs off after repeated failures: even the right password is refused until the delay has passed', async () => {
    const op = await operator();
    for (let i = 0; i < 6; i++)
      await loginWithPassword({ loginId: op.loginId, password: `wrong-${i}` }, meta(`198.51.100.${i}`));
    const throttled = await loginWithPassword({ loginId: op.loginId, password: op.password }, meta('198.51.100.50'));
    expect(throttled).toEqual({ ok: false, reason: 'throttled' });
    advanceClock(3_000);
    const later = await loginWithPassword({ loginId: op.loginId, password: op.password }, meta('198.51.100.50'));
    expect(later.ok).toBe(true);
    const [row] = await withPlatformTx((tx) =>
      tx.select({ n: operators.failedLoginCount }).from(operators).where(eq(operators.id, op.operatorId)),
    );
    expect(row.n).toBe(0);
  });

  it('locks an account at 100 consecutive failures, after which the right password fails too', async () => {
    const op = await operator();
    await withPlatformTx((tx) =>
      tx
        .update(operators)
        .set({ failedLoginCount: 99, lastFailedLoginAt: new Date(0) })
        .where(eq(operators.id, op.operatorId)),
    );
    expect((await loginWithPassword({ loginId: op.loginId, password: 'wrong' }, meta('203.0.113.1'))).ok).toBe(false);
    advanceClock(60 * 60_000);
    expect(await loginWithPassword({ loginId: op.loginId, password: op.password }, meta('203.0.113.2'))).toEqual({
      ok: false,
      reason: 'locked',
    });
  });

  it('throttles a client IP that fails across many accounts, before any hashing', async () => {
    const ip = '203.0.113.77';
    for (let i = 0; i < 21; i++) await loginWithPassword({ loginId: `spray-${i}`, password: 'Password1' }, meta(ip));
    const op = await operator();
    expect(await loginWithPassword({ loginId: op.loginId, password: op.password }, meta(ip))).toEqual({
      ok: false,
      reason: 'throttled_ip',
    });
    // Another address is unaffected.
    expect((await loginWithPassword({ loginId: op.loginId, password: op.password }, meta('203.0.113.78'))).ok).toBe(
      true,
    );
  });

  it('refuses a disabled operator and a suspended tenant even with the right password', async () => {
    const a = await operator();
    await withPlatformTx((tx) =>
      tx.update(operators).set({ status: 'disabled' }).where(eq(operators.id, a.operatorId)),
    );
    expect(await loginWithPassword({ loginId: a.loginId, password: a.password }, meta())).toEqual({
      ok: false,
      reason: 'disabled',
    });
    const b = await operator();
    await withPlatformTx((tx) => tx.update(tenants).set({ status: 'suspended' }).where(eq(tenants.id, b.tenantId)));
    expect(await loginWithPassword({ loginId: b.loginId, password: b.password }, meta())).toEqual({
      ok: false,
      reason: 'tenant_suspended',
    });
  });
});

describe('server-side sessions', () => {
  async function session() {
    const op = await operator();
    const r = await loginWithPassword({ loginId: op.loginId, password: op.password }, meta());
    if (!r.ok) throw new Error('login failed');
    return { ...op, token: r.sessionToken, sessionId: r.sessionId };
  }

  it('a revoked session is refused on the next request, and the revocation is audited', async () => {
    const s = await session();
    const other = await loginWithPassword({ loginId: s.loginId, password: s.password }, meta());
    if (!other.ok) throw new Error('login failed');
    const ctx = (await sessionCtx(other.sessionToken, meta()))!;
    expect(await revokeOwnSession(ctx, s.sessionId, 'revoked_by_owner')).toBe(true);
    expect(await sessionCtx(s.token, meta())).toBeNull();
    expect(await sessionCtx(other.sessionToken, meta())).not.toBeNull();
    expect(await events(s.tenantId, 'session.revoked')).toHaveLength(1);
  });

  it('cannot revoke a session of another operator', async () => {
    const a = await session();
    const b = await session();
    const ctxA = (await sessionCtx(a.token, meta()))!;
    expect(await revokeOwnSession(ctxA, b.sessionId, 'revoked_by_owner')).toBe(false);
    expect(await sessionCtx(b.token, meta())).not.toBeNull();
  });

  it('ends after 30 idle minutes and after 12 hours in all, whatever the activity', async () => {
    const s = await session();
    advanceClock(29 * 60_000);
    expect(await sessionCtx(s.token, meta())).not.toBeNull();
    advanceClock(31 * 60_000);
    expect(await sessionCtx(s.token, meta())).toBeNull();

    const t = await session();
    for (let i = 0; i < 25; i++) {
      advanceClock(29 * 60_000);
      const alive = await sessionCtx(t.token, meta());
      if (i < 24) expect(alive, `after ${(i + 1) * 29} minutes`).not.toBeNull();
      else expect(alive).toBeNull();
    }
  });

  it('ends when the operator is disabled or the tenant suspended', async () => {
    const s = await session();
    await withPlatformTx((tx) =>
      tx.update(operators).set({ status: 'disabled' }).where(eq(operators.id, s.operatorId)),
    );
    expect(await sessionCtx(s.token, meta())).toBeNull();
    const t = await session();
    await withPlatformTx((tx) => tx.update(tenants).set({ status: 'suspended' }).where(eq(tenants.id, t.tenantId)));
    expect(await sessionCtx(t.token, meta())).toBeNull();
  });

  it('refuses unknown and junk tokens', async () => {
    expect(await sessionCtx('x'.repeat(43), meta())).toBeNull();
    expect(await sessionCtx('short', meta())).toBeNull();
    expect(await sessionCtx('\u0000'.repeat(50), meta())).toBeNull();
  });
});
