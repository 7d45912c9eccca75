import { createHash } from 'node:crypto';

/**
 * Keys in code point order, which is the byte order of their UTF-8 (PostgreSQL's "C" collation,
 * where the database's door sorts them). It differs from UTF-16 order only for keys with
 * characters beyond U+FFFF; no key ever written has one.
 */
function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate belongs to a character beyond U+FFFF, above every character it is compared with.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    return xs === ys ? x - y : xs ? 1 : -1;
  }
  return a.length - b.length;
}

/**
 * Canonical JSON: object keys sorted, no whitespace, undefined dropped. The audit hash is computed
 * over this encoding, so an offline verifier can recompute it from the exported rows alone.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => byCodePoint(a, b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** What one audit row commits to; the field set is versioned so it can grow safely. */
export interface AuditRecord {
  tenantId: string;
  id: string;
  occurredAt: Date;
  actorOperatorId: string | null;
  actorLoginId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: 'success' | 'failure' | 'denied';
  ip: string | null;
  userAgent: string | null;
  sessionId: string | null;
  details: Record<string, unknown>;
}

/**
 * An event completed as the database's door completes it (its id and time given here): for tests
 * and benchmarks that build chains outside the database.
 */
export function completeRecord(
  fields: Omit<AuditRecord, 'id' | 'occurredAt' | 'details'> & { details: string },
  id: string,
  occurredAt: Date,
): AuditRecord {
  return { ...fields, id, occurredAt, details: JSON.parse(fields.details) as Record<string, unknown> };
}

export function eventDigest(r: AuditRecord): Buffer {
  // Fields are named one by one: a row object carries more (seq, hash) that must not be hashed.
  const body = canonicalJson({
    v: 1,
    tenantId: r.tenantId,
    id: r.id,
    occurredAt: r.occurredAt.toISOString(),
    actorOperatorId: r.actorOperatorId,
    actorLoginId: r.actorLoginId,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    outcome: r.outcome,
    ip: r.ip,
    userAgent: r.userAgent,
    sessionId: r.sessionId,
    details: r.details,
  });
  return createHash('sha256').update(body, 'utf8').digest();
}

export const GENESIS_HASH = Buffer.alloc(32);

/** hash(n) = sha256(hash(n-1) || seq as 8-byte big-endian || digest(event n)). */
export function chainHash(previous: Uint8Array, seq: number, digest: Uint8Array): Buffer {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigInt64BE(BigInt(seq));
  return createHash('sha256').update(previous).update(seqBytes).update(digest).digest();
}

// Control characters are written out as \uXXXX text (PostgreSQL text and jsonb refuse NUL, and a
// raw escape sequence in a login ID must never reach a terminal or log viewer); lone surrogates
// become U+FFFD.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function safeText(value: string, max = 256): string {
  const cleaned = value.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code >= 0xd800 ? '\ufffd' : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return cleaned.length > max ? `${cleaned.slice(0, max)}…` : cleaned;
}

/**
 * Details as stored: texts made safe (see safeText); a number that is not a safe integer written
 * as its text, since the database hashes numbers as jsonb writes them and only integers within
 * 2^53 read back the same in every JSON parser.
 */
export function safeDetails(value: unknown): unknown {
  if (typeof value === 'string') return safeText(value, 2000);
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value + 0 : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(safeDetails);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [safeText(k, 100), safeDetails(v)]));
  }
  return value;
}
