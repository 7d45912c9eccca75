import { withRoute } from '@/lib/auth/with-route';
import { formatPosture } from '@/lib/posture/format-posture';
import { listPosture, listPostureQuery } from '@/lib/posture/list-posture';

/** Every company's posture as CSV, with the posture page's filters and sort (all rows, not a page). */
export const GET = withRoute('app/api/v1/posture/route.ts GET', async (req, ctx) => {
  const query = listPostureQuery.parse(Object.fromEntries(req.nextUrl.searchParams));
  const { rows } = await listPosture(ctx, query, null);
  const name = `mamori-posture-${new Date().toISOString().slice(0, 10)}.csv`;
  return new Response(formatPosture(rows), {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` },
  });
});
