import 'server-only';
import { randomUUID } from 'node:crypto';
import { NextResponse } from 'next/server';
import { isAppError, type AppErrorCode } from './app-error';
import { logger } from '@/lib/observability/logger';

/** Each code's title: the same for every occurrence, as RFC 9457 asks; `fields` says what was wrong. */
const TITLES: Record<AppErrorCode, string> = {
  bad_request: 'The request is not valid',
  unauthenticated: 'Authentication is required',
  forbidden: 'This is not allowed',
  ip_denied: 'Not allowed from this address',
  step_up_required: 'A fresh second factor is required',
  mfa_enrollment_required: 'Two-factor authentication must be set up first',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflicts with the current state',
  precondition_failed: 'The resource changed since it was read (If-Match is stale)',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'The request body must be application/json',
  idempotency_key_reused: 'This Idempotency-Key was used for a different request',
  precondition_required: 'This write needs If-Match with the ETag last read',
  too_many_requests: 'Too many requests',
  internal: 'Internal error',
};

/** The problem type of a code: a URN, stable, and never mistaken for a page to fetch. */
export const problemType = (code: AppErrorCode) => `urn:mamori:problem:${code}`;

/**
 * An RFC 9457 problem answer. Extension members: `error` (the code, as the console knows it),
 * `fields` (per input field, the reasons it was refused) and `id` (an internal error's log id).
 */
export function problemResponse(
  code: AppErrorCode,
  status: number,
  extra: { fields?: Record<string, string[]>; id?: string; retryAfterSeconds?: number } = {},
): NextResponse {
  const headers: Record<string, string> = {
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
  };
  if (extra.retryAfterSeconds !== undefined)
    headers['retry-after'] = String(Math.max(1, Math.ceil(extra.retryAfterSeconds)));
  const body = {
    type: problemType(code),
    title: TITLES[code],
    status,
    error: code,
    ...(extra.fields ? { fields: extra.fields } : {}),
    ...(extra.id ? { id: extra.id } : {}),
  };
  return new NextResponse(JSON.stringify(body), { status, headers });
}

/** Turns any error into a problem answer: AppErrors by their code, anything else as a bare 500 with a log id. */
export function errorResponse(error: unknown): NextResponse {
  if (isAppError(error))
    return problemResponse(error.code, error.status, {
      fields: error.fields,
      retryAfterSeconds: error.retryAfterSeconds,
    });
  const id = randomUUID();
  logger().error({ errorId: id, err: error }, 'unexpected error');
  return problemResponse('internal', 500, { id });
}
