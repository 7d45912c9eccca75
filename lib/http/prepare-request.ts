import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLIENT_IP_HEADER, FORWARDING_HEADERS, deriveClientIp, isTrustedPeer } from '@/lib/ip/client-ip';
import type { Cidr } from '@/lib/ip/ip';

const PAGE_METHODS = new Set(['GET', 'HEAD', 'POST']);
const API_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
export const MAX_BODY_BYTES = 1024 * 1024;
// Internal Next headers that must never come from outside (CVE-2025-29927 used the first).
const INTERNAL_HEADERS = [
  'x-middleware-subrequest',
  'x-middleware-prefetch',
  'x-invoke-path',
  'x-invoke-query',
  'x-now-route-matches',
];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why a request that changes state was refused before Next saw it. */
export type OriginRefusal = 'foreign_origin' | 'null_origin' | 'no_origin_proof';

/**
 * Proof that a request which can change state comes from our own pages: browsers send `Origin`
 * on every POST (and `Sec-Fetch-Site` where they send no Origin). A request with neither is not
 * a browser's, so it carries no ambient cookie worth forging; it may only be an API client that
 * names its own credentials (`Authorization: Bearer`) on /api/.
 */
export function originRefusal(req: IncomingMessage, path: string): OriginRefusal | null {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origin === 'null') return 'null_origin';
    try {
      return req.headers.host && new URL(origin).host === req.headers.host ? null : 'foreign_origin';
    } catch {
      return 'foreign_origin';
    }
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' ? null : 'foreign_origin';
  const bearer = /^Bearer\s/i.test(req.headers.authorization ?? '') && req.headers.cookie === undefined;
  return path.startsWith('/api/') && bearer ? null : 'no_origin_proof';
}

export interface RequestRefusal {
  reason: OriginRefusal;
  method: string;
  path: string;
  origin: string | null;
  clientIp: string;
}

/**
 * Returns false when the request was answered here: 405, 413, or 403 for a state-changing request
 * without same-origin proof (reported to `refused`, which audits it).
 */
export function prepareRequest(
  req: IncomingMessage,
  res: ServerResponse,
  trustedProxies: Cidr[],
  refused?: (refusal: RequestRefusal) => void,
): boolean {
  const path = (req.url ?? '/').split('?')[0];
  const allowed = path.startsWith('/api/') ? API_METHODS : PAGE_METHODS;
  const method = req.method ?? '';
  if (!allowed.has(method)) {
    res.writeHead(405, { allow: [...allowed].join(', '), 'content-type': 'text/plain; charset=utf-8' });
    res.end('Method Not Allowed\n');
    return false;
  }
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
    res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end('Payload Too Large\n');
    return false;
  }
  const peer = req.socket.remoteAddress;
  const clientIp = deriveClientIp(peer, req.headers['x-forwarded-for'], trustedProxies);
  // Server actions, the login form and every API write: refused here with a plain 403 rather
  // than left to Next, which lets a POST without Origin through.
  const refusal = SAFE_METHODS.has(method) ? null : originRefusal(req, path);
  if (refusal) {
    refused?.({
      reason: refusal,
      method,
      path: path.slice(0, 200),
      origin: req.headers.origin?.slice(0, 200) ?? null,
      clientIp,
    });
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Forbidden\n');
    return false;
  }
  const trusted = isTrustedPeer(peer, trustedProxies);
  for (const h of INTERNAL_HEADERS) delete req.headers[h];
  if (!trusted) for (const h of FORWARDING_HEADERS) delete req.headers[h];
  req.headers[CLIENT_IP_HEADER] = clientIp;
  if (trusted && req.headers['x-forwarded-proto'] === 'https') {
    res.setHeader('strict-transport-security', 'max-age=63072000; includeSubDomains');
  }
  return true;
}
