import 'server-only';
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { withTenantTx, type Tx } from '@/db';
import { auditEvents, ipAllowlistEntries, ipAllowlists, ipBreakGlass, operators } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, PlatformAccess, SteppedUp } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { lockOperator } from '@/lib/tenancy/operator-guards';
import { reasonSchema } from '@/lib/http/input-schemas';
import { MAX_ENTRIES, decideIp, parseEntries, rangesOf, type IpDecision, type LayerRules } from './allowlist';
import { parseCidr } from '@/lib/ip/ip';
import { breakGlassRanges, layerRules, listRefs } from './ip-allowlist-rules';

/** Which list: the tenant's (for the platform tenant: platform staff's) or one operator's. */
export interface ListOwner {
  tenantId: string;
  operatorId: string | null;
}

const ownerWhere = (o: ListOwner) =>
  and(
    eq(ipAllowlists.tenantId, o.tenantId),
    o.operatorId ? eq(ipAllowlists.operatorId, o.operatorId) : isNull(ipAllowlists.operatorId),
  );

export async function getIpAllowlist(ctx: TenantAccess<'security.write'>, operatorId: string | null) {
  const owner: ListOwner = { tenantId: ctx.granted.tenantId, operatorId };
  return withTenantTx(owner.tenantId, async (tx) => {
    if (owner.operatorId) await lockOperator(tx, owner.tenantId, owner.operatorId);
    const [list] = await tx
      .select({
        id: ipAllowlists.id,
        mode: ipAllowlists.mode,
        version: ipAllowlists.version,
        updatedAt: ipAllowlists.updatedAt,
      })
      .from(ipAllowlists)
      .where(ownerWhere(owner));
    const entries = list
      ? await tx
          .select({
            cidr: ipAllowlistEntries.cidr,
            label: ipAllowlistEntries.label,
            createdByLoginId: ipAllowlistEntries.createdByLoginId,
            createdAt: ipAllowlistEntries.createdAt,
          })
          .from(ipAllowlistEntries)
          .where(and(eq(ipAllowlistEntries.tenantId, owner.tenantId), eq(ipAllowlistEntries.listId, list.id)))
          .orderBy(ipAllowlistEntries.createdAt, ipAllowlistEntries.cidr)
      : [];
    // Requests that monitor mode let through but would have refused, last 7 days.
    const [monitored] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.tenantId, owner.tenantId),
          eq(auditEvents.action, 'access.denied_ip'),
          gt(auditEvents.occurredAt, new Date(now().getTime() - 7 * 86_400_000)),
          sql`${auditEvents.details}->>'monitor' = 'true'`,
          owner.operatorId ? eq(auditEvents.actorOperatorId, owner.operatorId) : sql`true`,
        ),
      );
    return { mode: list?.mode ?? 'enforce', version: list?.version ?? 0, entries, monitoredLast7Days: monitored.n };
  });
}

/** The decision for one operator at one address, with one list replaced by a draft (or not). */
async function decisionFor(
  tx: Tx,
  subject: { tenantId: string; operatorId: string },
  ip: string,
  draft?: { owner: ListOwner; cidrs: string[]; mode: 'enforce' | 'monitor' },
): Promise<IpDecision> {
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

export const saveIpAllowlistInput = z.object({
  entries: z.string().max(200_000),
  confirmHostBits: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
  confirmAnyAddress: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
});

/**
 * Replaces a list with the editor's entries. Refuses junk (by line), unconfirmed host-bit
 * normalisation or allow-everything entries, more than 1,000 entries, and any list that would
 * lock out the person saving it. Writes `ip_allowlist.updated` with what was added and removed.
 */
export async function saveIpAllowlist(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  operatorId: string | null,
  input: z.infer<typeof saveIpAllowlistInput>,
) {
  const owner: ListOwner = { tenantId: ctx.granted.tenantId, operatorId };
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

  return withTenantTx(owner.tenantId, async (tx) => {
    if (owner.operatorId) await lockOperator(tx, owner.tenantId, owner.operatorId);
    const [existing] = await tx
      .select({ id: ipAllowlists.id, mode: ipAllowlists.mode })
      .from(ipAllowlists)
      .where(ownerWhere(owner))
      .for('update');
    const mode = existing?.mode ?? 'enforce';
    // Self-lockout guard: the saver must still get in under the new list.
    if (mode === 'enforce') {
      const mine = await decisionFor(tx, ctx, ctx.ip, { owner, cidrs: parsed.entries.map((e) => e.cidr), mode });
      if (!mine.allowed) throw new AppError('conflict', { entries: [`lockout:${ctx.ip}`] });
    }
    const listId = existing?.id ?? crypto.randomUUID();
    const before = existing
      ? await tx
          .select({ cidr: ipAllowlistEntries.cidr, label: ipAllowlistEntries.label })
          .from(ipAllowlistEntries)
          .where(and(eq(ipAllowlistEntries.tenantId, owner.tenantId), eq(ipAllowlistEntries.listId, listId)))
      : [];
    if (existing) {
      await tx
        .update(ipAllowlists)
        .set({ version: sql`${ipAllowlists.version} + 1`, entryCount: parsed.entries.length, updatedAt: now() })
        .where(and(eq(ipAllowlists.tenantId, owner.tenantId), eq(ipAllowlists.id, listId)));
      await tx
        .delete(ipAllowlistEntries)
        .where(and(eq(ipAllowlistEntries.tenantId, owner.tenantId), eq(ipAllowlistEntries.listId, listId)));
    } else {
      await tx.insert(ipAllowlists).values({
        tenantId: owner.tenantId,
        id: listId,
        operatorId: owner.operatorId,
        entryCount: parsed.entries.length,
      });
    }
    const previous = new Map(before.map((b) => [b.cidr, b]));
    if (parsed.entries.length) {
      await tx.insert(ipAllowlistEntries).values(
        parsed.entries.map((e) => ({
          tenantId: owner.tenantId,
          listId,
          cidr: e.cidr,
          label: e.label,
          createdByLoginId: ctx.loginId,
        })),
      );
    }
    const now_ = new Set(parsed.entries.map((e) => e.cidr));
    const added = parsed.entries.filter((e) => !previous.has(e.cidr)).map((e) => e.cidr);
    const removed = before.filter((b) => !now_.has(b.cidr)).map((b) => b.cidr);
    await recordAudit(tx, {
      tenantId: owner.tenantId,
      action: 'ip_allowlist.updated',
      outcome: 'success',
      ...byOperator(ctx),
      target: owner.operatorId ? { type: 'operator', id: owner.operatorId } : { type: 'tenant', id: owner.tenantId },
      details: {
        layer: owner.operatorId ? 'operator' : 'tenant',
        count: parsed.entries.length,
        added: added.slice(0, 200),
        removed: removed.slice(0, 200),
        addedCount: added.length,
        removedCount: removed.length,
      },
    });
    return { count: parsed.entries.length, added: added.length, removed: removed.length };
  });
}

export const setModeInput = z.object({ mode: z.enum(['enforce', 'monitor']) });

/** Monitor mode lets a tenant switch on safely; switching to enforce is refused if it locks the saver out. */
export async function setIpAllowlistMode(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  operatorId: string | null,
  input: z.infer<typeof setModeInput>,
) {
  const owner: ListOwner = { tenantId: ctx.granted.tenantId, operatorId };
  return withTenantTx(owner.tenantId, async (tx) => {
    if (owner.operatorId) await lockOperator(tx, owner.tenantId, owner.operatorId);
    const [existing] = await tx
      .select({ id: ipAllowlists.id, mode: ipAllowlists.mode })
      .from(ipAllowlists)
      .where(ownerWhere(owner))
      .for('update');
    const before = existing?.mode ?? 'enforce';
    if (before === input.mode) return;
    if (input.mode === 'enforce' && existing) {
      const cidrs = (
        await tx
          .select({ cidr: ipAllowlistEntries.cidr })
          .from(ipAllowlistEntries)
          .where(and(eq(ipAllowlistEntries.tenantId, owner.tenantId), eq(ipAllowlistEntries.listId, existing.id)))
      ).map((r) => r.cidr);
      const mine = await decisionFor(tx, ctx, ctx.ip, { owner, cidrs, mode: 'enforce' });
      if (!mine.allowed) throw new AppError('conflict', { mode: [`lockout:${ctx.ip}`] });
    }
    if (existing) {
      await tx
        .update(ipAllowlists)
        .set({ mode: input.mode, version: sql`${ipAllowlists.version} + 1`, updatedAt: now() })
        .where(and(eq(ipAllowlists.tenantId, owner.tenantId), eq(ipAllowlists.id, existing.id)));
    } else {
      await tx
        .insert(ipAllowlists)
        .values({ tenantId: owner.tenantId, operatorId: owner.operatorId, mode: input.mode });
    }
    await recordAudit(tx, {
      tenantId: owner.tenantId,
      action: 'ip_allowlist.mode_changed',
      outcome: 'success',
      ...byOperator(ctx),
      target: owner.operatorId ? { type: 'operator', id: owner.operatorId } : { type: 'tenant', id: owner.tenantId },
      details: { layer: owner.operatorId ? 'operator' : 'tenant', before, after: input.mode },
    });
  });
}

export const checkIpInput = z.object({
  ip: z.string().trim().max(64),
  loginId: z.string().trim().max(256).optional(),
  entries: z.string().max(200_000).optional(),
});

/**
 * "Check an IP": would this address be allowed for an operator (by default the caller, when the
 * list applies to them, else any operator of the tenant without a list of their own), under the
 * saved rules and under the draft in the editor, and which layer would refuse it.
 */
export async function checkIp(
  ctx: TenantAccess<'security.write'>,
  operatorId: string | null,
  input: z.infer<typeof checkIpInput>,
) {
  const owner: ListOwner = { tenantId: ctx.granted.tenantId, operatorId };
  if (!parseCidr(input.ip).ok || input.ip.includes('/')) throw new AppError('bad_request', { ip: ['invalid_format'] });
  return withTenantTx(owner.tenantId, async (tx) => {
    let subject = {
      tenantId: owner.tenantId,
      operatorId:
        owner.operatorId ?? (ctx.tenantId === owner.tenantId ? ctx.operatorId : '00000000-0000-0000-0000-000000000000'),
    };
    if (input.loginId) {
      const [op] = await tx
        .select({ id: operators.id })
        .from(operators)
        .where(and(eq(operators.tenantId, owner.tenantId), eq(operators.loginIdKey, input.loginId.toLowerCase())));
      if (!op) throw new AppError('bad_request', { loginId: ['unknown_operator'] });
      subject = { tenantId: owner.tenantId, operatorId: op.id };
    }
    const [list] = await tx.select({ mode: ipAllowlists.mode }).from(ipAllowlists).where(ownerWhere(owner));
    const saved = await decisionFor(tx, subject, input.ip);
    const draftParsed = input.entries !== undefined ? parseEntries(input.entries) : null;
    const draft = draftParsed
      ? await decisionFor(tx, subject, input.ip, {
          owner,
          cidrs: draftParsed.entries.map((e) => e.cidr),
          mode: 'enforce',
        })
      : null;
    return { saved, draft, mode: list?.mode ?? 'enforce' };
  });
}

export const breakGlassInput = z.object({
  cidr: z.string().trim().max(64),
  hours: z.coerce.number().int().min(1).max(24),
  reason: reasonSchema,
});

/** A platform admin's time-limited exception (at most 24 h) for one operator from one network. */
export async function grantBreakGlass(
  ctx: SteppedUp<PlatformAccess<'security.write'>>,
  tenantId: string,
  operatorId: string,
  input: z.infer<typeof breakGlassInput>,
) {
  const parsed = parseCidr(input.cidr);
  if (!parsed.ok) throw new AppError('bad_request', { cidr: ['invalid_format'] });
  if (parsed.cidr.prefix === 0) throw new AppError('bad_request', { cidr: ['too_wide'] });
  return withTenantTx(tenantId, async (tx) => {
    const target = await lockOperator(tx, tenantId, operatorId);
    const expiresAt = new Date(now().getTime() + input.hours * 3_600_000);
    await tx.insert(ipBreakGlass).values({
      tenantId,
      operatorId,
      cidr: parsed.normalized,
      reason: input.reason,
      expiresAt,
      grantedByLoginId: ctx.loginId,
    });
    await recordAudit(tx, {
      tenantId,
      action: 'ip_allowlist.break_glass_granted',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'operator', id: operatorId },
      details: {
        loginId: target.loginId,
        cidr: parsed.normalized,
        expiresAt: expiresAt.toISOString(),
        reason: input.reason,
      },
    });
    return { expiresAt };
  });
}

export async function listBreakGlass(ctx: TenantAccess<'security.write' | 'operators.write'>, operatorId: string) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, (tx) =>
    tx
      .select({
        cidr: ipBreakGlass.cidr,
        reason: ipBreakGlass.reason,
        expiresAt: ipBreakGlass.expiresAt,
        grantedByLoginId: ipBreakGlass.grantedByLoginId,
      })
      .from(ipBreakGlass)
      .where(
        and(
          eq(ipBreakGlass.tenantId, tenantId),
          eq(ipBreakGlass.operatorId, operatorId),
          gt(ipBreakGlass.expiresAt, now()),
        ),
      )
      .orderBy(desc(ipBreakGlass.expiresAt)),
  );
}
