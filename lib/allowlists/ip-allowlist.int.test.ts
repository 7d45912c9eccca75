import { and, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rowsOf, withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, auditEvents } from '@/db/schema';
import { loadSession } from '@/lib/auth/load-session';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { advanceClock, resetClock } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { contextFor, platformAccess, tenantAccess } from '@/lib/testing/context';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { breakGlassInput, grantBreakGlass } from './grant-break-glass';
import { checkIp } from './check-ip';
import { getIpAllowlist } from './get-ip-allowlist';
import { saveIpAllowlist } from './save-ip-allowlist';
import { setIpAllowlistMode } from './set-ip-allowlist-mode';

setupTestDatabase();
afterEach(() => resetClock());

const PW = 'a long enough password';
let n = 0;
const OFFICE = '203.0.113.10';
const HOME = '198.51.100.20';

async function company() {
  const code = `ipl${++n}x${Date.now().toString(36)}`;
  const tenantId = await createTenant(code);
  const adminId = await createOperator(tenantId, `${code}.admin`, PW, 'tenant_admin');
  const opLogin = `${code}.op`;
  const opId = await createOperator(tenantId, opLogin, PW);
  const admin = { ...contextFor(tenantId, adminId, 'tenant_admin', `${code}.admin`), ip: OFFICE };
  return { tenantId, adminId, opId, opLogin, admin, owner: { tenantId, operatorId: null } };
}

const save = (
  ctx: ReturnType<typeof contextFor>,
  owner: { tenantId: string; operatorId: string | null },
  entries: string,
  confirm = {},
) =>
  saveIpAllowlist(tenantAccess(ctx, owner.tenantId, 'security.write'), owner.operatorId, {
    entries,
    confirmHostBits: false,
    confirmAnyAddress: false,
    ...confirm,
  });
const fields = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: AppError) => e.fields,
  );
const login = (loginId: string, ip: string) =>
  loginWithPassword({ loginId, password: PW }, { ip, userAgent: 'vitest' });
const events = async (tenantId: string, action: string) =>
  withPlatformTx((tx) =>
    tx
      .select({ details: auditEvents.details, outcome: auditEvents.outcome })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, action)))
      .orderBy(auditEvents.seq),
  );

describe('IP allowlists', () => {
  it('refuses a list that would lock out the saver, and junk with line numbers', async () => {
    const c = await company();
    expect(await fields(save(c.admin, c.owner, '198.51.100.0/24 home'))).toEqual({ entries: [`lockout:${OFFICE}`] });
    expect(await fields(save(c.admin, c.owner, '203.0.113.0/24\n010.1.1.1\n10.0.0.0/33'))).toEqual({
      entries: ['entry:2:invalid_address:010.1.1.1', 'entry:3:invalid_prefix:10.0.0.0/33'],
    });
    expect(await fields(save(c.admin, c.owner, '203.0.113.10/24'))).toEqual({
      confirmHostBits: ['host_bits:1:203.0.113.10/24:203.0.113.0/24'],
    });
    expect(await fields(save(c.admin, c.owner, '0.0.0.0/0'))).toEqual({ confirmAnyAddress: ['any_address:0.0.0.0/0'] });
    const many = Array.from({ length: 1001 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`).join('\n');
    expect(await fields(save(c.admin, c.owner, many))).toEqual({ entries: ['too_many_entries:1000'] });
    expect(await save(c.admin, c.owner, '203.0.113.10/24 office', { confirmHostBits: true })).toMatchObject({
      count: 1,
    });
    expect(
      (await getIpAllowlist(tenantAccess(c.admin, c.owner.tenantId, 'security.write'), c.owner.operatorId)).entries.map(
        (e) => e.cidr,
      ),
    ).toEqual(['203.0.113.0/24']);
  });

  it('is enforced at login (after the password) and on the very next request of an existing session', async () => {
    const c = await company();
    const home = await login(c.opLogin, HOME);
    if (!home.ok) throw new Error('login');
    await save(c.admin, c.owner, '203.0.113.0/24 office');
    expect(await loadSession(home.sessionToken, { ip: HOME, userAgent: null })).toBe('ip_denied');
    expect(await login(c.opLogin, HOME)).toEqual({ ok: false, reason: 'ip_denied' });
    // A wrong password from outside is just a wrong password: nothing about the network.
    expect(
      await loginWithPassword({ loginId: c.opLogin, password: 'wrong one' }, { ip: HOME, userAgent: null }),
    ).toEqual({ ok: false, reason: 'bad_password' });
    const office = await login(c.opLogin, OFFICE);
    expect(office.ok).toBe(true);
    const denied = await events(c.tenantId, 'access.denied_ip');
    expect(denied.map((d) => d.details)).toEqual(
      expect.arrayContaining([
        { layer: 'tenant', at: 'request' },
        { layer: 'tenant', at: 'login' },
      ]),
    );
    // Removing the list lets the address in again on the next request.
    await save(c.admin, c.owner, '');
    expect((await login(c.opLogin, HOME)).ok).toBe(true);
  });

  it('an operator list can only narrow the tenant list', async () => {
    const c = await company();
    await save(c.admin, c.owner, '203.0.113.0/24');
    await save(c.admin, { tenantId: c.tenantId, operatorId: c.opId }, '203.0.113.128/25\n198.51.100.0/24');
    expect(await login(c.opLogin, '203.0.113.200')).toMatchObject({ ok: true });
    expect(await login(c.opLogin, '203.0.113.5')).toEqual({ ok: false, reason: 'ip_denied' });
    expect(await login(c.opLogin, HOME)).toEqual({ ok: false, reason: 'ip_denied' });
    const check = await checkIp(tenantAccess(c.admin, c.owner.tenantId, 'security.write'), c.owner.operatorId, {
      ip: '203.0.113.5',
      loginId: c.opLogin,
    });
    expect(check.saved).toMatchObject({ allowed: false, deniedBy: 'operator' });
    const draft = await checkIp(tenantAccess(c.admin, c.owner.tenantId, 'security.write'), c.owner.operatorId, {
      ip: HOME,
      loginId: c.opLogin,
      entries: '198.51.100.0/24',
    });
    expect(draft.saved).toMatchObject({ allowed: false, deniedBy: 'tenant' });
    expect(draft.draft).toMatchObject({ allowed: true });
    await expect(
      checkIp(tenantAccess(c.admin, c.owner.tenantId, 'security.write'), c.owner.operatorId, { ip: 'junk' }),
    ).rejects.toBeInstanceOf(AppError);
  });

  it('monitor mode lets requests through, records them and counts them', async () => {
    const c = await company();
    await setIpAllowlistMode(tenantAccess(c.admin, c.owner.tenantId, 'security.write'), c.owner.operatorId, {
      mode: 'monitor',
    });
    await save(c.admin, c.owner, '198.51.100.0/24');
    expect((await login(c.opLogin, OFFICE)).ok).toBe(true);
    expect(
      (await getIpAllowlist(tenantAccess(c.admin, c.owner.tenantId, 'security.write'), c.owner.operatorId))
        .monitoredLast7Days,
    ).toBe(1);
    // Switching to enforce would lock the admin (in the office) out: refused.
    expect(
      await fields(
        setIpAllowlistMode(tenantAccess(c.admin, c.owner.tenantId, 'security.write'), c.owner.operatorId, {
          mode: 'enforce',
        }),
      ),
    ).toEqual({
      mode: [`lockout:${OFFICE}`],
    });
    expect((await events(c.tenantId, 'ip_allowlist.mode_changed')).length).toBe(1);
  });

  it('break-glass lets one operator in from one network for at most 24 hours', async () => {
    const c = await company();
    await save(c.admin, c.owner, '203.0.113.0/24');
    const staff = contextFor(PLATFORM_TENANT_ID, crypto.randomUUID(), 'platform_admin', 'staff');
    expect(breakGlassInput.safeParse({ cidr: HOME, hours: '25', reason: 'travel plans' }).success).toBe(false);
    await expect(
      grantBreakGlass(platformAccess(staff, 'security.write'), c.tenantId, c.opId, {
        cidr: '0.0.0.0/0',
        hours: 2,
        reason: 'everything',
      }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    await grantBreakGlass(platformAccess(staff, 'security.write'), c.tenantId, c.opId, {
      cidr: HOME,
      hours: 2,
      reason: 'working from home after flood',
    });
    expect((await login(c.opLogin, HOME)).ok).toBe(true);
    expect((await events(c.tenantId, 'access.break_glass_used')).length).toBe(1);
    advanceClock(2 * 3_600_000 + 1000);
    expect(await login(c.opLogin, HOME)).toEqual({ ok: false, reason: 'ip_denied' });
    expect((await events(c.tenantId, 'ip_allowlist.break_glass_granted')).length).toBe(1);
  });

  it("cannot read or change another tenant's operator list through its own tenant (404, nothing changed)", async () => {
    const a = await company();
    const b = await company();
    await expect(save(a.admin, { tenantId: a.tenantId, operatorId: b.opId }, '203.0.113.0/24')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(getIpAllowlist(tenantAccess(a.admin, a.tenantId, 'security.write'), b.opId)).rejects.toMatchObject({
      code: 'not_found',
    });
    const rows = rowsOf<{ n: number }>(
      await withPlatformTx((tx) =>
        tx.execute(sql`select count(*)::int as n from ip_allowlists where operator_id = ${b.opId}`),
      ),
    );
    expect(rows[0].n).toBe(0);
  });

  it('records what was added and removed', async () => {
    const c = await company();
    await save(c.admin, c.owner, '203.0.113.0/24\n192.0.2.0/24');
    await save(c.admin, c.owner, '203.0.113.0/24\n2001:db8::/32');
    const updates = await events(c.tenantId, 'ip_allowlist.updated');
    expect(updates.at(-1)?.details).toMatchObject({ added: ['2001:db8::/32'], removed: ['192.0.2.0/24'], count: 2 });
  });
});
