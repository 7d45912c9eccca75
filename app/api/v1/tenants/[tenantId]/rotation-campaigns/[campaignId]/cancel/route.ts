import { cancelRotationCampaignOp } from '@/lib/api/operations/rotation-campaigns';
import { withApi } from '@/lib/auth/with-api';
import { cancelRotationCampaign } from '@/lib/passwords/cancel-rotation-campaign';

export const POST = withApi(cancelRotationCampaignOp, async (token, { params }) => ({
  body: await cancelRotationCampaign(token, params.campaignId),
}));
