import { describe, expect, it } from 'vitest';
import { assertIfMatch, etagOf } from './etag';

describe('etags', () => {
  it('tags the same state alike and another state differently', () => {
    expect(etagOf({ a: 1 })).toBe(etagOf({ a: 1 }));
    expect(etagOf({ a: 1 })).not.toBe(etagOf({ a: 2 }));
    expect(etagOf({ a: 1 })).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
  });

  it('lets an absent If-Match, a star or the current tag through, and refuses a stale or weak one', () => {
    const tag = etagOf('now');
    expect(() => assertIfMatch(undefined, tag)).not.toThrow();
    expect(() => assertIfMatch('*', tag)).not.toThrow();
    expect(() => assertIfMatch(`"x", ${tag}`, tag)).not.toThrow();
    for (const stale of [etagOf('then'), `W/${tag}`, ''])
      expect(() => assertIfMatch(stale, tag)).toThrow(
        expect.objectContaining({ code: 'precondition_failed', status: 412, fields: { 'If-Match': [`stale:${tag}`] } }),
      );
  });
});
