import { describe, expect, it } from 'vitest';
import { tallyBlastRadius, type TalliedEvent } from './tally-blast-radius';

const T = '11111111-1111-4111-8111-111111111111';
const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const OP = '22222222-2222-4222-8222-222222222222';

/** Events one second apart from 2026-12-01T00:00:00Z, by the operator `b.op` unless said. */
function events(
  rows: [action: string, details: Record<string, unknown>, extra?: Partial<TalliedEvent>][],
): TalliedEvent[] {
  return rows.map(([action, details, extra], i) => ({
    tenantId: T,
    seq: i + 1,
    occurredAt: new Date(Date.UTC(2026, 11, 1, 0, 0, i)).toISOString(),
    action,
    outcome: 'success',
    actorOperatorId: OP,
    actorLoginId: 'b.op',
    details,
    ...extra,
  }));
}

describe('the blast radius counted from a bundle’s events', () => {
  it('counts per tenant and site as the SQL does', () => {
    const sites = tallyBlastRadius(
      events([
        ['login.succeeded', {}],
        ['orders.export_started', { siteId: A, rows: 100 }],
        // Recorded later but earlier in time: files are listed by time, then seq.
        [
          'orders.exported',
          { siteId: A, rows: 100, customers: 80, sha256: 'b' },
          { occurredAt: '2026-12-01T01:00:00.000Z' },
        ],
        ['orders.export_started', { siteId: A, rows: 50 }],
        ['orders.exported', { siteId: A, rows: '50', customers: 40, sha256: 'a' }],
        ['orders.export_started', { siteId: A, rows: 70 }],
        ['orders.export_aborted', { siteId: A, rowsSent: 10 }, { outcome: 'failure' }],
        ['orders.export_started', { siteId: A, rows: 30 }],
        ['payment_settings.revealed', { siteId: A }],
        ['payment_settings.revealed', { siteId: A }, { outcome: 'failure', actorLoginId: 'x.op' }],
        ['member.revealed', { siteId: B, memberNo: 'M1' }],
        ['member.revealed', { siteId: B, memberNo: 'M1' }],
        ['member.revealed', { siteId: B, memberNo: 'M2' }, { outcome: 'denied' }],
        ['member.revealed', { siteId: B }],
        ['members.listed', { siteId: B, count: 50 }],
        ['members.listed', { siteId: B, count: 30 }],
        ['members.listed', { siteId: B }],
        ['orders.listed', { siteId: B, count: 20 }],
        ['order.revealed', { siteId: B, orderNo: 'O9' }],
        ['ip_allowlist.updated', {}],
        ['mfa.policy_updated', {}],
        ['mfa.enrolled', {}],
        ['operator.created', {}, { outcome: 'failure' }],
        ['payment_settings.updated', { siteId: B }],
        // No operator: a token's or the system's event names no login ID.
        ['members.listed', { siteId: B, count: 5 }, { actorOperatorId: null, actorLoginId: 'token' }],
        ['login.succeeded', {}, { actorLoginId: 'a.op' }],
      ]),
    );
    expect(sites.map((s) => s.siteId)).toEqual([null, A, B]);
    const [none, a, b] = sites;
    expect(none).toMatchObject({
      operators: ['a.op', 'b.op'],
      settingsChanged: 2,
      firstAt: '2026-12-01T00:00:00.000Z',
      lastAt: '2026-12-01T00:00:25.000Z',
    });
    expect(a).toEqual({
      tenantId: T,
      siteId: A,
      operators: ['b.op'],
      ordersExported: 150,
      exportFiles: [
        { sha256: 'a', rows: 50, customers: 40, at: '2026-12-01T00:00:04.000Z' },
        { sha256: 'b', rows: 100, customers: 80, at: '2026-12-01T01:00:00.000Z' },
      ],
      exportsUnaccounted: 1,
      rowsSentBeforeAbort: 10,
      membersRevealed: 0,
      membersListed: 0,
      ordersRevealed: 0,
      ordersListed: 0,
      paymentSecretsRevealed: 1,
      settingsChanged: 0,
      firstAt: '2026-12-01T00:00:01.000Z',
      lastAt: '2026-12-01T01:00:00.000Z',
    });
    expect(b).toMatchObject({
      operators: ['b.op'],
      membersRevealed: 2,
      membersListed: 85,
      ordersListed: 20,
      ordersRevealed: 1,
      settingsChanged: 1,
      exportsUnaccounted: 0,
      exportFiles: [],
    });
  });

  it('never counts an export ended without being claimed as a negative number unaccounted', () => {
    const [site] = tallyBlastRadius(events([['orders.exported', { rows: 3 }]]));
    expect(site).toMatchObject({ exportsUnaccounted: 0, ordersExported: 3, exportFiles: [{ sha256: null }] });
  });

  it('keeps tenants apart and gives nothing for no events', () => {
    const other = '33333333-3333-4333-8333-333333333333';
    const sites = tallyBlastRadius(events([['members.listed', { siteId: A, count: 1 }, { tenantId: other }]]));
    expect(sites.map((s) => [s.tenantId, s.siteId, s.membersListed])).toEqual([[other, A, 1]]);
    expect(tallyBlastRadius([])).toEqual([]);
  });
});
