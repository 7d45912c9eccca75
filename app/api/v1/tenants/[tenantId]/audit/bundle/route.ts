import { requireAuditFilter } from '@/lib/audit/audit-filter';
import { exportAuditBundle } from '@/lib/audit/export-bundle';
import { onPlatform } from '@/lib/auth/guard';
import { withRoute } from '@/lib/auth/with-route';
import { AppError } from '@/lib/http/app-error';
import { uuidSchema } from '@/lib/http/input-schemas';
import { readIncidentPivots } from '@/lib/incidents/read-incident-pivots';
import type { TenantAccess } from '@/lib/kernel/access';

/**
 * The regulator bundle of one tenant's audit chain (tar), verifiable offline with audit:verify;
 * with the API's filter parameters, the matching events in full and the others as digests; with
 * `incident=<id>`, those of the incident's pivots (and their blast radius, to recompute).
 */
export const GET = withRoute('app/api/v1/tenants/[tenantId]/audit/bundle/route.ts GET', async (req, ctx) => {
  const params = req.nextUrl.searchParams;
  const filter = params.has('incident')
    ? await incidentFilters(ctx, params)
    : requireAuditFilter(params, { without: ['tenant', 'before'] });
  const { tar, name, stream } = await exportAuditBundle(ctx, filter);
  return new Response(stream, {
    headers: {
      'content-type': 'application/x-tar',
      'content-length': String(tar.length),
      'content-disposition': `attachment; filename="${name}"`,
    },
  });
});

/**
 * `incident=<id>` alone: this chain's evidence for an incident's pivots, the incident being this
 * tenant's own or, for platform staff, the platform's.
 */
async function incidentFilters(ctx: TenantAccess<'audit.read'>, params: URLSearchParams) {
  if ([...params.keys()].some((k) => k !== 'incident')) throw new AppError('bad_request', { incident: ['alone'] });
  const id = uuidSchema.safeParse(params.get('incident'));
  if (!id.success) throw new AppError('bad_request', { incident: ['invalid_uuid'] });
  try {
    return (await readIncidentPivots(ctx, id.data)).filters;
  } catch (error) {
    const staff = onPlatform(ctx, 'audit.read');
    if (!(error instanceof AppError && error.code === 'not_found') || !staff) throw error;
    return (await readIncidentPivots(staff, id.data)).filters;
  }
}
