import 'server-only';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Tx } from '@/db';
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

/**
 * Appends an event to its tenant's hash chain inside the caller's transaction, so the event exists
 * exactly when the change it describes does. One statement bumps the chain head under its row
 * lock and inserts the event, so concurrent writers queue on the chain: no fork and no gap.
 */
export async function recordAudit(tx: Tx, input: AuditEventInput): Promise<{ seq: number }> {
  const record: AuditRecord = {
    tenantId: input.tenantId,
    id: randomUUID(),
    occurredAt: now(),
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
  const digest = eventDigest(record).toString('hex');
  const result = await tx.execute(sql`
    with head as (
      update audit_chains
         set last_seq = last_seq + 1,
             head_hash = sha256(head_hash || int8send(last_seq + 1) || decode(${digest}, 'hex'))
       where tenant_id = ${record.tenantId}
      returning last_seq, head_hash
    )
    insert into audit_events (tenant_id, seq, id, occurred_at, actor_operator_id, actor_login_id,
      action, target_type, target_id, outcome, ip, user_agent, session_id, details, hash)
    select ${record.tenantId}, head.last_seq, ${record.id}, ${record.occurredAt.toISOString()},
      ${record.actorOperatorId}, ${record.actorLoginId}, ${record.action}, ${record.targetType},
      ${record.targetId}, ${record.outcome}, ${record.ip}, ${record.userAgent}, ${record.sessionId},
      ${JSON.stringify(record.details)}::jsonb, head.head_hash
    from head
    returning seq`);
  const row = (result as unknown as { rows: unknown[] }).rows[0] as { seq: string | number } | undefined;
  if (!row) throw new Error(`no audit chain for tenant ${record.tenantId}`);
  return { seq: Number(row.seq) };
}
