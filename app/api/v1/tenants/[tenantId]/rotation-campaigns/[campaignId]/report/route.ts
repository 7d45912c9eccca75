import { AppError } from '@/lib/http/app-error';
import { formatRotationReport } from '@/lib/passwords/format-rotation-report';
import { getRotationProgress, listRotationTargets } from '@/lib/passwords/rotation-progress';
import { uuidSchema } from '@/lib/http/input-schemas';
import { withRoute } from '@/lib/auth/with-route';

/** Who rotated when, for regulators (see formatRotationReport). */
export const GET = withRoute(
  'app/api/v1/tenants/[tenantId]/rotation-campaigns/[campaignId]/report/route.ts GET',
  async (_req, ctx, { campaignId }) => {
    if (!uuidSchema.safeParse(campaignId).success) throw new AppError('not_found');
    const progress = await getRotationProgress(ctx, campaignId);
    if (!progress) throw new AppError('not_found');
    const rows = await listRotationTargets(ctx, campaignId, undefined, 1_000_000);
    return new Response(formatRotationReport(progress.campaign, rows), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="rotation-${campaignId}.csv"`,
      },
    });
  },
);
