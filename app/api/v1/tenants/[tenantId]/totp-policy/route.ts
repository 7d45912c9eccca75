import { getTotpPolicyOp, replaceTotpPolicyOp } from '@/lib/api/operations/policies';
import { withApi } from '@/lib/auth/with-api';
import { getTotpPolicy, setTotpPolicy } from '@/lib/mfa/manage-mfa';

export const GET = withApi(getTotpPolicyOp, async (token) => {
  const { etag, required, graceUntil } = await getTotpPolicy(token);
  return { body: { required, graceUntil: graceUntil?.toISOString() ?? null }, etag };
});

export const PUT = withApi(replaceTotpPolicyOp, async (token, { body, ifMatch }) => {
  const { etag, required, graceUntil } = await setTotpPolicy(token, body, { ifMatch });
  return { body: { required, graceUntil: graceUntil?.toISOString() ?? null }, etag };
});
