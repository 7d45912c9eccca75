import { endOperatorSessionsOp, viewOperator } from '@/lib/api/operations/operators';
import { withApi } from '@/lib/auth/with-api';
import { AppError } from '@/lib/http/app-error';
import { getOperator } from '@/lib/tenancy/list-operators';
import { endOperatorSessions } from '@/lib/auth/revoke-sessions-bulk';

export const POST = withApi(endOperatorSessionsOp, async (token, { params, body }) => {
  const { count: sessionsEnded } = await endOperatorSessions(token, params.operatorId, body.reason);
  const operator = await getOperator(token, params.operatorId);
  if (!operator) throw new AppError('not_found');
  return { body: { operator: viewOperator(operator), sessionsEnded } };
});
