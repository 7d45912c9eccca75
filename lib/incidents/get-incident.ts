import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { selectOwnerRows, withOwnerTx } from '@/db';
import { PLATFORM_TENANT_ID, compromiseDeclarations, incidentPivots, incidents } from '@/db/schema';
import { parseAuditFilter, type AuditFilter } from '@/lib/audit/audit-filter';
import { AppError } from '@/lib/http/app-error';
import type { TenantAccess } from '@/lib/kernel/access';

// An incident's own actions are a handful; this bounds a page that someone made very busy.
const TIMELINE_LIMIT = 500;

type TimelineRow = [
  string,
  string,
  number | string,
  Date | string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  Record<string, unknown>,
];

/**
 * One incident of the granted tenant: its pivots (each as the audit filter it names), and its
 * timeline: every audit event taken for it (opened, pivots added, containment, compromise mode,
 * closed), in the owner's chain, or for the platform's incidents in every company's chain, in
 * time order. Also the compromise declarations made for it, with whether they are still in force.
 */
export async function getIncident(ctx: TenantAccess<'audit.read'>, incidentId: string) {
  const owner = ctx.granted.tenantId;
  const { incident, pivots } = await withOwnerTx(
    owner,
    async (tx) => {
      const [incident] = await tx
        .select({
          id: incidents.id,
          title: incidents.title,
          openedAt: incidents.openedAt,
          openedByLoginId: incidents.openedByLoginId,
          closedAt: incidents.closedAt,
          closedByLoginId: incidents.closedByLoginId,
          closingNote: incidents.closingNote,
        })
        .from(incidents)
        .where(and(eq(incidents.tenantId, owner), eq(incidents.id, incidentId)));
      const pivots = incident
        ? await tx
            .select({
              filter: incidentPivots.filter,
              addedAt: incidentPivots.addedAt,
              addedByLoginId: incidentPivots.addedByLoginId,
            })
            .from(incidentPivots)
            .where(and(eq(incidentPivots.tenantId, owner), eq(incidentPivots.incidentId, incidentId)))
            .orderBy(asc(incidentPivots.addedAt))
        : [];
      return { incident, pivots };
    },
    { readOnly: true },
  );
  if (!incident) throw new AppError('not_found');
  const rows = await selectOwnerRows<TimelineRow>(
    owner,
    sql`select e.tenant_id, t.name as tenant_name, e.seq, e.occurred_at, e.action, e.outcome, e.actor_login_id,
               e.target_type, e.target_id, e.details
          from audit_events e join tenants t on t.id = e.tenant_id
         where (e.details->>'incidentId') = ${incidentId}
           ${owner === PLATFORM_TENANT_ID ? sql`` : sql`and e.tenant_id = ${owner}`}
         order by e.occurred_at, e.tenant_id, e.seq
         limit ${TIMELINE_LIMIT}`,
    { plan: 'custom' },
  );
  const timeline = rows.map((r) => ({
    tenantId: r[0],
    tenantName: r[1],
    seq: Number(r[2]),
    occurredAt: new Date(r[3]),
    action: r[4],
    outcome: r[5],
    actorLoginId: r[6],
    targetType: r[7],
    targetId: r[8],
    details: (typeof r[9] === 'string' ? JSON.parse(r[9]) : r[9]) as Record<string, unknown>,
  }));
  const declared = timeline
    .filter((e) => e.action === 'compromise.declared' && e.tenantId === owner && e.targetId)
    .map((e) => e.targetId!);
  const compromises = declared.length
    ? await withOwnerTx(
        owner,
        (tx) =>
          tx
            .select({ id: compromiseDeclarations.id, endedAt: compromiseDeclarations.endedAt })
            .from(compromiseDeclarations)
            .where(and(eq(compromiseDeclarations.tenantId, owner), inArray(compromiseDeclarations.id, declared))),
        { readOnly: true },
      )
    : [];
  return {
    incident,
    pivots: pivots.map((p) => ({ ...p, query: pivotFilter(p.filter) })),
    timeline,
    capped: timeline.length === TIMELINE_LIMIT,
    compromises,
  };
}

/** A stored pivot as an audit filter (stored only after it parsed, so it parses). */
export function pivotFilter(stored: string): AuditFilter {
  const parsed = parseAuditFilter(new URLSearchParams(stored), 'api');
  if (!parsed.ok) throw new AppError('bad_request', { filter: ['invalid_pivot'] });
  return parsed.filter;
}
