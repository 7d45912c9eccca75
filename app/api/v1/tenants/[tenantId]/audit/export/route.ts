import { auditSearchQuery } from '@/lib/audit/search-audit-events';
import { exportAuditEvents, exportFormat } from '@/lib/audit/export-audit-events';
import { withRoute } from '@/lib/auth/with-route';

/** Filtered audit events as a streamed CSV or JSON Lines download (filters as in the console). */
export const GET = withRoute<{ tenantId: string }>({ tenant: 'audit.read', tenantParam: 'tenantId' }, async (req, ctx, { tenantId }) => {
  const params = Object.fromEntries(req.nextUrl.searchParams);
  const query = auditSearchQuery.parse(params);
  const options = exportFormat.parse(params);
  const charset = options.encoding === 'sjis' ? 'Shift_JIS' : 'utf-8';
  const type = options.format === 'csv' ? `text/csv; charset=${charset}` : 'application/x-ndjson; charset=utf-8';
  const name = `mamori-audit-${new Date().toISOString().slice(0, 10)}.${options.format === 'csv' ? 'csv' : 'jsonl'}`;
  return new Response(exportAuditEvents(ctx, tenantId, query, options), {
    headers: { 'content-type': type, 'content-disposition': `attachment; filename="${name}"` },
  });
});
