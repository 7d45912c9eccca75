import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { logger } from './logger';
import { metrics } from './metrics';

/**
 * Prometheus metrics on a port of their own (loopback by default), apart from the console: a
 * scraper never passes the console's proxy, sessions or allowlists. With a token, a scrape must
 * carry it as a bearer token.
 */
export function serveMetrics(options: {
  port: number;
  host: string;
  token?: string;
  /** Gauges read at scrape time (the sequencing lag). */
  beforeScrape?: () => Promise<void>;
}): Server {
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : null;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
      return;
    }
    const given = Buffer.from(req.headers.authorization ?? '');
    if (expected && (given.length !== expected.length || !timingSafeEqual(given, expected))) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('Unauthorized\n');
      return;
    }
    const { registry } = metrics();
    (options.beforeScrape?.() ?? Promise.resolve())
      .catch((error) => logger().error({ err: error }, 'a metric could not be read'))
      .then(() => registry.metrics())
      .then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(text),
        () => res.writeHead(500).end(),
      );
  });
  server.listen(options.port, options.host);
  return server;
}
