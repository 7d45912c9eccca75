import { createOperatorOp, listOperatorsOp, viewOperator } from '@/lib/api/operations/operators';
import { withApi } from '@/lib/auth/with-api';
import { createOperator } from '@/lib/tenancy/create-operator';
import { getOperator, listOperators } from '@/lib/tenancy/list-operators';
import { AppError } from '@/lib/http/app-error';

export const GET = withApi(listOperatorsOp, async (token, { query }) => {
  const page = await listOperators(token, query);
  return { body: { operators: page.rows.map(viewOperator), next: page.next } };
});

export const POST = withApi(createOperatorOp, async (token, { body }) => {
  const created = await createOperator(token, { ...body, email: body.email ?? null });
  const operator = await getOperator(token, created.operatorId);
  if (!operator) throw new AppError('not_found');
  return { body: { operator: viewOperator(operator), temporaryPassword: created.temporaryPassword } };
});
