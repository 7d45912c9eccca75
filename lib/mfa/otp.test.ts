import { describe, expect, it } from 'vitest';
import { hotp, newTotpSecret, timeStepOf, totpAt, verifyTotp } from './otp';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('RFC 4226 Appendix D (HOTP)', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  it.each(expected.map((code, counter) => [counter, code]))('counter %i -> %s', async (counter, code) => {
    expect(await hotp(bytes('12345678901234567890'), counter as number)).toBe(code);
  });
});

describe('RFC 6238 Appendix B (TOTP, 8 digits)', () => {
  const seeds = {
    sha1: bytes('12345678901234567890'),
    sha256: bytes('12345678901234567890123456789012'),
    sha512: bytes('1234567890123456789012345678901234567890123456789012345678901234'),
  } as const;
  const vectors: [number, string, keyof typeof seeds][] = [
    [59, '94287082', 'sha1'],
    [59, '46119246', 'sha256'],
    [59, '90693936', 'sha512'],
    [1111111109, '07081804', 'sha1'],
    [1111111109, '68084774', 'sha256'],
    [1111111109, '25091201', 'sha512'],
    [1111111111, '14050471', 'sha1'],
    [1111111111, '67062674', 'sha256'],
    [1111111111, '99943326', 'sha512'],
    [1234567890, '89005924', 'sha1'],
    [1234567890, '91819424', 'sha256'],
    [1234567890, '93441116', 'sha512'],
    [2000000000, '69279037', 'sha1'],
    [2000000000, '90698825', 'sha256'],
    [2000000000, '38618901', 'sha512'],
    [20000000000, '65353130', 'sha1'],
    [20000000000, '77737706', 'sha256'],
    [20000000000, '47863826', 'sha512'],
  ];
  it.each(vectors)('T=%i -> %s (%s)', async (t, code, algorithm) => {
    expect(await totpAt(seeds[algorithm], t, { algorithm, digits: 8 })).toBe(code);
  });
});

describe('TOTP verification window and replay bound', () => {
  it('accepts the current step and one either side, never two away or an already used step', async () => {
    const secret = newTotpSecret();
    const now = 1_800_000_015;
    const step = timeStepOf(now);
    const code = async (d: number) => totpAt(secret, now + d * 30);
    expect(await verifyTotp(secret, await code(0), now, null)).toBe(step);
    expect(await verifyTotp(secret, await code(-1), now, null)).toBe(step - 1);
    expect(await verifyTotp(secret, await code(1), now, null)).toBe(step + 1);
    expect(await verifyTotp(secret, await code(-2), now, null)).toBeNull();
    expect(await verifyTotp(secret, await code(2), now, null)).toBeNull();
    expect(await verifyTotp(secret, await code(0), now, step)).toBeNull();
    expect(await verifyTotp(secret, await code(-1), now, step)).toBeNull();
    for (const junk of ['', '12345', '1234567', 'abcdef', '12 456', '１２３４５６'])
      expect(await verifyTotp(secret, junk, now, null)).toBeNull();
  });
});
