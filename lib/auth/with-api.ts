import 'server-only';
import { NextResponse, type NextRequest } from 'next/server';
import type { z } from 'zod';
import { AppError } from '@/lib/http/app-error';
import { parseInput } from '@/lib/http/parse-input';
import { errorResponse } from '@/lib/http/respond';
import { logger } from '@/lib/observability/logger';
import type { Operation } from '@/lib/api/operation';
import { claimIdempotencyKey, type IdempotentRequest, type StoredAnswer } from '@/lib/api/claim-idempotency-key';
import { settleIdempotencyKey } from '@/lib/api/settle-idempotency-key';
import { authorizeToken, type TokenAccessOf, type TokenEntry } from './guard';
import { requestMetaFrom } from './request-context';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type In<S> = S extends z.ZodType ? z.input<S> : undefined;

export interface ApiInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  /** The request's If-Match, for operations that write with an ETag (always present for those). */
  ifMatch: string | undefined;
}

export interface ApiAnswer<R> {
  body: In<R>;
  /** The resource's ETag after the call, for operations with one. */
  etag?: string;
}

type RouteHandler = (req: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

// RFC 9110 token characters, as the Idempotency-Key draft's examples use; a UUID fits.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The one wrapper for API operations: the guard checks the bearer token against the operation's
 * access-table row and the path's tenant; the path, query and JSON body are parsed by the
 * operation's schemas (a bad id is a 404, bad input a 400 naming its fields); a POST needs an
 * Idempotency-Key and a retry gets the first answer back; a write with an ETag needs If-Match;
 * the answer is parsed by its schema (only its fields leave); errors are problem+json.
 */
export function withApi<
  E extends TokenEntry,
  P extends z.ZodObject,
  Q extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType | undefined,
>(
  operation: Operation<E, P, Q, B, R>,
  handler: (access: TokenAccessOf<E>, input: ApiInput<P, Q, B>) => Promise<ApiAnswer<R>>,
): RouteHandler {
  return async (req, context) => {
    let claimed: IdempotentRequest | null = null;
    try {
      // A route without dynamic segments gets no params from Next.
      const raw = (await context.params) ?? {};
      const meta = requestMetaFrom(req.headers);
      const access = await authorizeToken(operation.entry, {
        bearer: (req.headers.get('authorization') ?? '').replace(/^Bearer\s+/i, ''),
        ip: meta.ip,
        userAgent: meta.userAgent,
        request: `${req.method} ${req.nextUrl.pathname}`,
        tenantId: raw.tenantId,
      });
      // An id that cannot exist is not found, as a missing one is.
      const params = operation.params.safeParse(raw);
      if (!params.success) throw new AppError('not_found');
      // An unknown or repeated parameter is refused by name, never silently dropped.
      const query = parseQuery(operation.query, req.nextUrl.searchParams);
      const text = operation.method === 'GET' ? '' : await req.text();
      const body = operation.body ? parseInput(operation.body, jsonOf(req, text)) : undefined;
      const ifMatch = req.headers.get('if-match') ?? undefined;
      if (operation.etag === 'write' && ifMatch === undefined) throw new AppError('precondition_required');

      if (operation.method === 'POST') {
        const key = req.headers.get('idempotency-key');
        if (key === null) throw new AppError('bad_request', { 'Idempotency-Key': ['required'] });
        if (!IDEMPOTENCY_KEY.test(key)) throw new AppError('bad_request', { 'Idempotency-Key': ['invalid'] });
        const request: IdempotentRequest = {
          tenantId: access.tenantId,
          tokenId: access.token.id,
          key,
          method: req.method,
          path: req.nextUrl.pathname,
          body: text,
        };
        const first = await claimIdempotencyKey(request);
        if (first !== 'claimed') return replay(first);
        claimed = request;
      }

      const answer = await handler(access, {
        params: params.data as Out<P>,
        query: query as Out<Q>,
        body: body as Out<B>,
        ifMatch,
      });
      const response = answerOf(operation, answer);
      // The change is made: its answer goes out even if it cannot be kept for retries.
      if (claimed) await keep(claimed, response);
      return response;
    } catch (error) {
      const response = errorResponse(error);
      // Once claimed, every answer is the key's, an internal error too: the change may have been
      // made before it failed, and a retry must not make it twice. If even this cannot be kept,
      // the key stays refused as running (409) until it expires.
      if (claimed) await keep(claimed, response);
      return response;
    }
  };
}

function parseQuery(schema: z.ZodObject | undefined, params: URLSearchParams): unknown {
  const repeated = [...new Set([...params.keys()].filter((k) => params.getAll(k).length > 1))];
  if (repeated.length) throw new AppError('bad_request', Object.fromEntries(repeated.map((k) => [k, ['repeated']])));
  if (!schema) {
    const unknown = [...params.keys()];
    if (unknown.length) throw new AppError('bad_request', Object.fromEntries(unknown.map((k) => [k, ['unknown']])));
    return undefined;
  }
  return parseInput(schema.strict(), Object.fromEntries(params));
}

function jsonOf(req: NextRequest, text: string): unknown {
  const type = (req.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (text === '') return {};
  if (type !== 'application/json') throw new AppError('unsupported_media_type');
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('bad_request', { body: ['invalid_json'] });
  }
}

function answerOf(operation: Operation, answer: ApiAnswer<z.ZodType | undefined>): NextResponse {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (answer.etag) headers.etag = answer.etag;
  if (operation.answer.status === 204 || !operation.answer.schema)
    return new NextResponse(null, { status: operation.answer.status, headers });
  // Only what the contract names leaves, and a handler that strays from it is a bug (a 500).
  const body = operation.answer.schema.parse(answer.body);
  return NextResponse.json(body, { status: operation.answer.status, headers });
}

async function storedOf(response: Response): Promise<StoredAnswer> {
  const headers: Record<string, string> = {};
  for (const name of ['etag', 'retry-after']) {
    const value = response.headers.get(name);
    if (value) headers[name] = value;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    headers,
    body: await response.clone().text(),
  };
}

/** Keeps an answer for its key; a key that cannot be settled stays refused as running until it expires. */
async function keep(request: IdempotentRequest, response: Response): Promise<void> {
  try {
    await settleIdempotencyKey(request, await storedOf(response));
  } catch (err) {
    logger().warn({ err, key: request.key.slice(0, 64) }, 'idempotency key not settled');
  }
}

function replay(first: StoredAnswer): NextResponse {
  const headers: Record<string, string> = {
    ...first.headers,
    'cache-control': 'no-store',
    'idempotent-replayed': 'true',
  };
  if (first.contentType) headers['content-type'] = first.contentType;
  return new NextResponse(first.status === 204 ? null : first.body, { status: first.status, headers });
}
