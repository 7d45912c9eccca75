import 'server-only';
import { NextResponse, type NextRequest } from 'next/server';
import { errorResponse } from '@/lib/http/respond';
import { authorize, type AccessOf, type GuardedEntry } from './guard';
import { authenticateApiToken, type TokenContext } from '@/lib/api/authenticate-api-token';
import { ACCESS, type AccessRule, type Entry, type RuleOf } from './access-table';
import { requestMetaFrom } from './request-context';

/** Route entries for API clients: a bearer token with the row's scope, for its own tenant only. */
type TokenEntry = { [E in Entry]: RuleOf<E>['who'] extends 'token' ? E : never }[Entry];
type ContextOf<E> = E extends TokenEntry ? TokenContext : E extends GuardedEntry ? AccessOf<E> : never;

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
      const params = await context.params;
      const rule: AccessRule = ACCESS[entry];
      let access: unknown;
      if (rule.who === 'token') {
        const meta = requestMetaFrom(req.headers);
        const bearer = (req.headers.get('authorization') ?? '').replace(/^Bearer\s+/i, '');
        access = await authenticateApiToken(
          bearer,
          rule.scope,
          meta.ip,
          meta.userAgent,
          `${req.method} ${req.nextUrl.pathname}`,
        );
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
