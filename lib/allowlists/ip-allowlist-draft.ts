import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '@/db';
import { ipAllowlists } from '@/db/schema';
import { etagOf } from '@/lib/http/etag';
import { lockOperator } from '@/lib/tenancy/operator-guards';
import { AppError } from '@/lib/http/app-error';
import { MAX_ENTRIES, decideIp, parseEntries, rangesOf, type IpDecision, type LayerRules } from './allowlist';
import { breakGlassRanges, layerRules, listRefs } from './ip-allowlist-rules';

/** Which list: the tenant's (for the platform tenant: platform staff's) or one operator's. */
export interface ListOwner {
  tenantId: string;
  operatorId: string | null;
}

export const ownerWhere = (o: ListOwner) =>
  and(
    eq(ipAllowlists.tenantId, o.tenantId),
    o.operatorId ? eq(ipAllowlists.operatorId, o.operatorId) : isNull(ipAllowlists.operatorId),
  );

/**
 * Locks a list for a change (and the operator it belongs to, if any): its id and mode, or
 * undefined when the owner has none yet.
 */
export async function lockList(tx: Tx, owner: ListOwner) {
  if (owner.operatorId) await lockOperator(tx, owner.tenantId, owner.operatorId);
  const [existing] = await tx
    .select({ id: ipAllowlists.id, mode: ipAllowlists.mode })
    .from(ipAllowlists)
    .where(ownerWhere(owner))
    .for('update');
  return existing;
}

/** No operator: an API token, which only the tenant's own list (and blocks) apply to. */
const NO_OPERATOR = '00000000-0000-0000-0000-000000000000';

/** A list's state as its ETag names it: the mode and the entries, in a fixed order. */
export const allowlistTag = (mode: string, entries: { cidr: string; label: string }[]) =>
  etagOf({
    mode,
    entries: entries.map((e) => [e.cidr, e.label]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  });

/**
 * The decision for one operator (or, with a null operator, an API token) at one address, with one
 * list replaced by a draft (or not).
 */
export async function decisionFor(
  tx: Tx,
  who: { tenantId: string; operatorId: string | null },
  ip: string,
  draft?: { owner: ListOwner; cidrs: string[]; mode: 'enforce' | 'monitor' },
): Promise<IpDecision> {
  const subject = { tenantId: who.tenantId, operatorId: who.operatorId ?? NO_OPERATOR };
  const refs = await listRefs(tx, subject.tenantId, subject.operatorId);
  let layers: LayerRules[] = await layerRules(tx, subject.tenantId, refs);
  if (
    draft &&
    draft.owner.tenantId === subject.tenantId &&
    (draft.owner.operatorId === null || draft.owner.operatorId === subject.operatorId)
  ) {
    const layer = draft.owner.operatorId ? 'operator' : 'tenant';
    layers = layers.filter((l) => l.layer !== layer);
    if (draft.cidrs.length) layers.push({ layer, mode: draft.mode, ranges: rangesOf(draft.cidrs), empty: false });
  }
  return decideIp(ip, layers, await breakGlassRanges(tx, subject.tenantId, subject.operatorId));
}

/**
 * A draft list's entries, parsed as a save takes them: junk (by line), more than 1,000 entries,
 * and unconfirmed host-bit normalisation or allow-everything entries are a 400 naming each.
 */
export function draftEntries(input: { entries: string; confirmHostBits: boolean; confirmAnyAddress: boolean }) {
  const parsed = parseEntries(input.entries);
  const fields: Record<string, string[]> = {};
  if (parsed.problems.length)
    fields.entries = parsed.problems.slice(0, 20).map((p) => `entry:${p.line}:${p.error}:${p.text.slice(0, 60)}`);
  else if (parsed.tooMany) fields.entries = [`too_many_entries:${MAX_ENTRIES}`];
  if (parsed.hostBits.length && !input.confirmHostBits)
    fields.confirmHostBits = parsed.hostBits.slice(0, 20).map((h) => `host_bits:${h.line}:${h.from}:${h.to}`);
  if (parsed.anyAddress.length && !input.confirmAnyAddress)
    fields.confirmAnyAddress = [`any_address:${parsed.anyAddress.join(' ')}`];
  if (Object.keys(fields).length) throw new AppError('bad_request', fields);
  return parsed;
}
