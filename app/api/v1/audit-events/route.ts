import { NextResponse, type NextRequest } from 'next/server';
import { authenticateApiToken } from '@/lib/api/api-tokens';
import { requireAuditFilter } from '@/lib/audit/audit-filter';
import { searchAuditEvents } from '@/lib/audit/search-audit-events';
import { requestMetaFrom } from '@/lib/auth/request-context';
import { errorResponse } from '@/lib/http/respond';

/**
 * Audit events for SIEMs: bearer API token (scope audit:read, one tenant), the console's filters
 * with times as ISO 8601 instants (an offset or Z), newest first, `next` as the cursor for the
 * following page. A bad filter is a 400 naming its fields.
 */
export async function GET(req: NextRequest) {
  try {
    const meta = requestMetaFrom(req.headers);
    const bearer = (req.headers.get('authorization') ?? '').replace(/^Bearer\s+/i, '');
    const token = await authenticateApiToken(bearer, meta.ip, meta.userAgent, 'GET /api/v1/audit-events');
    // A token reads its own tenant only: a tenant parameter is refused, not ignored.
    const query = requireAuditFilter(req.nextUrl.searchParams, { without: ['tenant'] });
    const viewer = { operatorId: token.tokenId } as Parameters<typeof searchAuditEvents>[0];
    const page = await searchAuditEvents(viewer, token.tenantId, query);
    return NextResponse.json(
      { events: page.rows.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })), next: page.next },
      { headers: { 'cache-control': 'no-store' } },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
