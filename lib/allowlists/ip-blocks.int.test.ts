import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, alerts, auditEvents, ipBlocks, tenants } from '@/db/schema';
import { authenticateApiToken } from '@/lib/api/authenticate-api-token';
import { createApiToken } from '@/lib/api/create-api-token';
import { loadSession } from '@/lib/auth/load-session';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { advanceClock, resetClock } from '@/lib/clock';
import { endSession } from '@/lib/sessions/end-session';
import { contextFor, sessionCtx, tenantAccess } from '@/lib/testing/context';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { refusal } from '@/lib/testing/refusal';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { blockAddress, blockAddressInput } from './block-address';
import { liftAddressBlock } from './lift-address-block';
import { listAddressBlocks } from './list-address-blocks';

setupTestDatabase();
afterEach(() => resetClock());

const PW = 'a long enough password';
const OFFICE = '203.0.113.10';
const INTRUDER = '198.51.100.66';
let n = 0;

async function company() {
  const code = `blk${++n}x${Date.now().toString(36)}`;
  const tenantId = await createTenant(code);
  const adminLogin = `${code}.admin`;
  const adminId = await createOperator(tenantId, adminLogin, PW, 'tenant_admin');
  const opLogin = `${code}.op`;
  const opId = await createOperator(tenantId, opLogin, PW);
  const admin = { ...contextFor(tenantId, adminId, 'tenant_admin', adminLogin), ip: OFFICE };
  return { tenantId, opId, opLogin, admin, writer: tenantAccess(admin, tenantId, 'security.write') };
}

const login = (loginId: string, ip: string, password = PW) =>
  loginWithPassword({ loginId, password }, { ip, userAgent: 'vitest' });

async function signedIn(loginId: string, ip: string) {
  const r = await login(loginId, ip);
  if (!r.ok) throw new Error(`login: ${r.reason}`);
  return r;
}

const eventsOf = (tenantId: string, action: string) =>
  withPlatformTx((tx) =>
    tx
      .select({
        details: auditEvents.details,
        outcome: auditEvents.outcome,
        actor: auditEvents.actorLoginId,
        target: auditEvents.targetId,
      })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, action)))
      .orderBy(auditEvents.seq),
  );

const versionOf = async (tenantId: string) =>
  (
    await withPlatformTx((tx) => tx.select({ v: tenants.ipBlockVersion }).from(tenants).where(eq(tenants.id, tenantId)))
  )[0].v;

describe('blocked addresses', () => {
  it('refuses bad input, a network too wide and the blocker’s own address, and changes nothing', async () => {
    const c = await company();
    const block = (cidr: string) => blockAddress(c.writer, { cidr, hours: 24, reason: 'intrusion' });
    expect(await refusal(block('not an address'))).toEqual({
      code: 'bad_request',
      fields: { cidr: ['invalid_format'] },
    });
    expect(await refusal(block('198.0.0.0/8'))).toEqual({ code: 'bad_request', fields: { cidr: ['block_too_wide'] } });
    expect(await refusal(block('2001:db8::/32'))).toEqual({
      code: 'bad_request',
      fields: { cidr: ['block_too_wide'] },
    });
    expect(await refusal(block('203.0.113.0/24'))).toEqual({
      code: 'bad_request',
      fields: { cidr: ['blocks_own_address'] },
    });
    expect(blockAddressInput.safeParse({ cidr: INTRUDER, hours: 5, reason: 'intrusion' }).success).toBe(false);
    expect(blockAddressInput.safeParse({ cidr: INTRUDER, hours: 24, reason: '' }).success).toBe(false);
    expect(await versionOf(c.tenantId)).toBe(0);
    expect(await listAddressBlocks(c.writer)).toEqual([]);
    expect(await eventsOf(c.tenantId, 'ip_block.added')).toEqual([]);
  });

  it('refuses the next request of a live session from the address, and its logins, answered like a wrong password', async () => {
    const c = await company();
    const other = await company();
    const intruder = await signedIn(c.opLogin, INTRUDER);
    const bystander = await signedIn(other.opLogin, INTRUDER);
    const r = await blockAddress(c.writer, { cidr: `${INTRUDER}/32`, hours: 24, reason: 'known password used' });
    expect(r.cidr).toBe(INTRUDER + '/32');
    expect(await loadSession(intruder.sessionToken, { ip: INTRUDER, userAgent: null })).toBe('ip_denied');
    // Another company is not this company's to block.
    expect(await sessionCtx(bystander.sessionToken, { ip: INTRUDER, userAgent: null })).not.toBeNull();
    // The same session from elsewhere is the operator's own business: the address is blocked, not them.
    expect(await sessionCtx(intruder.sessionToken, { ip: OFFICE, userAgent: null })).not.toBeNull();

    expect(await login(c.opLogin, INTRUDER)).toEqual({ ok: false, reason: 'ip_blocked' });
    expect(await login(c.opLogin, INTRUDER, 'a wrong password')).toEqual({ ok: false, reason: 'bad_password' });
    const denied = await eventsOf(c.tenantId, 'access.denied_ip');
    expect(denied.map((e) => e.details)).toEqual([
      { layer: 'block', scope: 'tenant', blockId: r.id, cidr: `${INTRUDER}/32`, at: 'request' },
      { layer: 'block', scope: 'tenant', blockId: r.id, cidr: `${INTRUDER}/32`, at: 'login' },
    ]);
    expect((await eventsOf(c.tenantId, 'login.failed')).map((e) => e.details)).toEqual([
      { reason: 'ip_blocked', layer: 'block', scope: 'tenant' },
      expect.objectContaining({ reason: 'bad_password' }),
    ]);
    // The right password from a blocked address: someone there knows it.
    const raised = await withPlatformTx((tx) =>
      tx.select({ rule: alerts.rule, details: alerts.details }).from(alerts).where(eq(alerts.tenantId, c.tenantId)),
    );
    expect(raised).toEqual([{ rule: 'password_from_refused_ip', details: { ip: INTRUDER, layer: 'block' } }]);
    expect(await eventsOf(c.tenantId, 'ip_block.added')).toEqual([
      {
        details: {
          cidr: `${INTRUDER}/32`,
          scope: 'tenant',
          expiresAt: r.expiresAt.toISOString(),
          reason: 'known password used',
        },
        outcome: 'success',
        actor: c.admin.loginId,
        target: r.id,
      },
    ]);
  });

  it('ends at its expiry or when lifted, on the next request', async () => {
    const c = await company();
    const r = await blockAddress(c.writer, { cidr: '198.51.100.0/24', hours: 1, reason: 'scan from this network' });
    expect(await login(c.opLogin, INTRUDER)).toEqual({ ok: false, reason: 'ip_blocked' });
    advanceClock(60 * 60_000 + 1_000);
    // Expired: the address signs in again (the session of an hour ago would have idled out).
    const s = await signedIn(c.opLogin, INTRUDER);
    expect((await listAddressBlocks(c.writer)).map((b) => [b.cidr, b.live])).toEqual([['198.51.100.0/24', false]]);
    // An ended block cannot be lifted.
    expect(await refusal(liftAddressBlock(c.writer, { blockId: r.id, reason: 'over' }))).toEqual({
      code: 'not_found',
      fields: undefined,
    });

    const again = await blockAddress(c.writer, { cidr: INTRUDER, hours: 24, reason: 'back again' });
    expect(await loadSession(s.sessionToken, { ip: INTRUDER, userAgent: null })).toBe('ip_denied');
    await liftAddressBlock(c.writer, { blockId: again.id, reason: 'was our own VPN' });
    expect(await sessionCtx(s.sessionToken, { ip: INTRUDER, userAgent: null })).not.toBeNull();
    expect((await eventsOf(c.tenantId, 'ip_block.lifted')).map((e) => e.details)).toEqual([
      { cidr: `${INTRUDER}/32`, reason: 'was our own VPN' },
    ]);
    const rows = await withPlatformTx((tx) =>
      tx.select({ liftedBy: ipBlocks.liftedByLoginId }).from(ipBlocks).where(eq(ipBlocks.id, again.id)),
    );
    expect(rows).toEqual([{ liftedBy: c.admin.loginId }]);
    // Another company cannot lift it: not found in its walls.
    const other = await company();
    const third = await blockAddress(c.writer, { cidr: INTRUDER, hours: 24, reason: 'third time' });
    expect(await refusal(liftAddressBlock(other.writer, { blockId: third.id, reason: 'not mine' }))).toEqual({
      code: 'not_found',
      fields: undefined,
    });
    expect(await loadSession(s.sessionToken, { ip: INTRUDER, userAgent: null })).toBe('ip_denied');
  });

  it('platform-wide: every company’s sessions, logins and API tokens, recorded in each refused company’s chain', async () => {
    const a = await company();
    const b = await company();
    const sa = await signedIn(a.opLogin, INTRUDER);
    const token = await createApiToken(b.writer, { name: 'siem', days: 30, scopes: ['audit:read'] });
    const staff = { ...contextFor(PLATFORM_TENANT_ID, a.opId, 'platform_admin', 'staff.admin'), ip: OFFICE };
    const r = await blockAddress(tenantAccess(staff, PLATFORM_TENANT_ID, 'security.write'), {
      cidr: INTRUDER,
      hours: 24,
      reason: 'the backdoor’s address',
    });
    expect(await loadSession(sa.sessionToken, { ip: INTRUDER, userAgent: null })).toBe('ip_denied');
    expect(await login(b.opLogin, INTRUDER)).toEqual({ ok: false, reason: 'ip_blocked' });
    expect(
      await refusal(authenticateApiToken(token.token, 'audit:read', INTRUDER, null, 'GET /api/v1/audit-events')),
    ).toEqual({ code: 'ip_denied', fields: undefined });
    expect((await authenticateApiToken(token.token, 'audit:read', OFFICE, null, 'GET /api/v1/audit-events')).name).toBe(
      'siem',
    );
    expect((await eventsOf(b.tenantId, 'access.denied_ip')).map((e) => e.details)).toEqual([
      { layer: 'block', scope: 'platform', blockId: r.id, cidr: `${INTRUDER}/32`, at: 'login' },
      { layer: 'block', scope: 'platform', blockId: r.id, cidr: `${INTRUDER}/32`, at: 'api' },
    ]);
    expect((await eventsOf(PLATFORM_TENANT_ID, 'ip_block.added')).map((e) => e.details)).toEqual([
      expect.objectContaining({ scope: 'platform', cidr: `${INTRUDER}/32` }),
    ]);
    await liftAddressBlock(tenantAccess(staff, PLATFORM_TENANT_ID, 'security.write'), {
      blockId: r.id,
      reason: 'done',
    });
    expect(await sessionCtx(sa.sessionToken, { ip: INTRUDER, userAgent: null })).not.toBeNull();
  });
});

describe('ending one session from a pivot', () => {
  it('ends that session only, never the caller’s own or another company’s', async () => {
    const c = await company();
    const other = await company();
    const one = await signedIn(c.opLogin, INTRUDER);
    const two = await signedIn(c.opLogin, OFFICE);
    const elsewhere = await signedIn(other.opLogin, OFFICE);
    const manager = tenantAccess(c.admin, c.tenantId, 'sessions.manage');
    await endSession(manager, { sessionId: one.sessionId, reason: 'used from the intruder’s address' });
    expect(await sessionCtx(one.sessionToken, { ip: INTRUDER, userAgent: null })).toBeNull();
    expect(await sessionCtx(two.sessionToken, { ip: OFFICE, userAgent: null })).not.toBeNull();
    expect(await refusal(endSession(manager, { sessionId: one.sessionId, reason: 'again' }))).toEqual({
      code: 'not_found',
      fields: undefined,
    });
    expect(await refusal(endSession(manager, { sessionId: elsewhere.sessionId, reason: 'not ours' }))).toEqual({
      code: 'not_found',
      fields: undefined,
    });
    expect(await sessionCtx(elsewhere.sessionToken, { ip: OFFICE, userAgent: null })).not.toBeNull();
    expect(await refusal(endSession(manager, { sessionId: c.admin.sessionId, reason: 'mine' }))).toEqual({
      code: 'bad_request',
      fields: { sessionId: ['own_session'] },
    });
    expect(await eventsOf(c.tenantId, 'session.revoked')).toEqual([
      {
        details: { loginId: c.opLogin, reason: 'used from the intruder’s address' },
        outcome: 'success',
        actor: c.admin.loginId,
        target: one.sessionId,
      },
    ]);
  });
});
