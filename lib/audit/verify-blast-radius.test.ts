import { describe, expect, it } from 'vitest';
import { tallyBlastRadius } from './tally-blast-radius';
import { verifyBlastRadius, type BlastRadiusReport } from './verify-blast-radius';
import type { BundleLine, ExportedEvent } from './verify-bundle';

const T = '11111111-1111-4111-8111-111111111111';
const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

const event = (seq: number, action: string, details: Record<string, unknown>): ExportedEvent => ({
  tenantId: T,
  seq,
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  occurredAt: new Date(Date.UTC(2026, 11, 1, 0, 0, seq)).toISOString(),
  actorOperatorId: '22222222-2222-4222-8222-222222222222',
  actorLoginId: 'b.op',
  action,
  targetType: null,
  targetId: null,
  outcome: 'success',
  ip: null,
  userAgent: null,
  sessionId: null,
  details,
  hash: 'ff'.repeat(32),
});

const lines: BundleLine[] = [
  event(1, 'orders.export_started', { siteId: A, rows: 15581 }),
  event(2, 'orders.exported', { siteId: A, rows: 15581, customers: 10946, sha256: 'ab'.repeat(32) }),
  // Withheld by the filter: only its place in the chain.
  { seq: 3, digest: 'cd'.repeat(32), hash: 'ee'.repeat(32) },
  event(4, 'ip_allowlist.updated', {}),
];

/** The report as the platform would write it for these events. */
const report = (): BlastRadiusReport => ({
  filters: ['ip=198.51.100.44'],
  throughSeq: 4,
  prunedBefore: null,
  sites: tallyBlastRadius(lines.filter((l): l is ExportedEvent => 'action' in l)).map((s) => ({
    ...s,
    tenantName: 'さくら',
    siteName: s.siteId ? '本店' : null,
  })),
});

describe('checking a bundle’s blast radius against its events', () => {
  it('agrees when every figure is what the events say, counting full events only', () => {
    expect(verifyBlastRadius(lines, report())).toEqual({ ok: true, events: 3, sites: 2 });
  });

  it('names the site and the first figure that differs, with both values', () => {
    const r = report();
    r.sites[1].ordersExported = 15580;
    expect(verifyBlastRadius(lines, r)).toEqual({
      ok: false,
      tenantId: T,
      siteId: A,
      siteName: '本店',
      figure: 'ordersExported',
      report: 15580,
      recomputed: 15581,
    });
    const files = report();
    files.sites[1].exportFiles[0].customers = 9000;
    expect(verifyBlastRadius(lines, files)).toMatchObject({ ok: false, figure: 'exportFiles' });
    const logins = report();
    logins.sites[0].operators = [];
    expect(verifyBlastRadius(lines, logins)).toMatchObject({ ok: false, siteId: null, figure: 'operators' });
  });

  it('names a site the report leaves out, and one it adds', () => {
    const dropped = report();
    dropped.sites.pop();
    expect(verifyBlastRadius(lines, dropped)).toMatchObject({
      ok: false,
      siteId: A,
      figure: 'site',
      report: false,
      recomputed: true,
    });
    const added = report();
    added.sites.push({ ...added.sites[1], siteId: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', siteName: '支店' });
    expect(verifyBlastRadius(lines, added)).toMatchObject({
      ok: false,
      siteName: '支店',
      figure: 'site',
      report: true,
      recomputed: false,
    });
  });

  it('refuses a report that is not of the bundle’s form', () => {
    const r = report() as unknown as { sites: { ordersExported: unknown }[] };
    r.sites[1].ordersExported = '15581';
    expect(verifyBlastRadius(lines, r)).toMatchObject({
      ok: false,
      malformed: expect.stringContaining('ordersExported'),
    });
    expect(verifyBlastRadius(lines, null)).toMatchObject({ ok: false });
  });
});
