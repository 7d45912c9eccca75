import 'server-only';
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Tx } from '@/db';
import { ipAllowlistEntries, ipAllowlists, ipBreakGlass } from '@/db/schema';
import { now } from '@/lib/clock';
import { rangesOf, type Layer, type LayerRules, type RangeSet } from './allowlist';

export interface ListRef {
  id: string;
  version: number;
  mode: 'enforce' | 'monitor';
  entryCount: number;
}

/** A list reference from the columns of a definer function's row (bigint versions may come as strings). */
export function listRefOf(
  id: string | null,
  version: number | string | null,
  mode: 'enforce' | 'monitor' | null,
  entries: number | null,
): ListRef | null {
  return id ? { id, version: Number(version), mode: mode ?? 'enforce', entryCount: entries ?? 0 } : null;
}

/** Whether any of an operator's own layers has entries, i.e. whether a decision is needed at all. */
export const hasEntries = (lists: { tenant: ListRef | null; operator: ListRef | null }) =>
  (lists.tenant?.entryCount ?? 0) > 0 || (lists.operator?.entryCount ?? 0) > 0;

// Parsed ranges per list, keyed by id and checked against the version read from the database on
// every request: a change anywhere is seen by every instance on its next request.
const holder = globalThis as unknown as { __mamoriRanges?: Map<string, { version: number; ranges: RangeSet }> };
const cache = (holder.__mamoriRanges ??= new Map());

async function rangesFor(tx: Tx, tenantId: string, list: ListRef): Promise<RangeSet> {
  const hit = cache.get(list.id);
  if (hit && hit.version === list.version) return hit.ranges;
  const rows = await tx
    .select({ cidr: ipAllowlistEntries.cidr })
    .from(ipAllowlistEntries)
    .where(and(eq(ipAllowlistEntries.tenantId, tenantId), eq(ipAllowlistEntries.listId, list.id)));
  const ranges = rangesOf(rows.map((r) => r.cidr));
  if (cache.size > 10_000) cache.clear();
  cache.set(list.id, { version: list.version, ranges });
  return ranges;
}

/** The layers that apply to an operator, from the list references of one query. */
export async function layerRules(
  tx: Tx,
  tenantId: string,
  lists: { tenant: ListRef | null; operator: ListRef | null },
): Promise<LayerRules[]> {
  const out: LayerRules[] = [];
  for (const [layer, list] of [
    ['tenant', lists.tenant],
    ['operator', lists.operator],
  ] as [Layer, ListRef | null][]) {
    if (!list || list.entryCount === 0) continue;
    out.push({ layer, mode: list.mode, ranges: await rangesFor(tx, tenantId, list), empty: false });
  }
  return out;
}

/** Active break-glass exceptions of one operator (rare, so read directly). */
export async function breakGlassRanges(tx: Tx, tenantId: string, operatorId: string): Promise<RangeSet | null> {
  const rows = await tx
    .select({ cidr: ipBreakGlass.cidr })
    .from(ipBreakGlass)
    .where(
      and(
        eq(ipBreakGlass.tenantId, tenantId),
        eq(ipBreakGlass.operatorId, operatorId),
        gt(ipBreakGlass.expiresAt, now()),
      ),
    );
  return rows.length ? rangesOf(rows.map((r) => r.cidr)) : null;
}

/** The tenant's list and the operator's own list, as references (no entries), in one query. */
export async function listRefs(tx: Tx, tenantId: string, operatorId: string) {
  const rows = await tx
    .select({
      id: ipAllowlists.id,
      operatorId: ipAllowlists.operatorId,
      version: ipAllowlists.version,
      mode: ipAllowlists.mode,
      entryCount: ipAllowlists.entryCount,
    })
    .from(ipAllowlists)
    .where(
      and(
        eq(ipAllowlists.tenantId, tenantId),
        or(isNull(ipAllowlists.operatorId), eq(ipAllowlists.operatorId, operatorId)),
      ),
    );
  const ref = (r: (typeof rows)[number] | undefined): ListRef | null =>
    r ? { id: r.id, version: r.version, mode: r.mode, entryCount: r.entryCount } : null;
  return {
    tenant: ref(rows.find((r) => r.operatorId === null)),
    operator: ref(rows.find((r) => r.operatorId !== null)),
  };
}
