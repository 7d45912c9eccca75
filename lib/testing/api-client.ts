import path from 'node:path';
import createClient from 'openapi-fetch';
import { NextRequest } from 'next/server';
import type { paths } from '@/lib/api/client/api-types';
import { API_OPERATIONS } from '@/lib/api/api-operations';
import type { Operation } from '@/lib/api/operation';
import { CLIENT_IP_HEADER } from '@/lib/ip/client-ip';

type RouteModule = Record<
  string,
  (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>
>;

const routes = (Object.values(API_OPERATIONS) as Operation[]).map((op) => ({
  method: op.method,
  file: op.entry.split(' ')[0],
  pattern: new RegExp(`^${op.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
}));

/**
 * Serves a request with the route handler its path names, in this process, as the server entry
 * would hand it over (the client's address in its header). What a route file exports is what
 * answers: the same code `next start` runs.
 */
export async function serveApi(request: Request, ip: string): Promise<Response> {
  const url = new URL(request.url);
  const route = routes.find((r) => r.method === request.method && r.pattern.test(url.pathname));
  if (!route) return new Response(null, { status: 404 });
  const params = Object.fromEntries(
    Object.entries(url.pathname.match(route.pattern)!.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]),
  );
  const mod = (await import(/* @vite-ignore */ path.resolve(route.file))) as RouteModule;
  const headers = new Headers(request.headers);
  headers.set(CLIENT_IP_HEADER, ip);
  const body = request.method === 'GET' ? undefined : await request.text();
  // As Next does: a route without dynamic segments gets no params at all.
  return mod[route.method](new NextRequest(url, { method: request.method, headers, body }), {
    params: Promise.resolve(Object.keys(params).length ? params : (undefined as never)),
  });
}

/** The typed client generated from the OpenAPI document, calling the routes in process as `ip`. */
export function apiClient(token: string | null, ip = '192.0.2.5') {
  return createClient<paths>({
    baseUrl: 'http://mamori.test',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    fetch: (request: Request) => serveApi(request, ip),
  });
}
