import 'server-only';
import { hostname } from 'node:os';
import type { STREAM_ERRORS, STREAM_KINDS } from '@/db/schema';
import { signWebhook } from '@/lib/alerts/webhooks';
import { OutboundRefused, postToReceiver, writeToReceiver } from '@/lib/http/outbound';
import { now } from '@/lib/clock';
import type { StreamFormat } from './format-stream-line';

export type StreamKind = (typeof STREAM_KINDS)[number];
export type StreamError = (typeof STREAM_ERRORS)[number];

const TIMEOUT_MS = 10_000;

/** A failed send: a kind a tenant may see, and the connection's own words for platform staff. */
export class StreamSendFailed extends Error {
  constructor(
    readonly kind: StreamError,
    readonly detail: string,
  ) {
    super(`stream delivery failed: ${kind}: ${detail}`);
  }
}

/** A line ready for the wire: its JSON, and the time it is of (epoch ms) for envelopes that carry one. */
export interface WireLine {
  json: string;
  at: number;
}

export interface StreamTarget {
  id: string;
  kind: StreamKind;
  format: StreamFormat;
  url: string;
  /** The HMAC secret (HTTPS JSON) or the HEC token. */
  secret: string | null;
}

// RFC 5424 over RFC 5425: facility 13 (log audit), severity 6 (informational).
const PRI = 13 * 8 + 6;
const HOST =
  hostname()
    .replace(/[^\x21-\x7e]/g, '')
    .slice(0, 255) || '-';

/** One syslog message per line, each framed by its length in octets (RFC 5425's octet counting). */
export function syslogFrames(lines: WireLine[], at: Date): string[] {
  const header = `<${PRI}>1 ${at.toISOString()} ${HOST} mamori - audit - `;
  return lines.map((line) => {
    const message = header + line.json;
    return `${Buffer.byteLength(message)} ${message}`;
  });
}

/** Splunk HTTP Event Collector: one envelope per line, the time in seconds. */
export function hecBody(lines: WireLine[], format: StreamFormat): string[] {
  const head = `{"host":${JSON.stringify(HOST)},"source":"mamori","sourcetype":"${format === 'ocsf' ? 'ocsf' : 'mamori:audit'}"`;
  return lines.map((line) => `${head},"time":${line.at / 1000},"event":${line.json}}\n`);
}

/**
 * The pieces as UTF-8 in one buffer, each encoded on its own: joined first, a single character
 * outside Latin-1 (a Japanese name) makes the whole batch a two-byte string, and encoding it
 * took 30 times longer (110 ms against 4 ms for 10,000 events).
 */
export function utf8Of(pieces: string[]): Buffer {
  let size = 0;
  for (const piece of pieces) size += Buffer.byteLength(piece);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const piece of pieces) at += out.write(piece, at);
  return out;
}

/**
 * Sends one batch of lines, in order, and resolves only when the receiver acknowledged all of
 * them: a 2xx for HTTPS JSON and Splunk HEC (whose answer must also say code 0), the connection
 * closed in turn for syslog. Throws StreamSendFailed otherwise.
 */
export async function sendToStream(target: StreamTarget, lines: WireLine[]): Promise<void> {
  const at = now();
  try {
    if (target.kind === 'syslog_tls') {
      await writeToReceiver(target.url, utf8Of(syslogFrames(lines, at)), TIMEOUT_MS);
      return;
    }
    // Encoded once: the signature and the request read the same bytes.
    const body = utf8Of(target.kind === 'splunk_hec' ? hecBody(lines, target.format) : lines.map((l) => `${l.json}\n`));
    const headers: Record<string, string> =
      target.kind === 'splunk_hec'
        ? { 'content-type': 'application/json', authorization: `Splunk ${target.secret ?? ''}` }
        : {
            'content-type': 'application/x-ndjson',
            'x-mamori-stream': target.id,
            'x-mamori-signature': signWebhook(target.secret ?? '', body, at),
          };
    const answer = await postToReceiver(target.url, headers, body, TIMEOUT_MS);
    if (answer.status < 200 || answer.status > 299) throw new StreamSendFailed('http_status', `HTTP ${answer.status}`);
    if (target.kind === 'splunk_hec' && !/"code"\s*:\s*0\b/.test(answer.body))
      throw new StreamSendFailed('http_status', `HEC answered ${answer.body.slice(0, 200)}`);
  } catch (error) {
    throw asFailure(error);
  }
}

function asFailure(error: unknown): StreamSendFailed {
  if (error instanceof StreamSendFailed) return error;
  if (error instanceof OutboundRefused)
    return new StreamSendFailed(error.reason === 'unresolvable' ? 'unresolvable' : 'refused_address', error.message);
  const e = error as NodeJS.ErrnoException;
  const detail = `${e.code ?? ''} ${e.message ?? String(error)}`.trim();
  if (e.message === 'timed out') return new StreamSendFailed('timeout', detail);
  if (/CERT|SSL|TLS|self.signed|altname/i.test(`${e.code} ${e.message}`)) return new StreamSendFailed('tls', detail);
  return new StreamSendFailed('unreachable', detail);
}
