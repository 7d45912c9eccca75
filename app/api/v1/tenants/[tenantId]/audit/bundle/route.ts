import { requireAuditFilter } from '@/lib/audit/audit-filter';
import { exportAuditBundle } from '@/lib/audit/export-bundle';
import { withRoute } from '@/lib/auth/with-route';

/**
 * The regulator bundle of one tenant's audit chain (tar), verifiable offline with audit:verify;
 * with the API's filter parameters, the matching events in full and the others as digests.
 */
export const GET = withRoute('app/api/v1/tenants/[tenantId]/audit/bundle/route.ts GET', async (req, ctx) => {
  const filter = requireAuditFilter(req.nextUrl.searchParams, { without: ['tenant', 'before'] });
  const { tar, name, stream } = await exportAuditBundle(ctx, filter);
  return new Response(stream, {
    headers: {
      'content-type': 'application/x-tar',
      'content-length': String(tar.length),
      'content-disposition': `attachment; filename="${name}"`,
    },
  });
});
