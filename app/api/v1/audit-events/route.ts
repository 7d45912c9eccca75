import { NextResponse, type NextRequest } from 'next/server';
import { authenticateApiToken } from '@/lib/api/api-tokens';
import { auditSearchQuery, searchAuditEvents } from '@/lib/audit/search-audit-events';
import { requestMetaFrom } from '@/lib/auth/request-context';
import { errorResponse } from '@/lib/http/respond';

/**
 * Audit events for SIEMs: bearer API token (scope audit:read, one tenant), the console's filters,
 * newest first, `next` as the cursor for the following page.
 */
export async function GET(req: NextRequest) {
  try {
    const meta = requestMetaFrom(req.headers);
    const bearer = (req.headers.get('authorization') ?? '').replace(/^Bearer\s+/i, '');
    const token = await authenticateApiToken(bearer, meta.ip, meta.userAgent, 'GET /api/v1/audit-events');
    const query = auditSearchQuery.parse(Object.fromEntries(req.nextUrl.searchParams));
    // A token reads its own tenant only; a tenant filter in the query changes nothing.
    const viewer = { operatorId: token.tokenId } as Parameters<typeof searchAuditEvents>[0];
    const page = await searchAuditEvents(viewer, token.tenantId, { ...query, tenant: undefined });
    return NextResponse.json(
      { events: page.rows.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })), next: page.next },
      { headers: { 'cache-control': 'no-store' } },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
