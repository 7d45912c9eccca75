import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCurrent, keyedHash, keyedHashes, open, parseKeyring, seal } from './keyring';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const ring = parseKeyring(`new:${key(1)},old:${key(2)}`);
const oldRing = parseKeyring(`old:${key(2)}`);

/** A ciphertext as the first keyring wrote it: the key itself, associated data only where given. */
function legacy(plaintext: string, raw: Buffer, kid: string, context?: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', raw, iv);
  if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    'v1',
    kid,
    iv.toString('base64url'),
    body.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

describe('keyring', () => {
  it('seals under the current key, opens with any key of the ring, and says when a ciphertext is current', () => {
    const { ciphertext, keyId } = seal('totp-seed', 'JBSWY3DPEHPK3PXPJBSWY3DP', 'totp_credentials:t1:o1', ring);
    expect(keyId).toBe('new');
    expect(ciphertext).toMatch(/^v2\.new\./);
    expect(ciphertext).not.toContain('JBSWY3DP');
    expect(open('totp-seed', ciphertext, 'totp_credentials:t1:o1', ring)).toBe('JBSWY3DPEHPK3PXPJBSWY3DP');
    expect(isCurrent(ciphertext, ring)).toBe(true);
    const older = seal('totp-seed', 'x', 'c', oldRing).ciphertext;
    expect(open('totp-seed', older, 'c', ring)).toBe('x');
    expect(isCurrent(older, ring)).toBe(false);
  });

  it('binds a ciphertext to its purpose and context: another row, field or purpose cannot open it', () => {
    const { ciphertext } = seal('payment-secret', 'sk_live_0123456789', 'payment_settings:t1:s1:secret', ring);
    expect(() => open('payment-secret', ciphertext, 'payment_settings:t1:s2:secret', ring)).toThrow();
    expect(() => open('webhook-secret', ciphertext, 'payment_settings:t1:s1:secret', ring)).toThrow();
    expect(() => seal('totp-seed', 'x', '', ring)).toThrow('context');
  });

  it('detects tampering and unknown keys', () => {
    const { ciphertext } = seal('webhook-secret', 'secret', 'alert_webhook:t1', ring);
    const parts = ciphertext.split('.');
    const flipped = Buffer.from(parts[3], 'base64url');
    flipped[0] ^= 1;
    expect(() =>
      open(
        'webhook-secret',
        [...parts.slice(0, 3), flipped.toString('base64url'), parts[4]].join('.'),
        'alert_webhook:t1',
        ring,
      ),
    ).toThrow();
    expect(() => open('webhook-secret', ciphertext.replace('.new.', '.gone.'), 'alert_webhook:t1', ring)).toThrow();
    expect(() => open('webhook-secret', ciphertext, 'alert_webhook:t1', parseKeyring(`new:${key(3)}`))).toThrow();
  });

  it('never uses a key itself: a subkey per purpose (an HMAC under the raw key matches nothing)', () => {
    const raw = Buffer.alloc(32, 1);
    const hash = keyedHash('recovery-code', 'abcdefghjk', ring);
    expect(hash).toMatch(/^v2:new:[0-9a-f]{64}$/);
    expect(hash.slice(7)).not.toBe(createHmac('sha256', raw).update('abcdefghjk').digest('hex'));
    expect(keyedHash('login-id', 'abcdefghjk', ring)).not.toBe(hash);
  });

  it('still opens and finds what the first keyring wrote, until it is re-encrypted', () => {
    const raw = Buffer.alloc(32, 2);
    expect(open('totp-seed', legacy('SEED', raw, 'old'), 'totp_credentials:t:o', ring)).toBe('SEED');
    expect(
      open(
        'payment-secret',
        legacy('sk', raw, 'old', 'payment_settings:t:s:secret'),
        'x',
        ring,
        'payment_settings:t:s:secret',
      ),
    ).toBe('sk');
    expect(() =>
      open(
        'payment-secret',
        legacy('sk', raw, 'old', 'payment_settings:t:s:secret'),
        'x',
        ring,
        'payment_settings:t:OTHER:secret',
      ),
    ).toThrow();
    const hashes = keyedHashes('recovery-code', 'abcdefghjk', ring);
    expect(hashes).toContain(`old:${createHmac('sha256', raw).update('abcdefghjk').digest('hex')}`);
    expect(hashes).toContain(keyedHash('recovery-code', 'abcdefghjk', ring));
    expect(hashes).toHaveLength(4);
  });

  it('refuses bad key specs', () => {
    expect(() => parseKeyring('k:short')).toThrow();
    expect(() => parseKeyring(`a:${key(1)},a:${key(2)}`)).toThrow('twice');
    expect(() => parseKeyring('')).toThrow();
  });
});
