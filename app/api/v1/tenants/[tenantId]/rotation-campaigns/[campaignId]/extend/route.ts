import { extendRotationCampaignOp } from '@/lib/api/operations/rotation-campaigns';
import { withApi } from '@/lib/auth/with-api';
import { extendRotationCampaign } from '@/lib/passwords/extend-rotation-campaign';

export const POST = withApi(extendRotationCampaignOp, async (token, { params, body }) => {
  const deadline = new Date(body.deadline);
  await extendRotationCampaign(token, params.campaignId, { deadline });
  return { body: { deadline: deadline.toISOString() } };
});
