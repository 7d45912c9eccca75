import 'server-only';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { ORDER_STATUSES, orders } from '@/db/schema';
import type { TenantAccess } from '@/lib/kernel/access';
import { encodeCursor } from '@/lib/http/cursor';
import { z } from '@/lib/http/zod-messages';
import { PII_PAGE_SIZE, newestFirst, olderThan, recordListing, recordNoQuery, siteOf } from './list-members';
import { maskEmail, maskPhone } from './mask';

export const listOrdersQuery = z.object({
  q: recordNoQuery,
  status: z.enum(ORDER_STATUSES).optional().catch(undefined),
  after: z.string().max(1000).optional().catch(undefined),
});

/**
 * One site's orders, newest first, 50 a page, keyset-paged on orders_site_time_idx; `q` is an exact
 * order number (the site's unique key). E-mail and phone are masked here, the tracking number is
 * only present or not; the view is audited with the number of records shown.
 */
export async function listOrders(
  ctx: TenantAccess<'orders.read'>,
  siteId: string,
  query: z.infer<typeof listOrdersQuery>,
) {
  const tenantId = ctx.granted.tenantId;
  const { site, rows } = await withTenantTx(
    tenantId,
    async (tx) => {
      const site = await siteOf(tx, tenantId, siteId);
      const conditions: SQL[] = [eq(orders.tenantId, tenantId), eq(orders.siteId, siteId)];
      if (query.q) conditions.push(eq(orders.orderNo, query.q));
      if (query.status) conditions.push(eq(orders.status, query.status));
      const keyset = olderThan(orders.orderedAt, orders.id, query.after);
      if (keyset) conditions.push(keyset);
      const rows = await tx
        .select({
          id: orders.id,
          orderNo: orders.orderNo,
          orderedAt: orders.orderedAt,
          status: orders.status,
          customerName: orders.customerName,
          customerEmail: orders.customerEmail,
          customerPhone: orders.customerPhone,
          amount: orders.amount,
          hasTracking: sql<boolean>`${orders.trackingNo} is not null`,
        })
        .from(orders)
        .where(and(...conditions))
        .orderBy(...newestFirst(orders.orderedAt, orders.id))
        .limit(PII_PAGE_SIZE + 1);
      return { site, rows };
    },
    { readOnly: true },
  );
  const page = rows
    .slice(0, PII_PAGE_SIZE)
    .map((o) => ({ ...o, customerEmail: maskEmail(o.customerEmail), customerPhone: maskPhone(o.customerPhone) }));
  const last = page.at(-1);
  const { alerted } = await recordListing(ctx, { action: 'orders.listed', siteId, count: page.length });
  return {
    site,
    rows: page,
    next: rows.length > PII_PAGE_SIZE && last ? encodeCursor(last.orderedAt.getTime(), last.id) : null,
    alerted,
  };
}
