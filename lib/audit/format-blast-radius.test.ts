import { describe, expect, it } from 'vitest';
import { parseCsv } from '@/lib/http/csv';
import { formatBlastRadius } from './format-blast-radius';

describe('the blast radius as CSV', () => {
  it('has a row per site, per exported file and per pruned chain, each with its filter, and no formulas', () => {
    const csv = formatBlastRadius(
      {
        sites: [
          {
            tenantId: 't1',
            tenantName: '=HYPERLINK("x")',
            siteId: 's1',
            siteName: 'さくら本店',
            operators: ['a.op', 'b.op'],
            ordersExported: 150,
            exportFiles: [{ sha256: 'ab'.repeat(32), rows: 150, customers: 120, at: new Date('2026-12-01T00:00:00Z') }],
            exportsUnaccounted: 1,
            rowsSentBeforeAbort: 0,
            membersRevealed: 2,
            membersListed: 80,
            ordersRevealed: 0,
            ordersListed: 0,
            paymentSecretsRevealed: 1,
            settingsChanged: 0,
            firstAt: new Date('2026-11-30T00:00:00Z'),
            lastAt: new Date('2026-12-01T00:00:00Z'),
          },
        ],
        prunedBefore: new Map([['t1', new Date('2021-12-01T00:00:00Z')]]),
      },
      'ip=198.51.100.44',
    );
    expect(csv.startsWith('\uFEFFrecord,tenant_id,')).toBe(true);
    const rows = parseCsv(csv.slice(1));
    expect(rows.every((r) => r.length === 21)).toBe(true);
    expect(rows.map((r) => r[0])).toEqual(['record', 'site', 'export_file', 'pruned']);
    expect(rows[1].slice(0, 16)).toEqual([
      'site',
      't1',
      `'=HYPERLINK("x")`,
      's1',
      'さくら本店',
      'a.op b.op',
      '150',
      '1',
      '1',
      '0',
      '2',
      '80',
      '0',
      '0',
      '1',
      '0',
    ]);
    expect(rows[2].slice(16)).toEqual(['ab'.repeat(32), '150', '120', '2026-12-01T00:00:00.000Z', 'ip=198.51.100.44']);
    expect(rows[3][19]).toBe('2021-12-01T00:00:00.000Z');
  });
});
