import { resetTotpOp, viewOperator } from '@/lib/api/operations/operators';
import { withApi } from '@/lib/auth/with-api';
import { AppError } from '@/lib/http/app-error';
import { getOperator } from '@/lib/tenancy/list-operators';
import { resetOperatorMfa } from '@/lib/mfa/manage-mfa';

export const POST = withApi(resetTotpOp, async (token, { params, body }) => {
  const { sessionsEnded } = await resetOperatorMfa(token, params.operatorId, body);
  const operator = await getOperator(token, params.operatorId);
  if (!operator) throw new AppError('not_found');
  return { body: { operator: viewOperator(operator), sessionsEnded } };
});
