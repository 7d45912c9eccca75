import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { devSecret, env } from '@/lib/env';

/**
 * The keyring for secrets at rest: `kid:base64-32-bytes[,kid:…]`, the first key current, every
 * key still readable. No key is used as it is: each purpose gets its own subkey (HKDF-SHA256 of
 * the key, the purpose as info), so an AES key never doubles as an HMAC key, and a ciphertext or
 * hash made for one purpose means nothing to another.
 */
export interface Keyring {
  current: string;
  keys: Map<string, Buffer>;
}

export const KEY_PURPOSES = [
  'totp-seed',
  'payment-secret',
  'webhook-secret',
  'recovery-code',
  'login-id',
  'stream-secret',
  // An API POST's first answer, kept a day for its Idempotency-Key (it may hold a temporary password).
  'api-answer',
] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

export function parseKeyring(spec: string): Keyring {
  const keys = new Map<string, Buffer>();
  let current = '';
  for (const [i, part] of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .entries()) {
    const [kid, b64] = part.includes(':') ? part.split(':', 2) : [`k${i + 1}`, part];
    const key = Buffer.from(b64, 'base64');
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(kid) || key.length !== 32)
      throw new Error('MAMORI_ENCRYPTION_KEY: each key must be "kid:base64" of 32 bytes');
    if (keys.has(kid)) throw new Error(`MAMORI_ENCRYPTION_KEY: key id ${kid} appears twice`);
    keys.set(kid, key);
    if (i === 0) current = kid;
  }
  if (!current) throw new Error('MAMORI_ENCRYPTION_KEY is empty');
  return { current, keys };
}

let cached: Keyring | undefined;

export function keyring(): Keyring {
  if (cached) return cached;
  const e = env();
  let spec = e.MAMORI_ENCRYPTION_KEY;
  if (!spec) {
    if (e.MAMORI_ENV === 'production') throw new Error('MAMORI_ENCRYPTION_KEY must be set when MAMORI_ENV=production');
    spec = devSecret(
      e.MAMORI_DATA_DIR,
      'encryption-key',
      'MAMORI_ENCRYPTION_KEY',
      () => `dev1:${randomBytes(32).toString('base64')}`,
    );
  }
  cached = parseKeyring(spec);
  return cached;
}

const subkeys = new WeakMap<Buffer, Map<KeyPurpose, Buffer>>();

/** The purpose's subkey of one keyring key. */
function subkey(key: Buffer, purpose: KeyPurpose): Buffer {
  let byPurpose = subkeys.get(key);
  if (!byPurpose) subkeys.set(key, (byPurpose = new Map()));
  let derived = byPurpose.get(purpose);
  if (!derived)
    byPurpose.set(
      purpose,
      (derived = Buffer.from(hkdfSync('sha256', key, 'mamori keyring v2', `mamori:${purpose}`, 32))),
    );
  return derived;
}

const aad = (purpose: KeyPurpose, context: string) => Buffer.from(`${purpose}|${context}`, 'utf8');

/**
 * "v2.kid.iv.ciphertext.tag", base64url parts, under the current key's subkey for `purpose`.
 * `context` (associated data, not stored) binds the ciphertext to where it belongs, e.g. tenant,
 * operator or site and field: copied to another row, it no longer opens.
 */
export function seal(
  purpose: KeyPurpose,
  plaintext: string,
  context: string,
  ring = keyring(),
): { ciphertext: string; keyId: string } {
  if (!context) throw new Error('a sealed secret needs its context');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', subkey(ring.keys.get(ring.current)!, purpose), iv);
  cipher.setAAD(aad(purpose, context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [
    'v2',
    ring.current,
    iv.toString('base64url'),
    body.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ];
  return { ciphertext: parts.join('.'), keyId: ring.current };
}

/**
 * Opens a sealed secret. Also the first keyring's "v1" form (the key itself, associated data
 * only where the field had it), until every row is re-encrypted (see rotate-keys). Throws when the
 * ciphertext was changed, its key is unknown, or its purpose or context differs.
 */
export function open(
  purpose: KeyPurpose,
  ciphertext: string,
  context: string,
  ring = keyring(),
  legacyContext?: string,
): string {
  const [v, kid, iv, body, tag] = ciphertext.split('.');
  const key = ring.keys.get(kid);
  if ((v !== 'v2' && v !== 'v1') || !key || !iv || !body || !tag) throw new Error('undecryptable secret');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    v === 'v2' ? subkey(key, purpose) : key,
    Buffer.from(iv, 'base64url'),
  );
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  if (v === 'v2') decipher.setAAD(aad(purpose, context));
  else if (legacyContext !== undefined) decipher.setAAD(Buffer.from(legacyContext, 'utf8'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** Whether a sealed secret is in the current form under the current key (nothing to rotate). */
export const isCurrent = (ciphertext: string, ring = keyring()) => ciphertext.startsWith(`v2.${ring.current}.`);

/** A keyed hash ("v2:kid:hex") under the current key's subkey for `purpose`, for equality lookups. */
export function keyedHash(purpose: KeyPurpose, value: string, ring = keyring()): string {
  return `v2:${ring.current}:${createHmac('sha256', subkey(ring.keys.get(ring.current)!, purpose))
    .update(value)
    .digest('hex')}`;
}

/**
 * Every form a stored keyed hash of `value` may have: under each key's subkey, and the first
 * keyring's "kid:hex" under the key itself (recovery codes made before subkeys; they cannot be
 * hashed anew without the code).
 */
export function keyedHashes(purpose: KeyPurpose, value: string, ring = keyring()): string[] {
  return [...ring.keys].flatMap(([kid, key]) => [
    `v2:${kid}:${createHmac('sha256', subkey(key, purpose)).update(value).digest('hex')}`,
    `${kid}:${createHmac('sha256', key).update(value).digest('hex')}`,
  ]);
}
