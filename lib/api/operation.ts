import type { z } from 'zod';
import type { AppErrorCode } from '@/lib/http/app-error';

/**
 * One API operation as a contract: its access-table row, method and path, the zod schemas its
 * path, query, body and answer are parsed with, and the problems it may answer. The route that
 * serves it (withApi) and the OpenAPI document are both made from this, so neither can drift.
 */
export interface Operation<
  E extends string = string,
  P extends z.ZodObject = z.ZodObject,
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | undefined = z.ZodType | undefined,
> {
  /** The route's row in the access table (its file and method). */
  readonly entry: E;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** In OpenAPI form: `/api/v1/tenants/{tenantId}/operators`. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly params: P;
  readonly query?: Q;
  readonly body?: B;
  /** The answer: 200 or 201 with a body, or 204 without one. */
  readonly answer: { readonly status: 200 | 201 | 204; readonly description: string; readonly schema?: R };
  /** 'read': the answer carries an ETag; 'write': the request must carry If-Match (412 when stale). */
  readonly etag?: 'read' | 'write';
  /** Problems this operation answers besides the ones every token call may (401, 403, 404, 429). */
  readonly problems?: readonly AppErrorCode[];
}

/** Keeps an operation's literal types (its entry and schemas) for the route that serves it. */
export const defineOperation = <
  E extends string,
  P extends z.ZodObject,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(
  operation: Operation<E, P, Q, B, R>,
) => operation;
