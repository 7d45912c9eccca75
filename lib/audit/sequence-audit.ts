import 'server-only';
import { sql } from 'drizzle-orm';
import { selectRows } from '@/db';

interface Lane {
  running: Promise<void> | null;
  next: { ids: string[]; done: Promise<void> } | null;
}

// Per tenant: the sequencer call in flight and the one queued behind it.
const lanes = new Map<string, Lane>();

/**
 * Chains a tenant's events waiting in audit_inbox (at least those with these ids) and resolves
 * once they are in the chain. Calls for one tenant coalesce: while one runs, every later caller
 * shares the single run that starts after it, as group commit does, so one transaction and one
 * WAL flush chain a whole burst. (A run already in flight may have read the inbox before the
 * caller's event committed; the next one cannot have.)
 */
export function sequenceAudit(tenantId: string, ids: string[]): Promise<void> {
  let lane = lanes.get(tenantId);
  if (!lane) lanes.set(tenantId, (lane = { running: null, next: null }));
  if (lane.next) {
    lane.next.ids.push(...ids);
    return lane.next.done;
  }
  if (!lane.running) return start(tenantId, lane, ids);
  const queued = lane;
  const next = { ids: [...ids], done: Promise.resolve() };
  next.done = queued
    .running!.catch(() => undefined)
    .then(() => {
      queued.next = null;
      return start(tenantId, queued, next.ids);
    });
  lane.next = next;
  return next.done;
}

function start(tenantId: string, lane: Lane, ids: string[]): Promise<void> {
  // A statement of its own: the chain's lock is held for the sequencing and its commit only.
  // The ids are UUIDs this process generated, spelled as an array literal.
  const run = selectRows(
    sql`select mamori_sequence_audit(${tenantId}::uuid, ${ids.length > 0 ? `{${ids.join(',')}}` : null}::uuid[])`,
  ).then(() => undefined);
  const tracked = run.finally(() => {
    lane.running = null;
    if (!lane.next) lanes.delete(tenantId);
  });
  lane.running = tracked;
  return tracked;
}

/**
 * Chains whatever waits in the inbox for any tenant: events whose writer stopped between its
 * commit and its sequencer call. Run at start and every few seconds from the server entry.
 */
export async function sequenceWaitingAudit(): Promise<number> {
  const tenants = await selectRows<{ tenant_id: string }>(
    sql`select t as tenant_id from mamori_audit_waiting_tenants() t`,
  );
  for (const t of tenants) await sequenceAudit(t.tenant_id, []);
  return tenants.length;
}
