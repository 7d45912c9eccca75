import 'server-only';
import { NextResponse, type NextRequest } from 'next/server';
import { errorResponse } from '@/lib/http/respond';
import {
  authorize,
  authorizeToken,
  type AccessOf,
  type GuardedEntry,
  type TokenAccessOf,
  type TokenEntry,
} from './guard';
import { ACCESS, type AccessRule } from './access-table';
import { requestMetaFrom } from './request-context';

type ContextOf<E> = E extends TokenEntry ? TokenAccessOf<E> : E extends GuardedEntry ? AccessOf<E> : never;

type Handler<P, C> = (req: NextRequest, access: C, params: P) => Promise<Response>;
type RouteHandler<P> = (req: NextRequest, context: { params: Promise<P> }) => Promise<Response>;

/**
 * The one wrapper for route handlers: nothing reaches the handler without the guard reading the
 * route's row of the access table (a tenant row acts on the route's `tenantId`). Errors become
 * JSON, never a stack.
 */
export function withRoute<
  E extends TokenEntry | GuardedEntry,
  P extends Record<string, string> = Record<string, string>,
>(entry: E, handler: Handler<P, ContextOf<E>>): RouteHandler<P> {
  return async (req, context) => {
    try {
      // A route without dynamic segments gets no params from Next.
      const params = (await context.params) ?? ({} as P);
      const rule: AccessRule = ACCESS[entry];
      let access: unknown;
      if (rule.who === 'token') {
        const meta = requestMetaFrom(req.headers);
        access = await authorizeToken(entry as TokenEntry, {
          bearer: (req.headers.get('authorization') ?? '').replace(/^Bearer\s+/i, ''),
          ip: meta.ip,
          userAgent: meta.userAgent,
          request: `${req.method} ${req.nextUrl.pathname}`,
          tenantId: params.tenantId,
        });
      } else {
        access = await (authorize as (entry: E, where?: unknown) => Promise<unknown>)(entry, params);
      }
      const response = await handler(req, access as ContextOf<E>, params);
      response.headers.set('cache-control', 'no-store');
      return response;
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export const json = (body: unknown, init?: ResponseInit) => NextResponse.json(body, init);
