import { NextResponse } from 'next/server';
import { requireAuditFilter } from '@/lib/audit/audit-filter';
import { searchAuditEvents } from '@/lib/audit/search-audit-events';
import { withRoute } from '@/lib/auth/with-route';

/**
 * Audit events for SIEMs: bearer API token (scope audit:read, one tenant), the console's filters
 * with times as ISO 8601 instants (an offset or Z), newest first, `next` as the cursor for the
 * following page. A bad filter is a 400 naming its fields.
 */
export const GET = withRoute('app/api/v1/audit-events/route.ts GET', async (req, token) => {
  // A token reads its own tenant only: a tenant parameter is refused, not ignored.
  const query = requireAuditFilter(req.nextUrl.searchParams, { without: ['tenant'] });
  const page = await searchAuditEvents(token.tenantId, query);
  return NextResponse.json({
    events: page.rows.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })),
    next: page.next,
  });
});
