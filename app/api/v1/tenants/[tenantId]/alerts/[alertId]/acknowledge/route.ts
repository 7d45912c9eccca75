import { acknowledgeAlertOp } from '@/lib/api/operations/alerts';
import { withApi } from '@/lib/auth/with-api';
import { acknowledgeAlert } from '@/lib/alerts/acknowledge-alert';

export const POST = withApi(acknowledgeAlertOp, async (token, { params }) => {
  await acknowledgeAlert(token, params.alertId);
  return { body: undefined };
});
