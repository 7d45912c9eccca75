import 'server-only';
import { or, sql } from 'drizzle-orm';
import { selectOwnerRows } from '@/db';
import { PLATFORM_TENANT_ID, auditEvents } from '@/db/schema';
import type { PlatformAccess, TenantAccess } from '@/lib/kernel/access';
import type { AuditFilter } from './audit-filter';
import { auditSearchFilter } from './search-audit-events';
import { SECRET_REVEALED, SETTING_ACTIONS, SETTING_GROUPS } from './tally-blast-radius';

export interface SiteRadius {
  tenantId: string;
  tenantName: string;
  siteId: string | null;
  siteName: string | null;
  operators: string[];
  ordersExported: number;
  exportFiles: { sha256: string; rows: number; customers: number; at: Date }[];
  /** Exports whose file was claimed but neither finished nor recorded as stopped. */
  exportsUnaccounted: number;
  rowsSentBeforeAbort: number;
  membersRevealed: number;
  membersListed: number;
  ordersRevealed: number;
  ordersListed: number;
  paymentSecretsRevealed: number;
  settingsChanged: number;
  /** The first and last matching event here. */
  firstAt: Date;
  lastAt: Date;
}

type Count = number | string;
// Columns in select order: tenant, name, site, site name, login IDs, rows exported, files,
// exports not accounted for, rows sent before an abort, members revealed / listed, orders
// revealed / listed, secrets revealed, first and last event, settings changed.
type Row = [
  string,
  string,
  string | null,
  string | null,
  string[] | string,
  Count,
  unknown,
  Count,
  Count,
  Count,
  Count,
  Count,
  Count,
  Count,
  Date | string,
  Date | string,
  Count,
];

/**
 * What a pivot (a session, operator, address, token or target, and its time window) touched, per
 * tenant and site, counted from the audit trail itself: every event that matches, not a sample.
 * Where the trail cannot say, it says so: an export claimed but never finished or stopped, and
 * distinct customers across several files (the trail holds each file's count, not who was in it).
 * Several filters (an incident's pivots) measure the union of their events, each counted once.
 * `prunedBefore`: events older than this were removed by retention, so nothing before it is evidenced.
 * `throughSeq`: only events up to this seq of the chain (what an evidence bundle holds).
 */
export function measureBlastRadius(
  access: TenantAccess<'audit.read'>,
  query: AuditFilter | AuditFilter[],
  throughSeq?: number,
) {
  return measure(access.granted.tenantId, query, throughSeq);
}

/** The same across every tenant's chain, for platform staff. */
export function measureBlastRadiusAcrossTenants(
  _access: PlatformAccess<'audit.read'>,
  query: AuditFilter | AuditFilter[],
) {
  return measure(null, query);
}

async function measure(chain: string | null, query: AuditFilter | AuditFilter[], throughSeq?: number) {
  const filters = Array.isArray(query) ? query : [query];
  if (filters.length === 0) throw new Error('a blast radius needs at least one filter');
  const matches = or(
    ...filters.map(
      (f) => auditSearchFilter(PLATFORM_TENANT_ID, { ...f, tenant: undefined, before: undefined }, sql`t.id`).where,
    ),
  )!;
  const where = throughSeq === undefined ? matches : sql`(${matches}) and ${auditEvents.seq} <= ${throughSeq}`;
  const groups = sql.raw(SETTING_GROUPS.map((g) => `'${g}'`).join(', '));
  const actions = sql.raw(SETTING_ACTIONS.map((a) => `'${a}'`).join(', '));
  const secret = sql.raw(`'${SECRET_REVEALED}'`);
  const n = (key: string) => sql.raw(`coalesce((e.details->>'${key}')::bigint, 0)`);
  const rows = await selectOwnerRows<Row>(
    chain ?? PLATFORM_TENANT_ID,
    sql`select t.id as tenant_id, t.name as tenant_name, e.details->>'siteId' as site_id,
          (select s.name from sites s where s.tenant_id = t.id and s.id::text = min(e.details->>'siteId')) as site_name,
          coalesce(array_remove(array_agg(distinct e.actor_login_id) filter (where e.outcome = 'success' and e.actor_operator_id is not null), null), '{}') as operators,
          coalesce(sum(${n('rows')}) filter (where e.action = 'orders.exported'), 0) as orders_exported,
          coalesce(jsonb_agg(jsonb_build_object('sha256', e.details->>'sha256', 'rows', ${n('rows')}, 'customers', ${n('customers')}, 'at', e.occurred_at)
            order by e.occurred_at, e.seq) filter (where e.action = 'orders.exported'), '[]'::jsonb) as export_files,
          count(*) filter (where e.action = 'orders.export_started')
            - count(*) filter (where e.action in ('orders.exported', 'orders.export_aborted')) as exports_unaccounted,
          coalesce(sum(${n('rowsSent')}) filter (where e.action = 'orders.export_aborted'), 0) as rows_sent_before_abort,
          count(distinct e.details->>'memberNo') filter (where e.action = 'member.revealed') as members_revealed,
          coalesce(sum(${n('count')}) filter (where e.action = 'members.listed'), 0) as members_listed,
          count(distinct e.details->>'orderNo') filter (where e.action = 'order.revealed') as orders_revealed,
          coalesce(sum(${n('count')}) filter (where e.action = 'orders.listed'), 0) as orders_listed,
          count(*) filter (where e.action = ${secret} and e.outcome = 'success') as secrets_revealed,
          min(e.occurred_at) as first_at, max(e.occurred_at) as last_at,
          count(*) filter (where e.outcome = 'success' and e.action <> ${secret}
            and (split_part(e.action, '.', 1) in (${groups}) or e.action in (${actions}))) as settings_changed
        from tenants t
        cross join lateral (select tenant_id, seq, occurred_at, action, outcome, actor_operator_id, actor_login_id, details
                              from audit_events where ${where}) e
        ${chain ? sql`where t.id = ${chain}` : sql``}
        group by t.id, t.name, e.details->>'siteId'
        order by t.name, site_name nulls first, site_id nulls first`,
    // The grouping sorts every matching event (33,619 for the busiest operator across tenants):
    // in memory rather than spilled to disk at the default 4 MB.
    { plan: 'custom', workMemMb: 32 },
  );
  const sites: SiteRadius[] = rows.map((r) => ({
    tenantId: r[0],
    tenantName: r[1],
    siteId: r[2],
    siteName: r[3],
    operators: (Array.isArray(r[4]) ? r[4] : parsePgArray(r[4])).sort(),
    ordersExported: Number(r[5]),
    exportFiles: (r[6] as { sha256: string; rows: number; customers: number; at: string }[]).map((f) => ({
      ...f,
      rows: Number(f.rows),
      customers: Number(f.customers),
      at: new Date(f.at),
    })),
    exportsUnaccounted: Math.max(0, Number(r[7])),
    rowsSentBeforeAbort: Number(r[8]),
    membersRevealed: Number(r[9]),
    membersListed: Number(r[10]),
    ordersRevealed: Number(r[11]),
    ordersListed: Number(r[12]),
    paymentSecretsRevealed: Number(r[13]),
    firstAt: new Date(r[14]),
    lastAt: new Date(r[15]),
    settingsChanged: Number(r[16]),
  }));
  const pruned = await selectOwnerRows<[string, string | null]>(
    chain ?? PLATFORM_TENANT_ID,
    sql`select t.id, max(e.details->>'olderThan') from tenants t
          join audit_events e on e.tenant_id = t.id and e.action = 'audit.pruned'
          ${chain ? sql`where t.id = ${chain}` : sql``} group by t.id`,
    { plan: 'custom' },
  );
  const prunedBefore = new Map(pruned.filter(([, at]) => at).map(([id, at]) => [id, new Date(at!)]));
  return { sites, prunedBefore };
}

/** A text[] as the driver may hand it over: `{a,b}` (values here are login IDs, never quoted commas). */
function parsePgArray(text: string): string[] {
  const inner = text.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',').map((v) => v.replace(/^"|"$/g, '')) : [];
}
