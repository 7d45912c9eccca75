import 'server-only';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '@/db';
import { now } from '@/lib/clock';
import { eventDigest, safeDetails, safeText, type AuditRecord } from './canonical';

export interface AuditEventInput {
  tenantId: string;
  action: string;
  outcome: AuditRecord['outcome'];
  actor?: { operatorId: string | null; loginId: string | null } | null;
  target?: { type: string; id: string } | null;
  ip?: string | null;
  userAgent?: string | null;
  sessionId?: string | null;
  details?: Record<string, unknown>;
}

/** Who, from where and in which session: the part of an event that comes from the caller. */
export function byOperator(ctx: {
  operatorId: string;
  loginId: string;
  ip: string;
  userAgent: string | null;
  sessionId: string;
}): Pick<AuditEventInput, 'actor' | 'ip' | 'userAgent' | 'sessionId'> {
  return { actor: { operatorId: ctx.operatorId, loginId: ctx.loginId }, ip: ctx.ip, userAgent: ctx.userAgent, sessionId: ctx.sessionId };
}

/** The event as stored and its canonical digest, which the chain append hashes into the head. */
export function auditRecordOf(input: AuditEventInput, occurredAt: Date = now()): { record: AuditRecord; digestHex: string } {
  const record: AuditRecord = {
    tenantId: input.tenantId,
    id: randomUUID(),
    occurredAt,
    actorOperatorId: input.actor?.operatorId ?? null,
    actorLoginId: input.actor?.loginId ? safeText(input.actor.loginId) : null,
    action: input.action,
    targetType: input.target?.type ?? null,
    targetId: input.target ? safeText(input.target.id) : null,
    outcome: input.outcome,
    ip: input.ip ?? null,
    userAgent: input.userAgent ? safeText(input.userAgent, 512) : null,
    sessionId: input.sessionId ?? null,
    details: safeDetails(input.details ?? {}) as Record<string, unknown>,
  };
  return { record, digestHex: eventDigest(record).toString('hex') };
}

/**
 * Appends an event to its tenant's hash chain inside the caller's transaction, so the event exists
 * exactly when the change it describes does. The database function bumps the chain head under its
 * row lock and inserts the event, so concurrent writers queue on the chain: no fork and no gap.
 */
export async function recordAudit(tx: Tx, input: AuditEventInput): Promise<{ seq: number }> {
  const { record: r, digestHex } = auditRecordOf(input);
  const result = await tx.execute(sql`select mamori_append_audit(${r.tenantId}, ${r.id}, ${r.occurredAt.toISOString()}::timestamptz,
    ${r.actorOperatorId}, ${r.actorLoginId}, ${r.action}, ${r.targetType}, ${r.targetId}, ${r.outcome}, ${r.ip},
    ${r.userAgent}, ${r.sessionId}, ${JSON.stringify(r.details)}::jsonb, decode(${digestHex}, 'hex')) as seq`);
  return { seq: Number(rowsOf<{ seq: string | number }>(result)[0].seq) };
}
