import { describe, expect, it } from 'vitest';
import { decideIp, parseEntries, rangesContain, rangesOf, type LayerRules } from './allowlist';
import { parseIp } from '@/lib/ip/ip';

const layer = (l: LayerRules['layer'], cidrs: string[], mode: LayerRules['mode'] = 'enforce'): LayerRules => ({
  layer: l,
  mode,
  ranges: rangesOf(cidrs),
  empty: cidrs.length === 0,
});

describe('allowlist ranges', () => {
  it('merges overlapping and adjacent networks and finds addresses by binary search', () => {
    const r = rangesOf([
      '10.0.0.0/25',
      '10.0.0.128/25',
      '10.0.1.0/24',
      '192.168.0.0/16',
      '2001:db8::/32',
      '203.0.113.7',
    ]);
    expect(r.v4).toHaveLength(3);
    for (const ip of ['10.0.0.0', '10.0.1.255', '192.168.200.1', '203.0.113.7', '::ffff:10.0.0.5', '2001:db8:1::9'])
      expect(rangesContain(r, parseIp(ip)!), ip).toBe(true);
    for (const ip of ['10.0.2.0', '203.0.113.8', '9.255.255.255', '2001:db9::1', '::1'])
      expect(rangesContain(r, parseIp(ip)!), ip).toBe(false);
  });

  it('handles 1,000 entries', () => {
    const cidrs = Array.from({ length: 1000 }, (_, i) => `10.${i >> 4}.${(i & 15) * 16}.0/28`);
    const r = rangesOf(cidrs);
    expect(rangesContain(r, parseIp('10.62.112.3')!)).toBe(true);
    expect(rangesContain(r, parseIp('10.62.112.16')!)).toBe(false);
  });
});

describe('layered decision', () => {
  it('allows only inside every layer that applies; empty layers restrict nothing', () => {
    const tenant = layer('tenant', ['203.0.113.0/24']);
    const operator = layer('operator', ['203.0.113.128/25']);
    expect(decideIp('203.0.113.200', [tenant, operator], null)).toMatchObject({ allowed: true });
    expect(decideIp('203.0.113.5', [tenant, operator], null)).toMatchObject({ allowed: false, deniedBy: 'operator' });
    expect(decideIp('198.51.100.1', [tenant, operator], null)).toMatchObject({ allowed: false, deniedBy: 'tenant' });
    // A lower layer cannot widen: an operator entry outside the tenant list does not help.
    const wide = layer('operator', ['0.0.0.0/0']);
    expect(decideIp('198.51.100.1', [tenant, wide], null)).toMatchObject({ allowed: false, deniedBy: 'tenant' });
    expect(decideIp('198.51.100.1', [layer('tenant', []), layer('operator', [])], null)).toMatchObject({
      allowed: true,
    });
  });

  it('monitor mode allows but reports, break-glass overrides, junk addresses are refused', () => {
    const monitored = layer('tenant', ['203.0.113.0/24'], 'monitor');
    expect(decideIp('198.51.100.1', [monitored], null)).toEqual({
      allowed: true,
      monitoredDenials: ['tenant'],
      breakGlass: false,
    });
    const tenant = layer('tenant', ['203.0.113.0/24']);
    expect(decideIp('198.51.100.1', [tenant], rangesOf(['198.51.100.0/24']))).toMatchObject({
      allowed: true,
      breakGlass: true,
    });
    expect(decideIp('unknown', [tenant], null)).toMatchObject({ allowed: false, deniedBy: 'tenant' });
    expect(decideIp('::ffff:203.0.113.9', [tenant], null)).toMatchObject({ allowed: true });
  });
});

describe('editor parsing', () => {
  it('normalises, flags host bits and any-address entries, and reports problems by line', () => {
    const r = parseEntries(
      [
        '# office',
        '203.0.113.0/24 Tokyo office',
        '10.1.2.3/8 VPN',
        '',
        '0.0.0.0/0',
        '::/0 everyone v6',
        '010.0.0.1',
        '10.0.0.0/33',
        'junk',
        '203.0.113.0/24 dup',
        `192.0.2.1 ${'x'.repeat(101)}`,
      ].join('\n'),
    );
    expect(r.entries.map((e) => e.cidr)).toEqual(['203.0.113.0/24', '10.0.0.0/8', '0.0.0.0/0', '::/0']);
    expect(r.entries[0].label).toBe('Tokyo office');
    expect(r.hostBits).toEqual([{ line: 3, from: '10.1.2.3/8', to: '10.0.0.0/8' }]);
    expect(r.anyAddress).toEqual(['0.0.0.0/0', '::/0']);
    expect(r.problems.map((p) => [p.line, p.error])).toEqual([
      [7, 'invalid_address'],
      [8, 'invalid_prefix'],
      [9, 'invalid_address'],
      [10, 'duplicate'],
      [11, 'label_too_long'],
    ]);
  });

  it('counts entries against the limit and ignores whitespace-only input', () => {
    expect(parseEntries('   \n\t\n').entries).toEqual([]);
    const many = Array.from({ length: 2000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`).join('\n');
    const r = parseEntries(many);
    expect(r.entries).toHaveLength(2000);
    expect(r.tooMany).toBe(true);
  });
});
