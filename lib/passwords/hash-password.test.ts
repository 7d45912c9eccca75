import { describe, expect, it } from 'vitest';
import { hashConcurrency, hashPassword, verifyDummy, verifyPassword } from './hash-password';

describe('argon2id password hashing', () => {
  it('uses argon2id with at least OWASP minimum parameters and a fresh salt', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(a, 'correct horse battery stapler')).toBe(false);
  });

  it('counts the whole password: a 100-byte password does not verify with its first 72 bytes', async () => {
    const long = 'x'.repeat(72) + 'y'.repeat(28);
    const h = await hashPassword(long);
    expect(await verifyPassword(h, long.slice(0, 72))).toBe(false);
    expect(await verifyPassword(h, long)).toBe(true);
  });

  it('normalises Unicode (NFKC) so full-width and composed forms match', async () => {
    const h = await hashPassword('ｐａｓｓ　ワード'); // full-width letters and space
    expect(await verifyPassword(h, 'pass ワード')).toBe(true);
    const h2 = await hashPassword('cafe\u0301 résumé');
    expect(await verifyPassword(h2, 'café résumé')).toBe(true);
  });

  it('treats a malformed hash as a failed verification, and the dummy always fails', async () => {
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
    expect(await verifyDummy('anything')).toBe(false);
  });

  it('hashes one per core at once (one more on PGlite) and always leaves a libuv thread free', () => {
    expect(hashConcurrency(2, 4, 'postgres')).toBe(2);
    expect(hashConcurrency(2, 4, undefined)).toBe(2);
    expect(hashConcurrency(2, 4, 'pglite')).toBe(3);
    expect(hashConcurrency(8, 4, 'pglite')).toBe(3);
    expect(hashConcurrency(8, 16, 'postgres')).toBe(8);
    expect(hashConcurrency(1, 1, 'pglite')).toBe(1);
  });
});
