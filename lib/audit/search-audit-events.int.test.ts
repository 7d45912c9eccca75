import { describe, expect, it } from 'vitest';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { parseAuditFilter } from './audit-filter';
import { searchAuditEvents } from './search-audit-events';
import { countAuditActions } from './count-audit-actions';

setupTestDatabase();

const PW = 'a long enough password';
const q = (raw: Record<string, string>) => {
  const parsed = parseAuditFilter(raw, 'api');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fieldErrors));
  return parsed.filter;
};

describe('audit search', () => {
  it('filters by action, outcome, actor, IP/CIDR and session; pages newest first without gaps', async () => {
    const code = `aud${Date.now().toString(36)}`;
    const tenantId = await createTenant(code);
    const loginId = `${code}.op`;
    await createOperator(tenantId, loginId, PW);
    const ok = await loginWithPassword({ loginId, password: PW }, { ip: '203.0.113.5', userAgent: 't' });
    for (let i = 0; i < 60; i++)
      await loginWithPassword({ loginId, password: `wrong ${i}` }, { ip: `198.51.100.${i}`, userAgent: 't' });

    const failures = await searchAuditEvents(tenantId, q({ action: 'login.failed', outcome: 'failure' }));
    expect(failures.rows).toHaveLength(50);
    expect(failures.next).not.toBeNull();
    const older = await searchAuditEvents(tenantId, q({ action: 'login.failed', before: failures.next! }));
    // Throttling refuses some attempts before counting them; all of them are audited.
    expect(failures.rows.length + older.rows.length).toBe(60);
    const seqs = [...failures.rows, ...older.rows].map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(60);

    expect((await searchAuditEvents(tenantId, q({ ip: '198.51.100.0/28' }))).rows).toHaveLength(16);
    // A range picks its newest matches by address first: they still page newest first, each
    // event once, and combine with several actions.
    const range = q({ ip: '198.51.100.0/24', action: 'login.failed,login.succeeded' });
    const rangeFirst = await searchAuditEvents(tenantId, range);
    const rangeNext = await searchAuditEvents(tenantId, { ...range, before: rangeFirst.next! });
    const ranged = [...rangeFirst.rows, ...rangeNext.rows];
    expect(rangeFirst.rows).toHaveLength(50);
    expect(rangeNext.next).toBeNull();
    expect(ranged.map((r) => r.seq)).toEqual(seqs);
    expect(ranged.every((r) => r.ip!.startsWith('198.51.100.'))).toBe(true);
    expect((await searchAuditEvents(tenantId, q({ ip: '203.0.113.5' }))).rows.map((r) => r.action)).toEqual([
      'login.succeeded',
    ]);
    if (!ok.ok) throw new Error('login');
    const bySession = await searchAuditEvents(tenantId, q({ session: ok.sessionId }));
    expect(bySession.rows.map((r) => r.action)).toEqual(['login.succeeded']);
    // Several actions (one repeated) page together, newest first, without gaps or repeats.
    const both = q({ actor: loginId, action: 'login.succeeded,login.failed,login.failed' });
    const first = await searchAuditEvents(tenantId, both);
    const second = await searchAuditEvents(tenantId, { ...both, before: first.next! });
    expect(second.next).toBeNull();
    const merged = [...first.rows, ...second.rows];
    expect(merged.map((r) => r.seq)).toEqual([...merged.map((r) => r.seq)].sort((a, b) => b - a));
    expect(new Set(merged.map((r) => r.seq)).size).toBe(61);
    expect(merged.at(-1)!.action).toBe('login.succeeded');
    expect(merged[0].hash).toMatch(/^[0-9a-f]{64}$/);
    // Junk filters are refused field by field (never dropped, which would widen the result), and
    // so are values the database would refuse: neither becomes a query.
    expect(parseAuditFilter({ ip: 'junk', session: 'nope', from: 'x' }, 'api')).toEqual({
      ok: false,
      fieldErrors: { from: ['invalid_instant'], ip: ['invalid_ip'], session: ['invalid_uuid'] },
    });
    for (const [junk, field] of <[Record<string, string>, string][]>[
      [{ before: '99999999999999999999:1' }, 'before'],
      [{ before: '1:99999999999999999999' }, 'before'],
      [{ from: '+099999-01-01' }, 'from'],
      [{ actor: 'x\u0000y' }, 'actor'],
      [{ target: 'x\u0000' }, 'target'],
    ]) {
      expect(parseAuditFilter(junk, 'api')).toMatchObject({
        ok: false,
        fieldErrors: { [field]: [expect.any(String)] },
      });
    }
    // Thirty-six hex digits and dashes that are no UUID are a login ID, not an operator id.
    expect((await searchAuditEvents(tenantId, q({ actor: 'a'.repeat(36) }))).rows).toEqual([]);
    expect((await searchAuditEvents(tenantId, q({ actor: '-'.repeat(36) }))).rows).toEqual([]);
  });

  it('counts a pivot by action, in its own chain only', async () => {
    const code = `audc${Date.now().toString(36)}`;
    const tenantId = await createTenant(code);
    const other = await createTenant(`${code}x`);
    const loginId = `${code}.op`;
    await createOperator(tenantId, loginId, PW);
    await createOperator(other, `${code}x.op`, PW);
    await loginWithPassword({ loginId, password: PW }, { ip: '203.0.113.9', userAgent: 't' });
    for (let i = 0; i < 3; i++)
      await loginWithPassword({ loginId, password: `wrong ${i}` }, { ip: '203.0.113.9', userAgent: 't' });
    // The same address in another company: not in this chain's count.
    await loginWithPassword({ loginId: `${code}x.op`, password: PW }, { ip: '203.0.113.9', userAgent: 't' });
    expect(await countAuditActions(tenantId, q({ ip: '203.0.113.9' }))).toEqual({
      chain: tenantId,
      total: 4,
      capped: false,
      actions: [
        { action: 'login.failed', count: 3 },
        { action: 'login.succeeded', count: 1 },
      ],
    });
    // A page's keyset does not narrow the count: it is the pivot's whole.
    const page = await searchAuditEvents(tenantId, q({ actor: loginId }), 2);
    expect((await countAuditActions(tenantId, { ...q({ actor: loginId }), before: page.next! })).total).toBe(4);
  });

  it("sees only its own tenant's chain; platform staff choose a tenant", async () => {
    const t = Date.now().toString(36);
    const a = await createTenant(`auda${t}`);
    const b = await createTenant(`audb${t}`);
    await createOperator(b, `audb${t}.op`, PW);
    await loginWithPassword({ loginId: 'nobody-at-all', password: 'x' }, { ip: '192.0.2.1', userAgent: 't' });
    // Asking for another tenant through one's own chain changes nothing.
    expect((await searchAuditEvents(a, q({ tenant: b }))).chain).toBe(a);
    expect((await searchAuditEvents(PLATFORM_TENANT_ID, q({}))).rows.some((r) => r.action === 'login.failed')).toBe(
      true,
    );
    expect((await searchAuditEvents(PLATFORM_TENANT_ID, q({ tenant: b }))).chain).toBe(b);
  });
});
