import { createHash } from 'node:crypto';
import { AppError } from './app-error';

/** A strong ETag for a resource's state: the same state, the same tag, on every instance. */
export const etagOf = (state: unknown): string =>
  `"${createHash('sha256').update(JSON.stringify(state)).digest('base64url').slice(0, 22)}"`;

/**
 * RFC 9110 If-Match, compared strongly: passes when it is absent (the console reads and writes in
 * one step), `*`, or lists the current tag; otherwise the write is stale (412). Called inside the
 * write's transaction, after the row is locked, so no write slips in between.
 */
export function assertIfMatch(ifMatch: string | undefined, current: string): void {
  if (ifMatch === undefined) return;
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.includes(current)) return;
  throw new AppError('precondition_failed', { 'If-Match': [`stale:${current}`] });
}
