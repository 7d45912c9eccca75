import { parseCidr, parseIp, type Cidr } from '@/lib/ip/ip';

/**
 * IP allowlist decisions. Each list becomes sorted, merged address ranges per IP version, so a
 * decision is a binary search per layer, whatever the number of entries.
 */
export interface RangeSet {
  v4: [bigint, bigint][];
  v6: [bigint, bigint][];
}

export function toRanges(cidrs: Cidr[]): RangeSet {
  const build = (version: 4 | 6) => {
    const bits = version === 4 ? 32n : 128n;
    const ranges = cidrs
      .filter((c) => c.version === version)
      .map((c): [bigint, bigint] => [c.network, c.network + (1n << (bits - BigInt(c.prefix))) - 1n])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const merged: [bigint, bigint][] = [];
    for (const r of ranges) {
      const last = merged.at(-1);
      if (last && r[0] <= last[1] + 1n) {
        if (r[1] > last[1]) last[1] = r[1];
      } else merged.push([r[0], r[1]]);
    }
    return merged;
  };
  return { v4: build(4), v6: build(6) };
}

export function rangesContain(set: RangeSet, ip: { version: 4 | 6; value: bigint }): boolean {
  const list = ip.version === 4 ? set.v4 : set.v6;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = list[mid];
    if (ip.value < start) hi = mid - 1;
    else if (ip.value > end) lo = mid + 1;
    else return true;
  }
  return false;
}

export type Layer = 'tenant' | 'operator';
export type Mode = 'enforce' | 'monitor';

export interface LayerRules {
  layer: Layer;
  mode: Mode;
  ranges: RangeSet;
  /** An empty list restricts nothing. */
  empty: boolean;
}

export type IpDecision =
  | { allowed: true; monitoredDenials: Layer[]; breakGlass: boolean }
  | { allowed: false; deniedBy: Layer; monitoredDenials: Layer[] };

/**
 * Allowed only inside every layer that applies (lower layers can only narrow). A layer in monitor
 * mode never refuses but says it would have; an active break-glass exception allows regardless.
 */
export function decideIp(clientIp: string, layers: LayerRules[], breakGlass: RangeSet | null): IpDecision {
  const ip = parseIp(clientIp);
  const monitoredDenials: Layer[] = [];
  let deniedBy: Layer | null = null;
  for (const l of layers) {
    if (l.empty) continue;
    const inside = ip !== null && rangesContain(l.ranges, ip);
    if (inside) continue;
    if (l.mode === 'monitor') monitoredDenials.push(l.layer);
    else deniedBy ??= l.layer;
  }
  if (deniedBy && ip && breakGlass && rangesContain(breakGlass, ip))
    return { allowed: true, monitoredDenials, breakGlass: true };
  if (deniedBy) return { allowed: false, deniedBy, monitoredDenials };
  return { allowed: true, monitoredDenials, breakGlass: false };
}

export interface ParsedEntry {
  cidr: string;
  label: string;
}

export type EntryProblem = {
  line: number;
  text: string;
  error: 'invalid_address' | 'invalid_prefix' | 'duplicate' | 'label_too_long';
};

export const MAX_ENTRIES = 1000;

/**
 * Parses the editor's text: one entry a line, "CIDR label…". Strict (see ip.ts); returns the
 * normalised entries, the problems by line, and what needs an explicit confirmation: entries
 * whose host bits were cleared, and entries that allow every address.
 */
export function parseEntries(text: string) {
  const entries: ParsedEntry[] = [];
  const problems: EntryProblem[] = [];
  const hostBits: { line: number; from: string; to: string }[] = [];
  const anyAddress: string[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [address, ...rest] = line.split(/\s+/);
    const label = rest.join(' ');
    const parsed = parseCidr(address);
    if (!parsed.ok) return problems.push({ line: i + 1, text: address, error: parsed.error });
    if (label.length > 100) return problems.push({ line: i + 1, text: address, error: 'label_too_long' });
    if (seen.has(parsed.normalized)) return problems.push({ line: i + 1, text: address, error: 'duplicate' });
    seen.add(parsed.normalized);
    if (parsed.hostBitsSet) hostBits.push({ line: i + 1, from: address, to: parsed.normalized });
    if (parsed.cidr.prefix === 0) anyAddress.push(parsed.normalized);
    entries.push({ cidr: parsed.normalized, label });
  });
  return { entries, problems, hostBits, anyAddress, tooMany: entries.length > MAX_ENTRIES };
}

export function rangesOf(cidrs: string[]): RangeSet {
  return toRanges(
    cidrs.flatMap((c) => {
      const p = parseCidr(c);
      return p.ok ? [p.cidr] : [];
    }),
  );
}
