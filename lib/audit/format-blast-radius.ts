import { csvRow } from '@/lib/http/csv';
import type { SiteRadius } from './measure-blast-radius';

const HEADER = [
  'record',
  'tenant_id',
  'tenant',
  'site_id',
  'site',
  'login_ids',
  'order_rows_exported',
  'export_files',
  'exports_not_evidenced',
  'rows_sent_before_abort',
  'members_revealed',
  'members_listed',
  'orders_revealed',
  'orders_listed',
  'payment_secrets_revealed',
  'settings_changed',
  'file_sha256',
  'file_rows',
  'file_customers',
  'file_at',
  'filter',
];

/**
 * A pivot's blast radius as CSV (UTF-8 with BOM, CRLF, formula-safe): a `site` row per tenant
 * and site, an `export_file` row per file that left, a `pruned` row where retention removed
 * earlier events; the filter it was computed with on every row, so a regulator can rerun it.
 */
export function formatBlastRadius(
  radius: { sites: SiteRadius[]; prunedBefore: Map<string, Date> },
  filter: string,
): string {
  let out = `\uFEFF${csvRow(HEADER)}`;
  const blank = (n: number) => Array.from({ length: n }, () => '');
  for (const s of radius.sites) {
    const where = [s.tenantId, s.tenantName, s.siteId ?? '', s.siteName ?? ''];
    out += csvRow([
      'site',
      ...where,
      s.operators.join(' '),
      s.ordersExported,
      s.exportFiles.length,
      s.exportsUnaccounted,
      s.rowsSentBeforeAbort,
      s.membersRevealed,
      s.membersListed,
      s.ordersRevealed,
      s.ordersListed,
      s.paymentSecretsRevealed,
      s.settingsChanged,
      ...blank(4),
      filter,
    ]);
    for (const f of s.exportFiles) {
      out += csvRow(['export_file', ...where, ...blank(11), f.sha256, f.rows, f.customers, f.at, filter]);
    }
  }
  for (const [tenantId, at] of radius.prunedBefore) {
    out += csvRow(['pruned', tenantId, ...blank(17), at, filter]);
  }
  return out;
}
