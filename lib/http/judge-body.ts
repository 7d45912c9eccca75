import { IncomingMessage } from 'node:http';
import { MAX_BODY_BYTES } from './prepare-request';

export type BodyVerdict = { ok: true; request: IncomingMessage } | { ok: false; status: 400 | 413; reason: string };

// RFC 2046: 1 to 70 characters, not ending in a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** The multipart boundary a Content-Type names, or null when it names none or a malformed one. */
export function boundaryOf(contentType: string): string | null {
  for (const part of contentType.split(';').slice(1)) {
    const [name, ...rest] = part.split('=');
    if (name.trim().toLowerCase() !== 'boundary') continue;
    let value = rest.join('=').trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return BOUNDARY.test(value) ? value : null;
  }
  return null;
}

/**
 * Whether a body can be what its Content-Type says, judged on the whole body before Next parses
 * it (Next answers 500 to a multipart body without a boundary or cut short). Multipart must open
 * with its boundary and end with the closing one; JSON must parse; other types pass as they are.
 */
export function judgeBody(contentType: string | undefined, body: Buffer): string | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'multipart/form-data') {
    const boundary = boundaryOf(contentType!);
    if (!boundary) return 'multipart_without_boundary';
    const text = body.toString('latin1');
    const open = `--${boundary}`;
    const close = `\r\n--${boundary}--`;
    const end = text.endsWith('\r\n') ? text.length - 2 : text.length;
    if (!text.startsWith(open) || text.lastIndexOf(close) !== end - close.length) return 'multipart_incomplete';
    return null;
  }
  if (type === 'application/json' && body.length > 0) {
    try {
      JSON.parse(body.toString('utf8'));
    } catch {
      return 'json_malformed';
    }
  }
  return null;
}

/**
 * Reads a write's whole body (at most MAX_BODY_BYTES, whatever Content-Length said or did not
 * say), judges it, and gives a request Next can read again from the start.
 */
export async function readJudgedBody(req: IncomingMessage): Promise<BodyVerdict> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return { ok: false, status: 413, reason: 'too_large' };
      chunks.push(chunk);
    }
  } catch {
    // The client went away in the middle of its body.
    return { ok: false, status: 400, reason: 'body_cut_short' };
  }
  if (!req.complete) return { ok: false, status: 400, reason: 'body_cut_short' };
  const body = Buffer.concat(chunks);
  const problem = judgeBody(req.headers['content-type'], body);
  if (problem) return { ok: false, status: 400, reason: problem };
  return { ok: true, request: replay(req, body) };
}

/** The same request, its body read again from memory. */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.headers = req.headers;
  copy.rawHeaders = req.rawHeaders;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  copy.complete = true;
  if (body.length > 0) copy.push(body);
  copy.push(null);
  return copy;
}
