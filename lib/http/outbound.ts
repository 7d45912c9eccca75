import 'server-only';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import tls from 'node:tls';
import { env } from '@/lib/env';
import { cidrContains, parseCidrList, parseIp, type IpAddress } from '@/lib/ip/ip';

/**
 * Requests the server makes on a tenant's behalf (alert webhooks, audit streams) go only to
 * addresses a receiver on the internet can have: a URL naming this machine, the private network,
 * the cloud's metadata service or any other special-purpose range would let a tenant probe inside.
 */
const NOT_PUBLIC = parseCidrList(
  [
    // IPv4 special-purpose ranges (RFC 6890 and successors), multicast and reserved space.
    '0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24 192.0.2.0/24',
    '192.88.99.0/24 192.168.0.0/16 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 224.0.0.0/4 240.0.0.0/4',
    // IPv6: unspecified, loopback, IPv4-compatible, discard, IETF assignments (Teredo among them),
    // documentation, unique-local, link- and site-local, multicast.
    '::/128 ::1/128 ::/96 100::/64 2001::/23 2001:db8::/32 fc00::/7 fe80::/10 fec0::/10 ff00::/8',
  ].join(' '),
);

// IPv6 forms that carry an IPv4 address inside: NAT64 (RFC 6052 and 8215) and 6to4.
const NAT64 = parseCidrList('64:ff9b::/96 64:ff9b:1::/48');
const SIX_TO_FOUR = parseCidrList('2002::/16');

/** The IPv4 address an IPv6 address stands for, where it stands for one. */
function embeddedV4(ip: IpAddress): IpAddress | null {
  if (ip.version !== 6) return null;
  if (NAT64.some((c) => cidrContains(c, ip))) return { version: 4, value: ip.value & 0xffffffffn };
  if (SIX_TO_FOUR.some((c) => cidrContains(c, ip))) return { version: 4, value: (ip.value >> 80n) & 0xffffffffn };
  return null;
}

/** Whether an address (IPv4-mapped IPv6 is read as IPv4 by parseIp) is one on the public internet. */
export function isPublicAddress(address: string): boolean {
  const ip = parseIp(address);
  if (!ip) return false;
  const inner = embeddedV4(ip);
  if (inner)
    return isPublicAddress(
      `${(inner.value >> 24n) & 255n}.${(inner.value >> 16n) & 255n}.${(inner.value >> 8n) & 255n}.${inner.value & 255n}`,
    );
  return !NOT_PUBLIC.some((c) => cidrContains(c, ip));
}

/**
 * Named receivers that may be on this machine or the private network: for tests and local
 * development only (`MAMORI_OUTBOUND_TEST_RECEIVERS`, "host:port" each, ignored in production).
 */
function isTestReceiver(url: URL): boolean {
  if (env().MAMORI_ENV === 'production') return false;
  const named = (process.env.MAMORI_OUTBOUND_TEST_RECEIVERS ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
  return named.includes(`${url.hostname.toLowerCase()}:${port}`);
}

export type OutboundRefusal = 'not_https' | 'credentials_in_url' | 'not_public' | 'unresolvable';

/** How a receiver is reached: HTTPS, or syslog over TLS (RFC 5425) as tls://host:port. */
export type OutboundScheme = 'https' | 'syslog';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Whether a URL may be a receiver at all, before any lookup: encrypted (https, or tls:// for
 * syslog), no credentials, no private literal address. Plain http is for named test receivers
 * only, plain tcp:// syslog also only on this machine.
 */
export function outboundUrlProblem(raw: string, scheme: OutboundScheme = 'https'): OutboundRefusal | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not_https';
  }
  if (url.username || url.password) return 'credentials_in_url';
  if (scheme === 'syslog') {
    if (!url.port || (url.pathname && url.pathname !== '/') || url.search) return 'not_https';
    if (url.protocol === 'tcp:')
      return isTestReceiver(url) && LOOPBACK.has(url.hostname.replace(/^\[|\]$/g, '')) ? null : 'not_https';
    if (url.protocol !== 'tls:') return 'not_https';
  }
  if (isTestReceiver(url)) return null;
  if (scheme === 'https' && url.protocol !== 'https:') return 'not_https';
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (parseIp(literal) && !isPublicAddress(literal)) return 'not_public';
  if (literal === 'localhost' || literal.endsWith('.localhost') || !literal.includes('.')) return 'not_public';
  return null;
}

export class OutboundRefused extends Error {
  constructor(readonly reason: OutboundRefusal) {
    super(`outbound request refused: ${reason}`);
  }
}

/**
 * The address to connect to: every address the name resolves to must be public (a name that
 * answers with one public and one private address is refused, so no second lookup can be turned
 * inside), and the connection then goes to that address, not to a new lookup.
 */
async function resolveReceiver(url: URL): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let answers: { address: string; family: number }[];
  try {
    answers = parseIp(host)
      ? [{ address: host, family: host.includes(':') ? 6 : 4 }]
      : await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new OutboundRefused('unresolvable');
  }
  if (answers.length === 0) throw new OutboundRefused('unresolvable');
  if (!isTestReceiver(url) && answers.some((a) => !isPublicAddress(a.address))) throw new OutboundRefused('not_public');
  return { address: answers[0].address, family: answers[0].family === 6 ? 6 : 4 };
}

/** The URL's problem before any lookup, or where its name resolves to: throws OutboundRefused. */
export async function assertReceiver(raw: string, scheme: OutboundScheme = 'https'): Promise<void> {
  const problem = outboundUrlProblem(raw, scheme);
  if (problem) throw new OutboundRefused(problem);
  await resolveReceiver(new URL(raw));
}

/**
 * The certificate authorities a receiver's certificate may chain to: the system's, plus those in
 * MAMORI_OUTBOUND_CA_FILE (a company's private CA for an on-premises SIEM; the tests' CA). Made
 * once: a context per request parsed every root certificate again, and keyed the connection pool
 * by all of them (a tenth of a stream's CPU in a backfill).
 */
let trusted: tls.SecureContext | null = null;
function trustedContext(): tls.SecureContext {
  if (trusted === null) {
    const file = process.env.MAMORI_OUTBOUND_CA_FILE;
    trusted = tls.createSecureContext(file ? { ca: [...tls.rootCertificates, readFileSync(file, 'utf8')] } : {});
  }
  return trusted;
}

/** A lookup that answers with the one address already resolved and checked. */
const pinTo =
  (pinned: { address: string; family: 4 | 6 }): LookupFunction =>
  (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };

// TLS checks the certificate against the name in the URL (not against an address literal).
const serverName = (url: URL) => (parseIp(url.hostname.replace(/^\[|\]$/g, '')) ? undefined : url.hostname);

/**
 * Writes to a syslog receiver through the guard (tls://, or tcp:// on this machine in
 * development): checked, resolved once and pinned, the certificate verified. Resolves once every
 * byte was written and the receiver closed the connection in turn: TCP's acknowledgement, the
 * only one syslog has.
 */
export async function writeToReceiver(raw: string, data: string | Buffer, timeoutMs: number): Promise<void> {
  const problem = outboundUrlProblem(raw, 'syslog');
  if (problem) throw new OutboundRefused(problem);
  const url = new URL(raw);
  const pinned = await resolveReceiver(url);
  const port = Number(url.port);
  return new Promise((resolve, reject) => {
    const socket =
      url.protocol === 'tls:'
        ? tls.connect({
            host: url.hostname,
            port,
            lookup: pinTo(pinned),
            servername: serverName(url),
            secureContext: trustedContext(),
          })
        : net.connect({ host: url.hostname, port, lookup: pinTo(pinned) });
    let failed = false;
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('timed out')));
    socket.on('error', (error) => {
      failed = true;
      reject(error);
    });
    socket.on('close', () => {
      if (!failed) resolve();
    });
    socket.on('data', () => {});
    socket.once(url.protocol === 'tls:' ? 'secureConnect' : 'connect', () => socket.end(data));
  });
}

export interface OutboundResponse {
  status: number;
  /** The first bytes of the answer (a Splunk HEC acknowledgement is a small JSON). */
  body: string;
}

/**
 * POSTs to a receiver through the guard: the URL checked, its name resolved once and pinned, no
 * redirect followed (a 3xx is an answer like any other), a timeout, the answer's first 2 KB kept.
 */
export async function postToReceiver(
  raw: string,
  headers: Record<string, string>,
  body: string | Buffer,
  timeoutMs: number,
): Promise<OutboundResponse> {
  const problem = outboundUrlProblem(raw);
  if (problem) throw new OutboundRefused(problem);
  const url = new URL(raw);
  const pinned = await resolveReceiver(url);
  const client = url.protocol === 'https:' ? https : http;
  // The agent hands these to tls.connect, which takes a made context (its types do not say so).
  const options: https.RequestOptions & Pick<tls.ConnectionOptions, 'secureContext'> = {
    method: 'POST',
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    lookup: pinTo(pinned),
    servername: serverName(url),
    secureContext: trustedContext(),
    timeout: timeoutMs,
  };
  return new Promise((resolve, reject) => {
    const req = client.request(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 2048) body += chunk.slice(0, 2048 - body.length);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
