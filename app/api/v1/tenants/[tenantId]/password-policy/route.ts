import { getPasswordPolicyOp, replacePasswordPolicyOp } from '@/lib/api/operations/policies';
import { withApi } from '@/lib/auth/with-api';
import { getPasswordSettings, updatePasswordSettings } from '@/lib/passwords/update-password-settings';

export const GET = withApi(getPasswordPolicyOp, async (token) => {
  const { etag, ...policy } = await getPasswordSettings(token);
  return { body: policy, etag };
});

export const PUT = withApi(replacePasswordPolicyOp, async (token, { body, ifMatch }) => {
  const { etag } = await updatePasswordSettings(token, body, { ifMatch });
  return { body, etag };
});
