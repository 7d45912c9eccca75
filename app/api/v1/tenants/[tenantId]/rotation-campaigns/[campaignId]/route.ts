import { getRotationCampaignOp } from '@/lib/api/operations/rotation-campaigns';
import { withApi } from '@/lib/auth/with-api';
import { AppError } from '@/lib/http/app-error';
import { getRotationProgress } from '@/lib/passwords/rotation-progress';

export const GET = withApi(getRotationCampaignOp, async (token, { params }) => {
  const progress = await getRotationProgress(token, params.campaignId);
  if (!progress) throw new AppError('not_found');
  const { campaign } = progress;
  return {
    body: {
      campaign: {
        id: campaign.id,
        reason: campaign.reason,
        deadline: campaign.deadline.toISOString(),
        status: campaign.status,
        startedAt: campaign.startedAt.toISOString(),
        startedBy: campaign.startedByLoginId,
        revokeSessions: campaign.revokeSessions,
      },
      totals: progress.totals,
      tenants: progress.tenants,
    },
  };
});
