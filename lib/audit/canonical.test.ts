import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  canonicalJson,
  chainHash,
  eventDigest,
  safeDetails,
  safeText,
  type AuditRecord,
} from './canonical';

const record: AuditRecord = {
  tenantId: '11111111-1111-1111-1111-111111111111',
  id: '22222222-2222-2222-2222-222222222222',
  occurredAt: new Date('2026-11-25T01:02:03.456Z'),
  actorOperatorId: null,
  actorLoginId: 'sakura.admin',
  action: 'login.succeeded',
  targetType: 'session',
  targetId: 'abc',
  outcome: 'success',
  ip: '127.0.0.1',
  userAgent: 'ua',
  sessionId: null,
  details: { b: 1, a: { d: [1, 'x'], c: null } },
};

describe('canonical encoding', () => {
  it('sorts keys at every depth, drops undefined and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: undefined, b: [3, { z: 1, y: 2 }] } })).toBe(
      '{"a":{"b":[3,{"y":2,"z":1}],"d":2},"b":1}',
    );
    expect(canonicalJson('日本語')).toBe('"日本語"');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
  });

  it('orders keys by code point, as PostgreSQL orders their UTF-8 bytes', () => {
    // U+FF21 (full-width A) against U+1F511 (a key emoji, a surrogate pair in UTF-16).
    expect(canonicalJson({ '\u{1F511}': 1, Ａ: 2, a: 3, B: 4, ab: 5 })).toBe('{"B":4,"a":3,"ab":5,"Ａ":2,"🔑":1}');
  });

  it('keeps only safe integers as numbers: any other number is written as its text', () => {
    expect(safeDetails({ a: 0.5, b: 2 ** 60, c: -0, d: 7, e: Number.POSITIVE_INFINITY, f: 10n })).toEqual({
      a: '0.5',
      b: '1152921504606847000',
      c: 0,
      d: 7,
      e: 'Infinity',
      f: '10',
    });
  });

  it('gives the same digest whatever the key order, and a different one for any change', () => {
    const reordered = { ...record, details: { a: { c: null, d: [1, 'x'] }, b: 1 } };
    expect(eventDigest(reordered).equals(eventDigest(record))).toBe(true);
    expect(eventDigest({ ...record, outcome: 'failure' }).equals(eventDigest(record))).toBe(false);
    expect(
      eventDigest({ ...record, occurredAt: new Date(record.occurredAt.getTime() + 1) }).equals(eventDigest(record)),
    ).toBe(false);
  });

  it('chains: each hash depends on the previous hash, the sequence number and the event', () => {
    const d = eventDigest(record);
    const h1 = chainHash(GENESIS_HASH, 1, d);
    expect(h1).toHaveLength(32);
    expect(chainHash(GENESIS_HASH, 2, d).equals(h1)).toBe(false);
    expect(chainHash(h1, 1, d).equals(h1)).toBe(false);
  });

  it('stores control characters as visible escapes and truncates', () => {
    expect(safeText('admin\u0000\u001b[31m')).toBe('admin\\u0000\\u001b[31m');
    expect(safeText('a\ud800b')).toBe('a\ufffdb');
    expect(safeText('x'.repeat(300))).toHaveLength(257);
    expect(safeDetails({ 'k\n': ['v\u0007', 1] })).toEqual({ 'k\\u000a': ['v\\u0007', 1] });
  });
});
