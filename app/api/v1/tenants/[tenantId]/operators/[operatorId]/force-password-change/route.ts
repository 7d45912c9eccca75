import { forcePasswordChangeOp, viewOperator } from '@/lib/api/operations/operators';
import { withApi } from '@/lib/auth/with-api';
import { AppError } from '@/lib/http/app-error';
import { getOperator } from '@/lib/tenancy/list-operators';
import { forcePasswordChange } from '@/lib/tenancy/force-password-change';

export const POST = withApi(forcePasswordChangeOp, async (token, { params, body }) => {
  await forcePasswordChange(token, params.operatorId, body);
  const sessionsEnded = 0;
  const operator = await getOperator(token, params.operatorId);
  if (!operator) throw new AppError('not_found');
  return { body: { operator: viewOperator(operator), sessionsEnded } };
});
