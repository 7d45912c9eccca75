import 'server-only';
import { NextResponse, type NextRequest } from 'next/server';
import { AppError } from '@/lib/http/app-error';
import { errorResponse } from '@/lib/http/respond';
import { authorizeOperator, authorizePlatform, authorizeTenant, type OperatorContext } from './guard';
import type { Permission } from '@/lib/kernel/permissions';

type Access = { operator: true } | { platform: Permission } | { tenant: Permission; tenantParam: string };

type Handler<P> = (req: NextRequest, ctx: OperatorContext, params: P) => Promise<Response>;

/**
 * The one wrapper for route handlers: nothing reaches the handler without the guard, and the
 * access rule (with its permission) is a required argument. Errors become JSON, never a stack.
 */
export function withRoute<P extends Record<string, string>>(access: Access, handler: Handler<P>) {
  return async (req: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    try {
      const params = await context.params;
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
      const response = await handler(req, ctx, params);
      response.headers.set('cache-control', 'no-store');
      return response;
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export const json = (body: unknown, init?: ResponseInit) => NextResponse.json(body, init);
