/**
 * The soak's verdict on the audit trail: every action a client saw acknowledged has its event,
 * and every chain verifies from genesis under its signed checkpoints, as the offline verifier
 * checks a bundle.
 */
import { sql } from 'drizzle-orm';
import { selectRows } from '@/db';
import { countWaitingChains } from '@/lib/audit/count-waiting-chains';
import { verifyStoredChain } from '@/lib/audit/verify-stored-chain';

type Tally = Map<string, { acknowledged: number; unknown: number }>;

export interface Acknowledged {
  logins: Tally; // by operator id: login.succeeded
  exports: Tally; // by operator id: audit.exported
  allowlist: { tenantId: string; operatorId: string; cidr: string; answer: 'ack' | 'unknown' }[];
}

/** Acknowledged against recorded, per operator: an event may exist for an unanswered action, never be missing for an answered one. */
function compare(tally: Tally, recorded: Map<string, number>) {
  let acknowledged = 0;
  let matched = 0;
  const missing: { operatorId: string; acknowledged: number; recorded: number }[] = [];
  for (const [operatorId, t] of tally) {
    acknowledged += t.acknowledged;
    const n = recorded.get(operatorId) ?? 0;
    matched += Math.min(n, t.acknowledged);
    if (n < t.acknowledged) missing.push({ operatorId, acknowledged: t.acknowledged, recorded: n });
  }
  return { acknowledged, recorded: matched, missing };
}

async function countsByOperator(action: string, since: Date): Promise<Map<string, number>> {
  const rows = await selectRows<{ operatorId: string; n: number }>(
    sql`select actor_operator_id as "operatorId", count(*)::int as n from audit_events
        where action = ${action} and occurred_at >= ${since.toISOString()}::timestamptz group by 1`,
  );
  return new Map(rows.map((r) => [r.operatorId, r.n]));
}

export async function checkAudit(acks: Acknowledged, startedMs: number) {
  // Events committed while their chain was busy are chained by the instances' sequencing job.
  const deadline = Date.now() + 60_000;
  while ((await countWaitingChains()) > 0) {
    if (Date.now() > deadline) throw new Error('soak: audit events still waiting to be chained after 60 s');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const since = new Date(startedMs - 60_000);
  const logins = compare(acks.logins, await countsByOperator('login.succeeded', since));
  const exports = compare(acks.exports, await countsByOperator('audit.exported', since));

  const edits = await selectRows<{ details: string }>(
    sql`select details::text as details from audit_events
        where action = 'ip_allowlist.updated' and occurred_at >= ${since.toISOString()}::timestamptz`,
  );
  const added = new Set(edits.flatMap((e) => e.details.match(/10\.\d+\.\d+\.\d+\/32/g) ?? []));
  const acknowledgedEdits = acks.allowlist.filter((e) => e.answer === 'ack');
  const allowlist = {
    acknowledged: acknowledgedEdits.length,
    recorded: acknowledgedEdits.filter((e) => added.has(e.cidr)).length,
    missing: acknowledgedEdits.filter((e) => !added.has(e.cidr)),
  };
  const unknown = new Set([
    ...[...acks.logins, ...acks.exports].filter(([, t]) => t.unknown > 0).map(([id]) => id),
    ...acks.allowlist.filter((e) => e.answer === 'unknown').map((e) => e.operatorId),
  ]);

  const chainIds = await selectRows<{ tenantId: string }>(
    sql`select distinct tenant_id as "tenantId" from audit_events`,
  );
  const failures: { chain: string; message: string; seq: number | null }[] = [];
  let events = 0;
  let checkpoints = 0;
  for (const { tenantId } of chainIds) {
    const verdict = await verifyStoredChain(tenantId);
    if (verdict.ok) {
      events += verdict.events;
      checkpoints += verdict.checkpoints;
    } else failures.push({ chain: tenantId, message: verdict.message, seq: verdict.seq });
  }
  return {
    logins,
    exports,
    allowlist,
    operatorsWithUnknown: unknown.size,
    chains: { total: chainIds.length, verified: chainIds.length - failures.length, events, checkpoints, failures },
  };
}
