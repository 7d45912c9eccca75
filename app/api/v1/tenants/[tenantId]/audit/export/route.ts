import { exportAuditEvents, exportFormat } from '@/lib/audit/export-audit-events';
import { requireAuditFilter } from '@/lib/audit/audit-filter';
import { withRoute } from '@/lib/auth/with-route';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';

/**
 * Filtered audit events as a streamed CSV or JSON Lines download. The filter is the API's (times
 * with an offset or Z); an invalid one is a 400 and nothing is exported.
 */
export const GET = withRoute('app/api/v1/tenants/[tenantId]/audit/export/route.ts GET', async (req, ctx) => {
  const params = req.nextUrl.searchParams;
  const query = requireAuditFilter(params, { extra: ['format', 'encoding'] });
  const parsed = exportFormat.safeParse({
    format: params.get('format') ?? undefined,
    encoding: params.get('encoding') ?? undefined,
  });
  if (!parsed.success)
    throw new AppError('bad_request', z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
  const options = parsed.data;
  const charset = options.encoding === 'sjis' ? 'Shift_JIS' : 'utf-8';
  const type = options.format === 'csv' ? `text/csv; charset=${charset}` : 'application/x-ndjson; charset=utf-8';
  const name = `mamori-audit-${new Date().toISOString().slice(0, 10)}.${options.format === 'csv' ? 'csv' : 'jsonl'}`;
  return new Response(await exportAuditEvents(ctx, query, options), {
    headers: { 'content-type': type, 'content-disposition': `attachment; filename="${name}"` },
  });
});
