import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLIENT_IP_HEADER, FORWARDING_HEADERS, deriveClientIp, isTrustedPeer } from '@/lib/ip/client-ip';
import type { Cidr } from '@/lib/ip/ip';

const PAGE_METHODS = new Set(['GET', 'HEAD', 'POST']);
const API_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const MAX_BODY_BYTES = 1024 * 1024;
// Internal Next headers that must never come from outside (CVE-2025-29927 used the first).
const INTERNAL_HEADERS = ['x-middleware-subrequest', 'x-middleware-prefetch', 'x-invoke-path', 'x-invoke-query', 'x-now-route-matches'];

function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin || !req.headers.host) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Returns false when the request was answered here (405, 413). */
export function prepareRequest(req: IncomingMessage, res: ServerResponse, trustedProxies: Cidr[]): boolean {
  const path = (req.url ?? '/').split('?')[0];
  const allowed = path.startsWith('/api/') ? API_METHODS : PAGE_METHODS;
  if (!allowed.has(req.method ?? '')) {
    res.writeHead(405, { allow: [...allowed].join(', '), 'content-type': 'text/plain; charset=utf-8' });
    res.end('Method Not Allowed\n');
    return false;
  }
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
    res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end('Payload Too Large\n');
    return false;
  }
  // Server actions are POSTs carrying `next-action`; one from another origin (or with no Origin,
  // which Next would let through) is refused here with a plain 403 instead of reaching Next.
  if (req.method === 'POST' && req.headers['next-action'] !== undefined && !sameOrigin(req)) {
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Forbidden\n');
    return false;
  }
  const peer = req.socket.remoteAddress;
  const trusted = isTrustedPeer(peer, trustedProxies);
  const clientIp = deriveClientIp(peer, req.headers['x-forwarded-for'], trustedProxies);
  for (const h of INTERNAL_HEADERS) delete req.headers[h];
  if (!trusted) for (const h of FORWARDING_HEADERS) delete req.headers[h];
  req.headers[CLIENT_IP_HEADER] = clientIp;
  if (trusted && req.headers['x-forwarded-proto'] === 'https') {
    res.setHeader('strict-transport-security', 'max-age=63072000; includeSubDomains');
  }
  return true;
}

