import { describe, expect, it } from 'vitest';
import { deriveClientIp } from './client-ip';
import { parseCidrList } from './ip';

const proxies = parseCidrList('10.0.0.0/8, fd00::/8');

describe('deriveClientIp', () => {
  it('uses the socket address when the peer is not a trusted proxy, whatever the headers say', () => {
    expect(deriveClientIp('203.0.113.9', '1.2.3.4', proxies)).toBe('203.0.113.9');
    expect(deriveClientIp('203.0.113.9', '1.2.3.4', [])).toBe('203.0.113.9');
    expect(deriveClientIp('::ffff:203.0.113.9', undefined, proxies)).toBe('203.0.113.9');
    expect(deriveClientIp('2001:db8::5', '10.0.0.1', proxies)).toBe('2001:db8::5');
  });

  it('walks X-Forwarded-For from the right through trusted hops only', () => {
    expect(deriveClientIp('10.0.0.2', '198.51.100.7', proxies)).toBe('198.51.100.7');
    // A client-supplied left part cannot push past the right-most untrusted hop.
    expect(deriveClientIp('10.0.0.2', '6.6.6.6, 198.51.100.7, 10.0.0.3', proxies)).toBe('198.51.100.7');
    expect(deriveClientIp('::ffff:10.0.0.2', ['6.6.6.6', '198.51.100.7'], proxies)).toBe('198.51.100.7');
    expect(deriveClientIp('fd00::1', '2001:db8::42', proxies)).toBe('2001:db8::42');
    expect(deriveClientIp('fd00::1', '::ffff:198.51.100.7', proxies)).toBe('198.51.100.7');
  });

  it('stops at a malformed hop and keeps the last address it could vouch for', () => {
    expect(deriveClientIp('10.0.0.2', 'evil, <script>', proxies)).toBe('10.0.0.2');
    expect(deriveClientIp('10.0.0.2', '198.51.100.7, 10.0.0.9, garbage', proxies)).toBe('10.0.0.2');
  });

  it('falls back to the proxy when every hop is trusted, and to "unknown" without a socket address', () => {
    expect(deriveClientIp('10.0.0.2', '10.0.0.3', proxies)).toBe('10.0.0.3');
    expect(deriveClientIp('10.0.0.2', undefined, proxies)).toBe('10.0.0.2');
    expect(deriveClientIp(undefined, '1.2.3.4', proxies)).toBe('unknown');
  });
});
