import 'server-only';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { logger } from './logger';
import { metrics } from './metrics';
import type { RequestStore } from './request-store';

const UUID_SEGMENT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The route a path belongs to, for logs and metric labels: ids become `:id` and numbers `:n`, so
 * a label has a few hundred values, not one per tenant; build assets are one route.
 */
export function routeOf(url: string | undefined): string {
  const pathname = (url ?? '/').split('?')[0];
  if (pathname.startsWith('/_next/')) return '/_next';
  const route = pathname
    .split('/')
    .map((segment) => (UUID_SEGMENT.test(segment) ? ':id' : /^\d+$/.test(segment) ? ':n' : segment))
    .join('/');
  return route.length > 120 ? `${route.slice(0, 120)}…` : route;
}

/**
 * Starts a request's record: its id (answered as `x-request-id`), and when the response is done,
 * one log line (route, status, duration, tenant and operator ids; never a query string, a body
 * or a header value) and the request metrics.
 */
export function observeRequest(req: IncomingMessage, res: ServerResponse): RequestStore {
  const store: RequestStore = { requestId: randomUUID() };
  const started = process.hrtime.bigint();
  res.setHeader('x-request-id', store.requestId);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = routeOf(req.url);
    const method = req.method ?? 'GET';
    const status = res.writableFinished ? res.statusCode : 499;
    metrics().httpRequests.inc({ route, method, status: String(status) });
    metrics().httpDuration.observe({ route, method }, seconds);
    if (route === '/_next' && status < 400) return;
    logger().info(
      {
        requestId: store.requestId,
        method,
        route,
        status,
        durationMs: Math.round(seconds * 1000 * 10) / 10,
        tenantId: store.tenantId,
        operatorId: store.operatorId,
        tokenId: store.tokenId,
      },
      'request',
    );
  };
  res.once('finish', finish);
  res.once('close', finish);
  return store;
}
