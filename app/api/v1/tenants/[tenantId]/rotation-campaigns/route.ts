import { listRotationCampaignsOp, startRotationCampaignOp } from '@/lib/api/operations/rotation-campaigns';
import { withApi } from '@/lib/auth/with-api';
import { listRotationCampaigns } from '@/lib/passwords/rotation-progress';
import { startRotationCampaign } from '@/lib/passwords/start-rotation-campaign';

export const GET = withApi(listRotationCampaignsOp, async (token) => {
  const rows = await listRotationCampaigns(token);
  return {
    body: {
      campaigns: rows.map((c) => ({
        id: c.id,
        reason: c.reason,
        deadline: c.deadline.toISOString(),
        status: c.status,
        startedAt: c.startedAt.toISOString(),
        startedBy: c.startedByLoginId,
        operators: c.targetCount,
        tenants: c.tenantCount,
      })),
    },
  };
});

export const POST = withApi(startRotationCampaignOp, async (token, { body }) => {
  const started = await startRotationCampaign(token, { ...body, deadline: new Date(body.deadline) });
  return {
    body: {
      campaignId: started.campaignId,
      operators: started.operators,
      tenants: started.tenants,
      sessionsEnded: started.sessionsEnded,
    },
  };
});
