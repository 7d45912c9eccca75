import { cidrContains, formatIp, parseIp, type Cidr } from './ip';

/** The one header through which the server entry hands the client address to the app. */
export const CLIENT_IP_HEADER = 'x-mamori-client-ip';

/** Forwarding headers a client could forge; only a trusted proxy's copies survive the entry. */
export const FORWARDING_HEADERS = [
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
  'forwarded',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
] as const;

const isTrusted = (ip: string, trusted: Cidr[]) => {
  const parsed = parseIp(ip);
  return parsed !== null && trusted.some((c) => cidrContains(c, parsed));
};

/**
 * The client address for a request: the socket peer, unless the peer is a trusted proxy, in which
 * case the right-most X-Forwarded-For hop that is not itself a trusted proxy. Walking from the
 * right means a client cannot push a forged hop past the proxies we run.
 */
export function deriveClientIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: Cidr[],
): string {
  const peer = parseIp(socketAddress ?? '');
  if (!peer) return 'unknown';
  let client = formatIp(peer);
  if (!isTrusted(client, trusted) || forwardedFor === undefined) return client;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseIp(hops[i]);
    // A malformed hop ends the walk: the last address we could vouch for is the answer.
    if (!hop) return client;
    client = formatIp(hop);
    if (!isTrusted(client, trusted)) return client;
  }
  return client;
}

export function isTrustedPeer(socketAddress: string | undefined, trusted: Cidr[]): boolean {
  return socketAddress !== undefined && isTrusted(socketAddress, trusted);
}
