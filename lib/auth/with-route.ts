import 'server-only';
import { NextResponse, type NextRequest } from 'next/server';
import { AppError } from '@/lib/http/app-error';
import { errorResponse } from '@/lib/http/respond';
import { authorizeOperator, authorizePlatform, authorizeTenant, type OperatorContext } from './guard';
import type { ApiScope } from '@/db/schema';
import { authenticateApiToken, type TokenContext } from '@/lib/api/api-tokens';
import type { Permission } from '@/lib/kernel/permissions';
import { requestMetaFrom } from './request-context';

type OperatorAccess = { operator: true } | { platform: Permission } | { tenant: Permission; tenantParam: string };
/** A route for API clients: a bearer token with this scope, for its own tenant only. */
type TokenAccess = { token: ApiScope };

type Handler<P, C> = (req: NextRequest, ctx: C, params: P) => Promise<Response>;

/**
 * The one wrapper for route handlers: nothing reaches the handler without the guard, and the
 * access rule (with its permission, or a token's scope) is a required argument. Errors become
 * JSON, never a stack.
 */
export function withRoute<P extends Record<string, string>>(
  access: TokenAccess,
  handler: Handler<P, TokenContext>,
): RouteHandler<P>;
export function withRoute<P extends Record<string, string>>(
  access: OperatorAccess,
  handler: Handler<P, OperatorContext>,
): RouteHandler<P>;
export function withRoute<P extends Record<string, string>>(
  access: OperatorAccess | TokenAccess,
  handler: Handler<P, OperatorContext> | Handler<P, TokenContext>,
): RouteHandler<P> {
  return async (req, context) => {
    try {
      const params = await context.params;
      let response: Response;
      if ('token' in access) {
        const meta = requestMetaFrom(req.headers);
        const bearer = (req.headers.get('authorization') ?? '').replace(/^Bearer\s+/i, '');
        const token = await authenticateApiToken(
          bearer,
          access.token,
          meta.ip,
          meta.userAgent,
          `${req.method} ${req.nextUrl.pathname}`,
        );
        response = await (handler as Handler<P, TokenContext>)(req, token, params);
      } else {
        let ctx: OperatorContext;
        if ('tenant' in access) {
          const tenantId = params[access.tenantParam];
          if (typeof tenantId !== 'string') throw new AppError('not_found');
          ctx = await authorizeTenant(tenantId, access.tenant);
        } else if ('platform' in access) {
          ctx = await authorizePlatform(access.platform);
        } else {
          ctx = await authorizeOperator();
        }
        response = await (handler as Handler<P, OperatorContext>)(req, ctx, params);
      }
      response.headers.set('cache-control', 'no-store');
      return response;
    } catch (error) {
      return errorResponse(error);
    }
  };
}

type RouteHandler<P> = (req: NextRequest, context: { params: Promise<P> }) => Promise<Response>;

export const json = (body: unknown, init?: ResponseInit) => NextResponse.json(body, init);
