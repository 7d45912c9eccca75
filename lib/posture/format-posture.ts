import { csvRow } from '@/lib/http/csv';
import type { PostureRow } from './list-posture';

const HEADER = [
  'tenant_id',
  'code',
  'name',
  'status',
  'score',
  'reasons',
  'operators',
  'totp_enrolled',
  'recovery_codes',
  'renewal_since',
  'passwords_renewed',
  'allowlist_mode',
  'allowlist_covered',
  'no_sign_in_90_days',
  'open_alerts',
  'last_export_at',
  'api_tokens_over_90_days',
  'webhook',
  'figures_changed_at',
];

/** The posture page's rows as CSV (UTF-8 with BOM, CRLF, formula-safe), counts not percentages. */
export function formatPosture(rows: PostureRow[]): string {
  let out = `\uFEFF${csvRow(HEADER)}`;
  const at = (d: Date | null) => (d ? d.toISOString() : '');
  for (const r of rows)
    out += csvRow([
      r.tenantId,
      r.code,
      r.name,
      r.status,
      r.score,
      r.reasons.join(' '),
      r.operators,
      r.totpEnrolled,
      r.recoveryCodes,
      at(r.renewalSince),
      r.passwordsRenewed,
      r.allowlistMode,
      r.allowlistCovered,
      r.dormant,
      r.openAlerts,
      at(r.lastExportAt),
      r.oldTokens,
      r.webhook,
      at(r.refreshedAt),
    ]);
  return out;
}
