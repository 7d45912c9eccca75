import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { devSecret, env } from '@/lib/env';

/**
 * Encryption keyring for secrets at rest (TOTP seeds, gateway keys): AES-256-GCM with a key id
 * stored beside the ciphertext, so keys can rotate (the first key encrypts, all decrypt).
 */
export interface Keyring {
  current: string;
  keys: Map<string, Buffer>;
}

export function parseKeyring(spec: string): Keyring {
  const keys = new Map<string, Buffer>();
  let current = '';
  for (const [i, part] of spec.split(',').map((p) => p.trim()).filter(Boolean).entries()) {
    const [kid, b64] = part.includes(':') ? part.split(':', 2) : [`k${i + 1}`, part];
    const key = Buffer.from(b64, 'base64');
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(kid) || key.length !== 32) throw new Error('MAMORI_ENCRYPTION_KEY: each key must be "kid:base64" of 32 bytes');
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
    spec = devSecret(e.MAMORI_DATA_DIR, 'encryption-key', 'MAMORI_ENCRYPTION_KEY', () => `dev1:${randomBytes(32).toString('base64')}`);
  }
  cached = parseKeyring(spec);
  return cached;
}

/**
 * "v1.kid.iv.ciphertext.tag", base64url parts. `context` (associated data, not stored) binds the
 * ciphertext to where it belongs, e.g. tenant, site and field, so it cannot be copied to another row.
 */
export function encryptSecret(plaintext: string, ring = keyring(), context?: string): { ciphertext: string; keyId: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.keys.get(ring.current)!, iv);
  if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = ['v1', ring.current, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')];
  return { ciphertext: parts.join('.'), keyId: ring.current };
}

/** Throws when the ciphertext was modified, its key is unknown or `context` differs from encryption. */
export function decryptSecret(ciphertext: string, ring = keyring(), context?: string): string {
  const [v, kid, iv, body, tag] = ciphertext.split('.');
  const key = ring.keys.get(kid);
  if (v !== 'v1' || !key || !iv || !body || !tag) throw new Error('undecryptable secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** Keyed hashes ("kid:hex") of a value under every key, for equality lookups of stored hashes. */
export function keyedHashes(value: string, ring = keyring()): string[] {
  return [...ring.keys].map(([kid, key]) => `${kid}:${createHmac('sha256', key).update(value).digest('hex')}`);
}

export const keyedHash = (value: string, ring = keyring()) => keyedHashes(value, ring)[0];
