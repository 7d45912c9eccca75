import { csvRow } from '@/lib/http/csv';
import type { OperatorProgress } from './rotation-progress';

export interface ReportCampaign {
  id: string;
  reason: string;
  deadline: Date;
}

const HEADER = [
  'campaign_id',
  'campaign_reason',
  'campaign_deadline_utc',
  'tenant_code',
  'tenant_name',
  'login_id',
  'display_name',
  'status',
  'rotated_at_utc',
  'locked_at_utc',
  'last_login_at_utc',
];

/**
 * Who rotated when, for regulators: one RFC 4180 table (the campaign in columns of every row, so
 * a spreadsheet or a loader reads it without a preamble), UTF-8 with BOM for Excel, formula-safe.
 */
export function formatRotationReport(campaign: ReportCampaign, rows: OperatorProgress[]): string {
  const about = [campaign.id, campaign.reason, campaign.deadline];
  return (
    '\ufeff' +
    csvRow(HEADER) +
    rows
      .map((r) =>
        csvRow([
          ...about,
          r.tenantCode,
          r.tenantName,
          r.loginId,
          r.displayName,
          r.status,
          r.rotatedAt,
          r.lockedAt,
          r.lastLoginAt,
        ]),
      )
      .join('')
  );
}
