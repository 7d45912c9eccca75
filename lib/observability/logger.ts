import 'server-only';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Where a secret could sit in anything logged: never written, whatever the nesting. Request lines
 * carry no query strings or bodies in the first place; this is the net under that.
 */
export const REDACTED_PATHS = [
  'password',
  'newPassword',
  'currentPassword',
  'code',
  'totp',
  'token',
  'secret',
  'recoveryCode',
  'authorization',
  'cookie',
  'set-cookie',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.code',
  '*.totp',
  '*.token',
  '*.secret',
  '*.recoveryCode',
  '*.authorization',
  '*.cookie',
  '*["set-cookie"]',
  '*.*.password',
  '*.*.token',
  '*.*.secret',
  '*.*.authorization',
  '*.*.cookie',
];

/** A JSON logger (one object per line on stdout, or on `destination` in tests). */
export function createLogger(destination?: DestinationStream, level = process.env.MAMORI_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      base: { service: 'mamori' },
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

// One per process, shared with Next's bundled copy of this module.
const holder = globalThis as unknown as { __mamoriLogger?: Logger };

export function logger(): Logger {
  return (holder.__mamoriLogger ??= createLogger());
}
