import { enableOperatorOp, viewOperator } from '@/lib/api/operations/operators';
import { withApi } from '@/lib/auth/with-api';
import { AppError } from '@/lib/http/app-error';
import { getOperator } from '@/lib/tenancy/list-operators';
import { setOperatorStatus } from '@/lib/tenancy/update-operator';

export const POST = withApi(enableOperatorOp, async (token, { params, body }) => {
  const { sessionsEnded } = await setOperatorStatus(token, params.operatorId, {
    status: 'active',
    reason: body.reason,
  });
  const operator = await getOperator(token, params.operatorId);
  if (!operator) throw new AppError('not_found');
  return { body: { operator: viewOperator(operator), sessionsEnded } };
});
