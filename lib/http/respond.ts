import 'server-only';
import { randomUUID } from 'node:crypto';
import { NextResponse } from 'next/server';
import { isAppError } from './app-error';
import { logger } from '@/lib/observability/logger';

/** Turns any error into a JSON answer: AppErrors by their code, anything else as a bare 500. */
export function errorResponse(error: unknown): NextResponse {
  if (isAppError(error)) {
    return NextResponse.json(
      { error: error.code, ...(error.fields ? { fields: error.fields } : {}) },
      { status: error.status, headers: { 'cache-control': 'no-store' } },
    );
  }
  const id = randomUUID();
  logger().error({ errorId: id, err: error }, 'unexpected error');
  return NextResponse.json({ error: 'internal', id }, { status: 500, headers: { 'cache-control': 'no-store' } });
}
