import 'server-only';
import { and, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { PLATFORM_TENANT_ID, auditEvents } from '@/db/schema';
import type { OperatorContext } from '@/lib/auth/load-session';
import { z } from '@/lib/http/zod-messages';
import { parseCidr } from '@/lib/net/ip';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema.optional()).catch(undefined);

export const auditSearchQuery = z.object({
  from: optional(z.coerce.date()),
  to: optional(z.coerce.date()),
  actor: optional(z.string().trim().max(256)),
  action: z.preprocess((v) => (typeof v === 'string' ? v.split(',') : v), z.array(z.string().regex(/^[a-z_.]{1,64}$/)).max(20).optional()).catch(undefined),
  outcome: optional(z.enum(['success', 'failure', 'denied'])),
  ip: optional(z.string().trim().max(64).refine((v) => parseCidr(v).ok)),
  target: optional(z.string().trim().max(256)),
  session: optional(z.uuid()),
  tenant: optional(z.uuid()),
  before: optional(z.string().regex(/^\d+:\d+$/)),
});
export type AuditSearchQuery = z.infer<typeof auditSearchQuery>;

export const AUDIT_PAGE = 50;

/**
 * Audit search, newest first, 50 a page, keyset-paged on (occurred_at, seq) within a tenant's
 * chain, every filter served by an index that starts with tenant_id. Platform staff search the
 * platform's own chain, or any tenant's with the tenant filter.
 */
export async function searchAuditEvents(ctx: OperatorContext, tenantId: string, query: AuditSearchQuery, pageSize = AUDIT_PAGE) {
  const chain = tenantId === PLATFORM_TENANT_ID && query.tenant ? query.tenant : tenantId;
  const where: SQL[] = [eq(auditEvents.tenantId, chain)];
  if (query.from) where.push(sql`${auditEvents.occurredAt} >= ${query.from.toISOString()}`);
  if (query.to) where.push(sql`${auditEvents.occurredAt} < ${query.to.toISOString()}`);
  if (query.actor) where.push(/^[0-9a-f-]{36}$/.test(query.actor) ? eq(auditEvents.actorOperatorId, query.actor) : eq(auditEvents.actorLoginId, query.actor));
  if (query.action?.length) where.push(inArray(auditEvents.action, query.action));
  if (query.outcome) where.push(eq(auditEvents.outcome, query.outcome));
  if (query.ip) {
    const parsed = parseCidr(query.ip);
    if (parsed.ok) where.push(sql`(case when ${auditEvents.ip} ~ '^[0-9a-fA-F.:]+$' then ${auditEvents.ip}::inet end) <<= ${parsed.normalized}::inet`);
  }
  if (query.target) where.push(eq(auditEvents.targetId, query.target));
  if (query.session) where.push(eq(auditEvents.sessionId, query.session));
  if (query.before) {
    const [ms, seq] = query.before.split(':').map(Number);
    const at = new Date(ms).toISOString();
    where.push(or(lt(auditEvents.occurredAt, sql`${at}::timestamptz`), and(eq(auditEvents.occurredAt, sql`${at}::timestamptz`), lt(auditEvents.seq, seq)))!);
  }
  const rows = await withOwnerTx(chain, (tx) =>
    tx
      .select({
        tenantId: auditEvents.tenantId,
        seq: auditEvents.seq,
        id: auditEvents.id,
        occurredAt: auditEvents.occurredAt,
        actorOperatorId: auditEvents.actorOperatorId,
        actorLoginId: auditEvents.actorLoginId,
        action: auditEvents.action,
        targetType: auditEvents.targetType,
        targetId: auditEvents.targetId,
        outcome: auditEvents.outcome,
        ip: auditEvents.ip,
        userAgent: auditEvents.userAgent,
        sessionId: auditEvents.sessionId,
        details: auditEvents.details,
        hash: sql<string>`encode(${auditEvents.hash}, 'hex')`,
      })
      .from(auditEvents)
      .where(and(...where))
      .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.seq))
      .limit(pageSize + 1),
  );
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return { chain, rows: page, next: rows.length > pageSize && last ? `${last.occurredAt.getTime()}:${last.seq}` : null, viewer: ctx.operatorId };
}
