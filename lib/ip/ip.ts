/**
 * Strict IPv4/IPv6 address and CIDR parsing. Addresses are held as bigint so matching is exact;
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is folded to IPv4 so one rule matches both spellings.
 */
export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

export interface Cidr {
  version: 4 | 6;
  network: bigint;
  prefix: number;
}

const V4_PART = /^(0|[1-9][0-9]{0,2})$/;

function parseV4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    // Leading zeros are refused: "010" means 8 to some parsers and 10 to others.
    if (!V4_PART.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseV6(text: string): bigint | null {
  if (text.length === 0 || text.length > 45 || /[^0-9a-fA-F:.]/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): string[] | null => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  const all = [...head, ...tail];
  const words: number[] = [];
  for (let i = 0; i < all.length; i++) {
    const g = all[i];
    if (g.includes('.')) {
      // An embedded IPv4 address may only be the last group.
      if (i !== all.length - 1) return null;
      const v4 = parseV4(g);
      if (v4 === null) return null;
      words.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      words.push(parseInt(g, 16));
    }
  }
  const headWords = head.some((g) => g.includes('.')) ? head.length + 1 : head.length;
  if (halves.length === 2) {
    if (words.length > 7) return null;
    const fill = 8 - words.length;
    words.splice(headWords, 0, ...Array<number>(fill).fill(0));
  } else if (words.length !== 8) {
    return null;
  }
  let value = 0n;
  for (const w of words) value = (value << 16n) | BigInt(w);
  return value;
}

/** Parses an address; IPv4-mapped IPv6 comes back as IPv4. Zone ids and junk give null. */
export function parseIp(input: string): IpAddress | null {
  const text = input.trim();
  if (text.includes(':')) {
    const v6 = parseV6(text);
    if (v6 === null) return null;
    if (v6 >> 32n === 0xffffn) return { version: 4, value: v6 & 0xffffffffn };
    return { version: 6, value: v6 };
  }
  const v4 = parseV4(text);
  return v4 === null ? null : { version: 4, value: v4 };
}

export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((s) => ((v >> s) & 0xffn).toString()).join('.');
  }
  const words = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run (length >= 2) of zero words, the first one on a tie.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Canonical text for an address as the socket or a header gave it; null when it is not one. */
export function normalizeIp(input: string | null | undefined): string | null {
  if (!input) return null;
  const ip = parseIp(input);
  return ip ? formatIp(ip) : null;
}

export type CidrParse =
  | { ok: true; cidr: Cidr; hostBitsSet: boolean; normalized: string }
  | { ok: false; error: 'invalid_address' | 'invalid_prefix' };

/** Parses "a.b.c.d/n", "x::/n" or a bare address (a /32 or /128). */
export function parseCidr(input: string): CidrParse {
  const text = input.trim();
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(addrText);
  if (!ip) return { ok: false, error: 'invalid_address' };
  // A mapped IPv6 network such as ::ffff:10.0.0.0/104 becomes the IPv4 network 10.0.0.0/8.
  const mapped = ip.version === 4 && addrText.includes(':');
  const max = ip.version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return { ok: false, error: 'invalid_prefix' };
    prefix = Number(p);
    if (mapped) {
      if (prefix < 96 || prefix > 128) return { ok: false, error: 'invalid_prefix' };
      prefix -= 96;
    } else if (prefix > max) {
      return { ok: false, error: 'invalid_prefix' };
    }
  }
  const bits = BigInt(max - prefix);
  const network = (ip.value >> bits) << bits;
  const cidr: Cidr = { version: ip.version, network, prefix };
  return {
    ok: true,
    cidr,
    hostBitsSet: network !== ip.value,
    normalized: `${formatIp({ version: ip.version, value: network })}/${prefix}`,
  };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.version !== ip.version) return false;
  const bits = BigInt((cidr.version === 4 ? 32 : 128) - cidr.prefix);
  return ip.value >> bits === cidr.network >> bits;
}

/** The first and last address of a network, as text. */
export function cidrBounds(cidr: Cidr): { first: string; last: string } {
  const span = (1n << BigInt((cidr.version === 4 ? 32 : 128) - cidr.prefix)) - 1n;
  return {
    first: formatIp({ version: cidr.version, value: cidr.network }),
    last: formatIp({ version: cidr.version, value: cidr.network + span }),
  };
}

/** Parses a comma- or space-separated CIDR list from configuration; throws on a bad entry. */
export function parseCidrList(input: string | undefined): Cidr[] {
  if (!input || input.trim() === '') return [];
  return input
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const parsed = parseCidr(entry);
      if (!parsed.ok) throw new Error(`not a CIDR: ${JSON.stringify(entry)}`);
      return parsed.cidr;
    });
}
