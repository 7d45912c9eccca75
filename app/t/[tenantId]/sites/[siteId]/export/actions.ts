'use server';
import { revalidatePath } from 'next/cache';
import { withAction } from '@/lib/auth/with-action';
import { ORDER_EXPORT_COLUMN_KEYS } from '@/lib/ec/order-export-columns';
import {
  RANGE_REVERSED,
  decideOrderExport,
  orderExportRequest,
  orderExportScopeFields,
  previewOrderExport,
  rangeInOrder,
  requestOrderExport,
} from '@/lib/ec/request-order-export';
import { prepareOrderExportDownload } from '@/lib/ec/stream-order-export';
import { z } from '@/lib/http/zod-messages';
import { uuidSchema } from '@/lib/http/input-schemas';

// Each column is a checkbox "col_<key>" (a form field has one value here); they become one list.
const withColumns = (raw: unknown) => {
  const r = (raw ?? {}) as Record<string, unknown>;
  return { ...r, columns: ORDER_EXPORT_COLUMN_KEYS.filter((k) => r[`col_${k}`] === 'on') };
};

const scopeInput = z.preprocess(
  withColumns,
  z.object({ tenantId: uuidSchema }).extend(orderExportScopeFields.shape).refine(rangeInOrder, RANGE_REVERSED),
);
const requestInput = z.preprocess(
  withColumns,
  z
    .object({ tenantId: uuidSchema })
    .extend(orderExportScopeFields.shape)
    .extend(orderExportRequest.shape)
    .refine(rangeInOrder, RANGE_REVERSED),
);

export const previewExportAction = withAction(
  'app/t/[tenantId]/sites/[siteId]/export/actions.ts previewExportAction',
  scopeInput,
  async (ctx, { ...scope }) => {
    // The scope goes back with the summary: the request form repeats exactly what was previewed.
    return {
      ok: true,
      data: {
        ...(await previewOrderExport(ctx, scope)),
        siteId: scope.siteId,
        from: scope.from,
        to: scope.to,
      },
    };
  },
);

export const requestExportAction = withAction(
  'app/t/[tenantId]/sites/[siteId]/export/actions.ts requestExportAction',
  requestInput,
  async (ctx, { tenantId, encoding, reason, ...scope }) => {
    const r = await requestOrderExport(ctx, scope, { encoding, reason });
    revalidatePath(`/t/${tenantId}/sites/${scope.siteId}/export`);
    return { ok: true, data: r };
  },
);

const decisionInput = z.object({
  tenantId: uuidSchema,
  siteId: uuidSchema,
  exportId: uuidSchema,
  decision: z.enum(['approve', 'reject']),
});

export const decideExportAction = withAction(
  'app/t/[tenantId]/sites/[siteId]/export/actions.ts decideExportAction',
  decisionInput,
  async (ctx, { tenantId, siteId, exportId, decision }) => {
    await decideOrderExport(ctx, exportId, decision);
    revalidatePath(`/t/${tenantId}/sites/${siteId}/export`);
    return { ok: true };
  },
);

const downloadInput = z.object({ tenantId: uuidSchema, exportId: uuidSchema });

export const startDownloadAction = withAction(
  'app/t/[tenantId]/sites/[siteId]/export/actions.ts startDownloadAction',
  downloadInput,
  async (ctx, { exportId }) => {
    return { ok: true, data: { url: await prepareOrderExportDownload(ctx, exportId) } };
  },
);
