import { describe, expect, it } from 'vitest';
import { parseCsv } from '@/lib/http/csv';
import { formatPosture } from './format-posture';

describe('formatPosture', () => {
  it('writes one row a company with counts, reasons and instants, formula-safe', () => {
    const csv = formatPosture([
      {
        tenantId: 't1',
        name: '=HYPERLINK("x")',
        code: 'sakura',
        status: 'active',
        operators: 7,
        totpEnrolled: 5,
        recoveryCodes: 4,
        renewalSince: new Date('2026-11-20T00:00:00Z'),
        passwordsRenewed: 6,
        allowlistMode: 'monitor',
        allowlistCovered: 0,
        dormant: 1,
        openAlerts: 2,
        lastExportAt: null,
        oldTokens: 0,
        webhook: 'failing',
        score: 61,
        reasons: ['totp', 'allowlist_monitor'],
        refreshedAt: new Date('2026-12-03T00:00:00Z'),
      },
    ]);
    expect(csv.startsWith('\uFEFFtenant_id,code,name,status,score,reasons,')).toBe(true);
    const [header, row] = parseCsv(csv.slice(1));
    expect(Object.fromEntries(header.map((h, i) => [h, row[i]]))).toMatchObject({
      name: `'=HYPERLINK("x")`,
      score: '61',
      reasons: 'totp allowlist_monitor',
      totp_enrolled: '5',
      renewal_since: '2026-11-20T00:00:00.000Z',
      last_export_at: '',
      webhook: 'failing',
    });
  });
});
