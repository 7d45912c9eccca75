import { json, withRoute } from '@/lib/auth/with-route';

/** Who the caller is, for API clients and scripts. */
export const GET = withRoute('app/api/v1/me/route.ts GET', async (_req, ctx) =>
  json({
    operatorId: ctx.operatorId,
    loginId: ctx.loginId,
    role: ctx.role,
    tenant: { id: ctx.tenant.id, code: ctx.tenant.code, name: ctx.tenant.name },
    sessionId: ctx.sessionId,
    clientIp: ctx.ip,
  }),
);
