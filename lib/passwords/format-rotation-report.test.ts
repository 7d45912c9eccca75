import { describe, expect, it } from 'vitest';
import { parseCsv } from '@/lib/http/csv';
import { formatRotationReport } from './format-rotation-report';

const campaign = {
  id: '6f1d2c1e-0000-4000-8000-000000000001',
  reason: '=HYPERLINK("x"), after the breach',
  deadline: new Date('2026-12-09T15:00:00Z'),
};
const row = (loginId: string, status: 'pending' | 'rotated') => ({
  tenantCode: 'sakura',
  tenantName: '株式会社さくらアパレル',
  loginId,
  displayName: '田中, 太郎',
  status,
  rotatedAt: status === 'rotated' ? new Date('2026-12-03T01:02:03Z') : null,
  lockedAt: null,
  lastLoginAt: null,
});

describe('the rotation report', () => {
  it('is one rectangular table: a header, then one row per operator with the campaign in its columns', () => {
    const text = formatRotationReport(campaign, [row('sakura.tanaka', 'rotated'), row('sakura.sato', 'pending')]);
    expect(text.startsWith('\ufeffcampaign_id,')).toBe(true);
    const table = parseCsv(text.slice(1));
    expect(table).toHaveLength(3);
    expect(new Set(table.map((r) => r.length))).toEqual(new Set([11]));
    expect(table[1]).toEqual([
      campaign.id,
      `'=HYPERLINK("x"), after the breach`,
      '2026-12-09T15:00:00.000Z',
      'sakura',
      '株式会社さくらアパレル',
      'sakura.tanaka',
      '田中, 太郎',
      'rotated',
      '2026-12-03T01:02:03.000Z',
      '',
      '',
    ]);
    expect(table[2].slice(5, 8)).toEqual(['sakura.sato', '田中, 太郎', 'pending']);
  });

  it('is a header alone when no operator was a target', () => {
    expect(parseCsv(formatRotationReport(campaign, []).slice(1))).toEqual([
      expect.arrayContaining(['campaign_id', 'last_login_at_utc']),
    ]);
  });
});
