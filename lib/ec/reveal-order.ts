import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { orders } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess } from '@/lib/kernel/access';
import { AppError } from '@/lib/http/app-error';
import { recordIdSchema } from './list-members';

/** One order's full record, unmasked, audited in the same transaction without its personal data. */
export async function revealOrder(ctx: TenantAccess<'orders.read'>, orderId: string) {
  const tenantId = ctx.granted.tenantId;
  if (!recordIdSchema.safeParse(orderId).success) throw new AppError('not_found');
  return withTenantTx(tenantId, async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)));
    if (!order) throw new AppError('not_found');
    await recordAudit(tx, {
      tenantId,
      action: 'order.revealed',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'order', id: order.id },
      details: { siteId: order.siteId, orderNo: order.orderNo },
    });
    return order;
  });
}
