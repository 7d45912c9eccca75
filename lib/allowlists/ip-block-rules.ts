import 'server-only';
import { and, gt, inArray, isNull } from 'drizzle-orm';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, ipBlocks } from '@/db/schema';
import { now } from '@/lib/clock';
import { cidrContains, parseCidr, parseIp, type Cidr } from '@/lib/ip/ip';

/** The block versions read with a session or a login: of the operator's tenant and of the platform. */
export interface BlockVersions {
  tenant: number;
  platform: number;
}

export const blockVersionsOf = (tenant: number | string | null, platform: number | string | null): BlockVersions => ({
  tenant: Number(tenant ?? 0),
  platform: Number(platform ?? 0),
});

/** While both versions are 0 nothing was ever blocked: the common case decides without a lookup. */
export const anyBlocks = (v: BlockVersions) => v.tenant > 0 || v.platform > 0;

export interface IpBlockHit {
  id: string;
  scope: 'platform' | 'tenant';
  cidr: string;
}

interface LiveBlock {
  id: string;
  cidr: Cidr;
  text: string;
  expiresAt: number;
}

// Live blocks per owner, checked against the version read from the database on every request:
// a block or a lift anywhere is seen by every instance on its next request. Expiry is checked at
// decision time, so a cached block ends on the minute without a reload.
const holder = globalThis as unknown as { __mamoriIpBlocks?: Map<string, { version: number; blocks: LiveBlock[] }> };
const cache = (holder.__mamoriIpBlocks ??= new Map());

async function liveBlocks(owners: { id: string; version: number }[]): Promise<Map<string, LiveBlock[]>> {
  const stale = owners.filter((o) => o.version > 0 && cache.get(o.id)?.version !== o.version);
  if (stale.length > 0) {
    // Read outside any caller's transaction (the platform's rows are beyond a tenant's walls).
    const rows = await withPlatformTx(
      (tx) =>
        tx
          .select({ tenantId: ipBlocks.tenantId, id: ipBlocks.id, cidr: ipBlocks.cidr, expiresAt: ipBlocks.expiresAt })
          .from(ipBlocks)
          .where(
            and(
              inArray(
                ipBlocks.tenantId,
                stale.map((o) => o.id),
              ),
              isNull(ipBlocks.liftedAt),
              gt(ipBlocks.expiresAt, now()),
            ),
          ),
      { readOnly: true },
    );
    if (cache.size > 10_000) cache.clear();
    for (const o of stale) {
      const blocks = rows.flatMap((r) => {
        const parsed = r.tenantId === o.id ? parseCidr(r.cidr) : null;
        return parsed?.ok ? [{ id: r.id, cidr: parsed.cidr, text: r.cidr, expiresAt: r.expiresAt.getTime() }] : [];
      });
      cache.set(o.id, { version: o.version, blocks });
    }
  }
  return new Map(owners.map((o) => [o.id, o.version > 0 ? (cache.get(o.id)?.blocks ?? []) : []]));
}

/**
 * The live block, platform-wide first, that covers `ip` for an operator or token of `tenantId`,
 * or null. Call it outside a transaction: a changed version reads the blocks in one of its own.
 */
export async function findIpBlock(ip: string, tenantId: string, versions: BlockVersions): Promise<IpBlockHit | null> {
  if (!anyBlocks(versions)) return null;
  const address = parseIp(ip);
  if (!address) return null;
  const owners = [{ id: PLATFORM_TENANT_ID, version: versions.platform }];
  if (tenantId !== PLATFORM_TENANT_ID) owners.push({ id: tenantId, version: versions.tenant });
  const live = await liveBlocks(owners);
  const at = now().getTime();
  for (const owner of owners) {
    const hit = live.get(owner.id)!.find((b) => b.expiresAt > at && cidrContains(b.cidr, address));
    if (hit) return { id: hit.id, scope: owner.id === PLATFORM_TENANT_ID ? 'platform' : 'tenant', cidr: hit.text };
  }
  return null;
}
