import { getOperatorOp, updateOperatorOp, viewOperator } from '@/lib/api/operations/operators';
import { withApi } from '@/lib/auth/with-api';
import { AppError } from '@/lib/http/app-error';
import { getOperator } from '@/lib/tenancy/list-operators';
import { changeOperatorRole, updateOperator } from '@/lib/tenancy/update-operator';

export const GET = withApi(getOperatorOp, async (token, { params }) => {
  const operator = await getOperator(token, params.operatorId);
  if (!operator) throw new AppError('not_found');
  return {
    body: {
      ...viewOperator(operator),
      createdAt: operator.createdAt.toISOString(),
      liveSessions: operator.liveSessions,
    },
  };
});

export const PATCH = withApi(updateOperatorOp, async (token, { params, body }) => {
  const before = await getOperator(token, params.operatorId);
  if (!before) throw new AppError('not_found');
  // The role first: it is the change that may be refused (the last admin, the kind of tenant).
  if (body.role !== undefined && body.role !== before.role)
    await changeOperatorRole(token, params.operatorId, { role: body.role });
  if (body.displayName !== undefined || body.email !== undefined)
    await updateOperator(token, params.operatorId, {
      displayName: body.displayName ?? before.displayName,
      email: body.email === undefined ? before.email : body.email,
    });
  const after = await getOperator(token, params.operatorId);
  if (!after) throw new AppError('not_found');
  return { body: viewOperator(after) };
});
