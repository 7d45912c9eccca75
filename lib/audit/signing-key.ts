import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { devSecret, env } from '@/lib/env';

export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  fingerprint: string;
}

/** sha256 of the DER public key, hex, as shown in the console and written into bundles. */
export const fingerprintOf = (publicKeyPem: string) =>
  createHash('sha256').update(createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' })).digest('hex');

let cached: SigningKey | undefined;

/** The Ed25519 key for audit checkpoints: from the environment, or generated once in development. */
export function signingKey(): SigningKey {
  if (cached) return cached;
  const e = env();
  let pem = e.MAMORI_AUDIT_SIGNING_KEY;
  if (!pem) {
    if (e.MAMORI_ENV === 'production') throw new Error('MAMORI_AUDIT_SIGNING_KEY must be set when MAMORI_ENV=production');
    pem = devSecret(e.MAMORI_DATA_DIR, 'audit-signing-key.pem', 'MAMORI_AUDIT_SIGNING_KEY', () =>
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
  }
  const privateKey = createPrivateKey(pem.replace(/\\n/g, '\n'));
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  cached = { privateKey, publicKeyPem, fingerprint: fingerprintOf(publicKeyPem) };
  return cached;
}
