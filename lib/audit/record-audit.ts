import 'server-only';
import { sql } from 'drizzle-orm';
import { afterCommit, atTransactionEnd, rowsOf, type Tx } from '@/db';
import { safeDetails, safeText, type AuditRecord } from './canonical';
import { sequenceAudit } from './sequence-audit';
import { metrics } from '@/lib/observability/metrics';
import { logger } from '@/lib/observability/logger';

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
  /** The open incident the action was taken for: kept in the details, where its timeline finds it. */
  incidentId?: string;
  /** The API token that acted (its name is the actor's login ID): kept in the details. */
  apiTokenId?: string;
}

/** Who, from where and in which session: the part of an event that comes from the caller. */
export function byOperator(ctx: {
  operatorId: string;
  loginId: string;
  ip: string;
  userAgent: string | null;
  sessionId: string;
  incident?: { id: string };
}): Pick<AuditEventInput, 'actor' | 'ip' | 'userAgent' | 'sessionId' | 'incidentId'> {
  return {
    actor: { operatorId: ctx.operatorId, loginId: ctx.loginId },
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    sessionId: ctx.sessionId,
    ...(ctx.incident ? { incidentId: ctx.incident.id } : {}),
  };
}

/**
 * The caller's part of an event for functions a person or an API token may call: a token is named
 * as `api-token:<name>`, with no operator and no session, and its id goes into the details.
 */
export function byActor(
  ctx:
    | Parameters<typeof byOperator>[0]
    | {
        operatorId: null;
        loginId: string;
        ip: string;
        userAgent: string | null;
        sessionId: null;
        token: { id: string };
      },
): Pick<AuditEventInput, 'actor' | 'ip' | 'userAgent' | 'sessionId' | 'incidentId' | 'apiTokenId'> {
  if ('token' in ctx)
    return {
      actor: { operatorId: null, loginId: ctx.loginId },
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      sessionId: null,
      apiTokenId: ctx.token.id,
    };
  return byOperator(ctx);
}

/**
 * The fields of an event as the door takes them: texts made safe to store and show, details
 * with only safe integers as numbers (see safeDetails). Its id, time, digest, sequence number and
 * hash are the database's to make.
 */
export function auditFieldsOf(input: AuditEventInput) {
  return {
    tenantId: input.tenantId,
    actorOperatorId: input.actor?.operatorId ?? null,
    actorLoginId: input.actor?.loginId ? safeText(input.actor.loginId) : null,
    action: input.action,
    targetType: input.target?.type ?? null,
    targetId: input.target ? safeText(input.target.id) : null,
    outcome: input.outcome,
    ip: input.ip ?? null,
    userAgent: input.userAgent ? safeText(input.userAgent, 512) : null,
    sessionId: input.sessionId ?? null,
    details: JSON.stringify(
      safeDetails({
        ...input.details,
        ...(input.incidentId ? { incidentId: input.incidentId } : {}),
        ...(input.apiTokenId ? { apiTokenId: input.apiTokenId } : {}),
      }),
    ),
  };
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
 * exactly when the change it describes does, through the database's door (mamori_append_audit),
 * which alone writes audit rows and makes the event's id, time, digest and hash itself. When no
 * other transaction of this process is appending to the chain and its lock is free, the database
 * function chains the event here under that lock (held to commit: no fork and no gap). Otherwise
 * the event waits in audit_inbox, committed with the change, and is chained right after commit by
 * the sequencer, which chains a burst in one transaction, before the scoped transaction returns
 * (seq is then null). `waitForChain` always queues for the lock, so the event is chained in this
 * transaction: for callers that count events right after appending, so that concurrent ones see
 * each other.
 */
export async function recordAudit(
  tx: Tx,
  input: AuditEventInput,
  options: { waitForChain?: boolean } = {},
): Promise<{ id: string; seq: number | null }> {
  const r = auditFieldsOf(input);
  const ahead = appending.get(r.tenantId) ?? 0;
  if (atTransactionEnd(tx, () => leaveChain(r.tenantId))) appending.set(r.tenantId, ahead + 1);
  // Behind exactly one transaction of this process, queueing for the chain costs less than the
  // inbox's extra transaction after commit. Behind more, the chain is busy and the inbox batches;
  // with none, the chain is most likely free (or held by another process: the inbox again).
  // true: wait for the chain's lock; false: try it; null: straight to the inbox (the chain is busy).
  const wait = options.waitForChain === true ? true : ahead >= 1 ? null : false;
  const result =
    await tx.execute(sql`select event_id, event_seq from mamori_append_audit(${r.tenantId}, ${r.actorOperatorId}, ${r.actorLoginId},
    ${r.action}, ${r.targetType}, ${r.targetId}, ${r.outcome}, ${r.ip}, ${r.userAgent}, ${r.sessionId}, ${r.details}::jsonb, ${wait})`);
  const [row] = rowsOf<{ event_id: string; event_seq: string | number | null }>(result);
  if (row.event_seq === null) chainAfterCommit(tx, r.tenantId, row.event_id);
  afterCommit(tx, async () => countAppend(r.action));
  return { id: row.event_id, seq: row.event_seq === null ? null : Number(row.event_seq) };
}

/** The audit and login counters, once the event is committed. */
function countAppend(action: string) {
  const m = metrics();
  m.auditAppends.inc();
  if (action.startsWith('login.')) m.logins.inc({ outcome: action.slice('login.'.length) });
}

/**
 * Has a waiting event chained once `tx` commits. Outside a scoped transaction (the retention job
 * runs as the owner) nothing is registered: that caller sequences itself, and the server's sweep
 * would catch it anyway. A failure is logged, not thrown: the change and its event are committed,
 * and the sweep retries.
 */
function chainAfterCommit(tx: Tx, tenantId: string, eventId: string) {
  afterCommit(tx, () =>
    sequenceAudit(tenantId, [eventId]).catch((error: Error) =>
      logger().error({ err: error.message }, 'audit sequencing failed; the sweep retries'),
    ),
  );
}
