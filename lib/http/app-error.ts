/** Typed errors: each code maps to an HTTP status and a message key the UI translates. */
export const APP_ERRORS = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  ip_denied: 403,
  step_up_required: 403,
  mfa_enrollment_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  precondition_required: 428,
  too_many_requests: 429,
  internal: 500,
} as const;

export type AppErrorCode = keyof typeof APP_ERRORS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: AppErrorCode,
    readonly fields?: Record<string, string[]>,
    /** For too_many_requests: when to try again (the answer's Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(code);
    this.name = 'AppError';
    this.status = APP_ERRORS[code];
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
