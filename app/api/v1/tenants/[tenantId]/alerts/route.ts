import { listAlertsOp } from '@/lib/api/operations/alerts';
import { withApi } from '@/lib/auth/with-api';
import { listAlertsPage } from '@/lib/alerts/list-alerts';

export const GET = withApi(listAlertsOp, async (token, { query }) => {
  const page = await listAlertsPage(token, { after: query.after, open: query.open === 'true' });
  return {
    body: {
      alerts: page.rows.map((a) => ({
        id: a.id,
        rule: a.rule,
        loginId: a.loginId,
        details: a.details as Record<string, unknown>,
        raisedAt: a.raisedAt.toISOString(),
        acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
        acknowledgedBy: a.acknowledgedByLoginId,
      })),
      next: page.next,
    },
  };
});
