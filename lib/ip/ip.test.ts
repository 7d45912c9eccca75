import { describe, expect, it } from 'vitest';
import { cidrBounds, cidrContains, formatIp, normalizeIp, parseCidr, parseCidrList, parseIp } from './ip';

describe('parseIp', () => {
  it.each([
    ['192.168.1.1', '192.168.1.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::1', '::1'],
    ['::', '::'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['fe80::1:2:3:4', 'fe80::1:2:3:4'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::ffff:c000:0201', '192.0.2.1'],
    ['64:ff9b::192.0.2.1', '64:ff9b::c000:201'],
    [' 10.0.0.1 ', '10.0.0.1'],
  ])('%s -> %s', (input, expected) => {
    const ip = parseIp(input);
    expect(ip).not.toBeNull();
    expect(formatIp(ip!)).toBe(expected);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.04',
    '0x7f.0.0.1',
    '256.1.1.1',
    '1.2.3.-1',
    '1..2.3',
    '::1::',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'fe80::1%eth0',
    'gggg::',
    '1.2.3.4/24',
    'localhost',
    '::ffff:1.2.3',
  ])('rejects %j', (input) => expect(parseIp(input)).toBeNull());

  it('folds IPv4-mapped IPv6 to IPv4, so the socket form of a v4 client matches v4 rules', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('junk')).toBeNull();
  });
});

describe('parseCidr', () => {
  it('normalises and flags host bits', () => {
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ ok: true, hostBitsSet: true, normalized: '10.0.0.0/8' });
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ ok: true, hostBitsSet: false, normalized: '10.0.0.0/8' });
    expect(parseCidr('2001:db8::1/32')).toMatchObject({ ok: true, hostBitsSet: true, normalized: '2001:db8::/32' });
    expect(parseCidr('192.0.2.7')).toMatchObject({ ok: true, normalized: '192.0.2.7/32' });
    expect(parseCidr('::ffff:10.0.0.0/104')).toMatchObject({ ok: true, normalized: '10.0.0.0/8' });
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ ok: true, normalized: '0.0.0.0/0' });
  });

  it.each([
    ['10.0.0.0/33', 'invalid_prefix'],
    ['::/129', 'invalid_prefix'],
    ['10.0.0.0/08', 'invalid_prefix'],
    ['10.0.0.0/', 'invalid_prefix'],
    ['10.0.0.0/-1', 'invalid_prefix'],
    ['010.0.0.0/8', 'invalid_address'],
    ['junk/8', 'invalid_address'],
  ])('rejects %s (%s)', (input, error) => expect(parseCidr(input)).toEqual({ ok: false, error }));

  it('matches addresses of its own family only', () => {
    const net = parseCidr('192.168.0.0/16');
    const v6 = parseCidr('2001:db8::/32');
    if (!net.ok || !v6.ok) throw new Error('parse');
    expect(cidrContains(net.cidr, parseIp('192.168.44.2')!)).toBe(true);
    expect(cidrContains(net.cidr, parseIp('192.169.0.1')!)).toBe(false);
    expect(cidrContains(net.cidr, parseIp('::ffff:192.168.1.1')!)).toBe(true);
    expect(cidrContains(v6.cidr, parseIp('2001:db8:ffff::1')!)).toBe(true);
    expect(cidrContains(v6.cidr, parseIp('192.168.1.1')!)).toBe(false);
  });

  it('parses configuration lists and refuses a bad entry', () => {
    expect(parseCidrList('10.0.0.0/8, 127.0.0.1 ::1')).toHaveLength(3);
    expect(parseCidrList('')).toEqual([]);
    expect(() => parseCidrList('10.0.0.0/8,nope')).toThrow(/not a CIDR/);
  });
});

describe('cidrBounds', () => {
  it('gives the first and last address of IPv4 and IPv6 networks', () => {
    const bounds = (text: string) => {
      const parsed = parseCidr(text);
      if (!parsed.ok) throw new Error(text);
      return cidrBounds(parsed.cidr);
    };
    expect(bounds('198.51.100.7/24')).toEqual({ first: '198.51.100.0', last: '198.51.100.255' });
    expect(bounds('203.0.113.5')).toEqual({ first: '203.0.113.5', last: '203.0.113.5' });
    expect(bounds('2001:db8::/32')).toEqual({ first: '2001:db8::', last: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff' });
    expect(bounds('0.0.0.0/0')).toEqual({ first: '0.0.0.0', last: '255.255.255.255' });
  });
});
