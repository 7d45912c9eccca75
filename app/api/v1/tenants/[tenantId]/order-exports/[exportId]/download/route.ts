import { withRoute } from '@/lib/auth/with-route';
import { claimOrderExport, streamOrderExport } from '@/lib/ec/stream-order-export';
import { AppError } from '@/lib/http/app-error';
import { uuidSchema } from '@/lib/http/input-schemas';

/** One export's CSV, once, to its requester after a fresh second factor (see claimOrderExport). */
export const GET = withRoute(
  'app/api/v1/tenants/[tenantId]/order-exports/[exportId]/download/route.ts GET',
  async (req, ctx, { exportId }) => {
    // Started from the console itself: a link on another site must not use up the download.
    const fetchSite = req.headers.get('sec-fetch-site');
    if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') throw new AppError('forbidden');
    const id = uuidSchema.safeParse(exportId);
    if (!id.success) throw new AppError('not_found');
    const claimed = await claimOrderExport(ctx, id.data);
    const day = (d: Date) => new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
    const name = `orders-${day(claimed.periodFrom)}-${day(new Date(claimed.periodTo.getTime() - 1))}.csv`;
    return new Response(await streamOrderExport(ctx, claimed), {
      headers: {
        'content-type': `text/csv; charset=${claimed.encoding === 'sjis' ? 'Shift_JIS' : 'utf-8'}`,
        'content-disposition': `attachment; filename="${name}"`,
      },
    });
  },
);
