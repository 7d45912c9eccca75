import { PLATFORM_TENANT_ID } from '@/db/schema';
import { filterParams, requireAuditFilter } from '@/lib/audit/audit-filter';
import { formatBlastRadius } from '@/lib/audit/format-blast-radius';
import { measureBlastRadius, measureBlastRadiusAcrossTenants } from '@/lib/audit/measure-blast-radius';
import { recordCrossTenantView } from '@/lib/audit/record-cross-tenant-view';
import { onPlatform } from '@/lib/auth/guard';
import { withRoute } from '@/lib/auth/with-route';
import { AppError } from '@/lib/http/app-error';
import { uuidSchema } from '@/lib/http/input-schemas';
import { readIncidentPivots } from '@/lib/incidents/read-incident-pivots';

/**
 * What a pivot touched, as CSV: the audit filter of the page (a session, operator, address,
 * token or target, and a time window), in this chain, or with `across=all` in every tenant's for
 * platform staff; or `incident=<id>` alone: the union of that incident's pivots. Without a pivot
 * there is nothing to measure: 400.
 */
export const GET = withRoute(
  'app/api/v1/tenants/[tenantId]/audit/blast-radius/route.ts GET',
  async (req, ctx, { tenantId }) => {
    const params = req.nextUrl.searchParams;
    const platform = tenantId === PLATFORM_TENANT_ID;
    const name = `mamori-blast-radius-${new Date().toISOString().slice(0, 10)}.csv`;
    const csv = (body: string) =>
      new Response(body, {
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` },
      });
    // An incident's report: the union of its pivots, in its owner's chain (the platform's: all).
    if (params.has('incident')) {
      if ([...params.keys()].some((k) => k !== 'incident')) throw new AppError('bad_request', { incident: ['alone'] });
      const incidentId = uuidSchema.safeParse(params.get('incident'));
      if (!incidentId.success) throw new AppError('bad_request', { incident: ['invalid_uuid'] });
      const staff = platform ? onPlatform(ctx, 'audit.read') : null;
      if (platform && !staff) throw new AppError('not_found');
      const { filters } = await readIncidentPivots(staff ?? ctx, incidentId.data);
      if (staff) await recordCrossTenantView(staff, filters, 'csv');
      const radius = staff
        ? await measureBlastRadiusAcrossTenants(staff, filters)
        : await measureBlastRadius(ctx, filters);
      return csv(formatBlastRadius(radius, filters.map((f) => filterParams(f).toString()).join(' | ')));
    }
    // A tenant's chain is measured on its own route (platform staff included), never by `tenant`.
    const query = requireAuditFilter(params, { extra: ['across'], without: ['tenant'] });
    if (!query.session && !query.actor && !query.ip && !query.target)
      throw new AppError('bad_request', { session: ['required'] });
    const across = params.get('across');
    if (across !== null && (across !== 'all' || !platform))
      throw new AppError('bad_request', { across: ['invalid_choice'] });
    const staff = across ? onPlatform(ctx, 'audit.read') : null;
    if (across && !staff) throw new AppError('not_found');
    if (staff) await recordCrossTenantView(staff, query, 'csv');
    const radius = staff ? await measureBlastRadiusAcrossTenants(staff, query) : await measureBlastRadius(ctx, query);
    return csv(formatBlastRadius(radius, filterParams(query).toString()));
  },
);
