import { describe, expect, it } from 'vitest';
import { isPublicAddress, outboundUrlProblem } from './outbound';

describe('outbound guard', () => {
  it('takes public addresses and refuses every special-purpose range, in every spelling', () => {
    for (const ok of [
      '8.8.8.8',
      '203.0.112.1',
      '2606:4700:4700::1111',
      '2a00:1450:4001:82b::200e',
      '64:ff9b::808:808',
      '2002:808:808::1',
    ])
      expect(isPublicAddress(ok), ok).toBe(true);
    for (const inside of [
      '127.0.0.1',
      '127.8.9.10',
      '0.0.0.0',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      '100.100.100.200',
      '169.254.169.254',
      '192.0.0.170',
      '192.0.2.1',
      '198.18.0.1',
      '198.51.100.7',
      '203.0.113.9',
      '224.0.0.1',
      '239.255.255.250',
      '240.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '::127.0.0.1',
      'fc00::1',
      'fd00:ec2::254',
      'fe80::1',
      'fec0::1',
      'ff02::1',
      '2001:db8::1',
      '2001::1',
      '64:ff9b::7f00:1',
      '64:ff9b::a00:1',
      '64:ff9b:1::a9fe:a9fe',
      '2002:7f00:1::',
      '2002:a9fe:a9fe::1',
      'not an ip',
    ]) {
      expect(isPublicAddress(inside), inside).toBe(false);
    }
  });

  it('asks for https to a name or a public literal, without credentials', () => {
    expect(outboundUrlProblem('https://siem.example.jp/hook')).toBeNull();
    expect(outboundUrlProblem('https://8.8.8.8/')).toBeNull();
    expect(outboundUrlProblem('http://siem.example.jp/')).toBe('not_https');
    expect(outboundUrlProblem('ftp://siem.example.jp/')).toBe('not_https');
    expect(outboundUrlProblem('not a url')).toBe('not_https');
    expect(outboundUrlProblem('https://a:b@siem.example.jp/')).toBe('credentials_in_url');
    expect(outboundUrlProblem('https://[::ffff:169.254.169.254]/')).toBe('not_public');
    expect(outboundUrlProblem('https://localhost/')).toBe('not_public');
    expect(outboundUrlProblem('https://app.localhost/')).toBe('not_public');
    expect(outboundUrlProblem('https://metadata/')).toBe('not_public');
  });
});
