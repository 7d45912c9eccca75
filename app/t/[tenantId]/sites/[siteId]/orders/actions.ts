'use server';
import { withAction } from '@/lib/auth/with-action';
import { recordIdSchema } from '@/lib/ec/list-members';
import { revealOrder } from '@/lib/ec/reveal-order';
import { z } from '@/lib/http/zod-messages';
import { uuidSchema } from '@/lib/http/input-schemas';

/** Nothing changes but the audit trail, so the list is not re-rendered (which would count as a view). */
export const revealOrderAction = withAction(
  'app/t/[tenantId]/sites/[siteId]/orders/actions.ts revealOrderAction',
  z.object({ tenantId: uuidSchema, orderId: recordIdSchema }),
  async (ctx, { orderId }) => {
    const o = await revealOrder(ctx, orderId);
    return {
      ok: true,
      data: {
        orderNo: o.orderNo,
        orderedAt: o.orderedAt,
        status: o.status,
        customerName: o.customerName,
        customerKana: o.customerKana,
        customerEmail: o.customerEmail,
        customerEmailAlt: o.customerEmailAlt,
        customerPhone: o.customerPhone,
        customerPostalCode: o.customerPostalCode,
        customerAddress: o.customerAddress,
        customerComment: o.customerComment,
        adminComment: o.adminComment,
        shipName: o.shipName,
        shipPostalCode: o.shipPostalCode,
        shipAddress: o.shipAddress,
        shipPhone: o.shipPhone,
        amount: o.amount,
        trackingNo: o.trackingNo,
      },
    };
  },
);
