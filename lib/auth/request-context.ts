import 'server-only';
import { headers } from 'next/headers';
import { CLIENT_IP_HEADER } from '@/lib/ip/client-ip';
import { normalizeIp } from '@/lib/ip/ip';

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
}

/** Client IP as set by the server entry (the only place that sees the socket), and the UA. */
export function requestMetaFrom(h: Headers): RequestMeta {
  return {
    ip: normalizeIp(h.get(CLIENT_IP_HEADER)) ?? 'unknown',
    userAgent: h.get('user-agent')?.slice(0, 512) ?? null,
  };
}

export async function requestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}
