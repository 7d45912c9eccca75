import 'server-only';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterCommit, atTransactionEnd, rowsOf, type Tx } from '@/db';
import { now } from '@/lib/clock';
import { eventDigest, safeDetails, safeText, type AuditRecord } from './canonical';
import { sequenceAudit } from './sequence-audit';

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

// Per tenant: transactions of this process that appended to its chain and have not ended yet.
const appending = new Map<string, number>();

function leaveChain(tenantId: string) {
  const left = (appending.get(tenantId) ?? 1) - 1;
  if (left > 0) appending.set(tenantId, left);
  else appending.delete(tenantId);
}

/**
 * Appends an event to its tenant's hash chain inside the caller's transaction, so the event exists
 * exactly when the change it describes does. When the chain's lock is free, or this transaction is
 * right behind one other of this process, the database function chains the event here under
 * that lock (held to commit: no fork and no gap). Otherwise the event waits in audit_inbox,
 * committed with the change, and is chained right after commit, before the scoped transaction
 * returns (seq is then null). `waitForChain` always queues, so the event is chained in this
 * transaction: for callers that count events right after appending, so that concurrent ones see
 * each other.
 */
export async function recordAudit(tx: Tx, input: AuditEventInput, options: { waitForChain?: boolean } = {}): Promise<{ seq: number | null }> {
  const { record: r, digestHex } = auditRecordOf(input);
  const ahead = appending.get(r.tenantId) ?? 0;
  if (atTransactionEnd(tx, () => leaveChain(r.tenantId))) appending.set(r.tenantId, ahead + 1);
  // Behind exactly one transaction of this process, queueing for the chain costs less than the
  // inbox's extra transaction after commit. Behind more, the chain is busy and the inbox batches;
  // with none, the chain is most likely free (or held by another process: the inbox again).
  const wait = options.waitForChain === true || ahead === 1;
  const result = await tx.execute(sql`select mamori_append_audit(${r.tenantId}, ${r.id}, ${r.occurredAt.toISOString()}::timestamptz,
    ${r.actorOperatorId}, ${r.actorLoginId}, ${r.action}, ${r.targetType}, ${r.targetId}, ${r.outcome}, ${r.ip},
    ${r.userAgent}, ${r.sessionId}, ${JSON.stringify(r.details)}::jsonb, decode(${digestHex}, 'hex'), ${wait}) as seq`);
  const seq = rowsOf<{ seq: string | number | null }>(result)[0].seq;
  if (seq === null) chainAfterCommit(tx, r.tenantId, r.id);
  return { seq: seq === null ? null : Number(seq) };
}

/**
 * Has a waiting event chained once `tx` commits. Outside a scoped transaction (the retention job
 * runs as the owner) nothing is registered: that caller sequences itself, and the server's sweep
 * would catch it anyway. A failure is logged, not thrown: the change and its event are committed,
 * and the sweep retries.
 */
function chainAfterCommit(tx: Tx, tenantId: string, eventId: string) {
  afterCommit(tx, () => sequenceAudit(tenantId, [eventId]).catch((error: Error) => console.error('[mamori] audit sequencing failed; the sweep retries:', error.message)));
}
