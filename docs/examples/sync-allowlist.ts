import type { Client } from 'openapi-fetch';
import type { paths } from './mamori-api';

type Mamori = Client<paths>;
type Network = { cidr: string; label: string };

/**
 * Keeps the company's IP allowlist equal to the office networks the network team publishes. A dry
 * run first: if the change would lock this script out, or refuse operators where they last
 * signed in, it stops and says who, unless `force` is set. If another admin changed the list
 * in between (412), it reads the list again and starts over.
 */
export async function syncAllowlist(mamori: Mamori, tenantId: string, networks: Network[], force = false) {
  const path = { tenantId };
  for (let attempt = 1; attempt <= 3; attempt++) {
    const current = await mamori.GET('/api/v1/tenants/{tenantId}/ip-allowlist', { params: { path } });
    if (current.error) throw new Error(`read: ${current.error.error}`);
    const etag = current.response.headers.get('etag')!;
    const same = (a: Network[], b: Network[]) =>
      JSON.stringify(a.map((n) => `${n.cidr} ${n.label}`).sort()) ===
      JSON.stringify(b.map((n) => `${n.cidr} ${n.label}`).sort());
    if (same(current.data.entries, networks)) return { changed: false as const };

    const dry = await mamori.PUT('/api/v1/tenants/{tenantId}/ip-allowlist', {
      params: { path, query: { dryRun: 'true' }, header: { 'If-Match': etag } },
      body: { entries: networks },
    });
    if (dry.response.status === 412) continue;
    if (dry.error) throw new Error(`dry run: ${dry.error.error} ${JSON.stringify(dry.error.fields ?? {})}`);
    if (!dry.data.dryRun) throw new Error('expected a dry run');
    if (!dry.data.callerAllowed) return { changed: false as const, stopped: 'would lock this script out' };
    if (dry.data.refusedOperatorCount > 0 && !force)
      return { changed: false as const, stopped: 'would refuse operators', refused: dry.data.refusedOperators };

    const saved = await mamori.PUT('/api/v1/tenants/{tenantId}/ip-allowlist', {
      params: { path, header: { 'If-Match': etag } },
      body: { entries: networks },
    });
    if (saved.response.status === 412) continue;
    if (saved.error) throw new Error(`save: ${saved.error.error}`);
    return { changed: true as const, added: dry.data.added, removed: dry.data.removed };
  }
  throw new Error('the list kept changing under us; try again later');
}
