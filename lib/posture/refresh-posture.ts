import 'server-only';
import { sql } from 'drizzle-orm';
import { affectedRows, withPlatformTx } from '@/db';
import { VIEWER_TIME_ZONE } from '@/lib/audit/audit-filter';
import { now } from '@/lib/clock';
import { POSTURE_WEIGHTS, STALE_DAYS } from './posture-score';

/**
 * Recomputes the posture rows (tenant_posture) of every company, or of the ones given, set-based
 * in one statement, and today's trend row (tenant_posture_daily, the day in Japan time). Each
 * figure is of active operators; a row is written only when its figures changed (`refreshed_at`
 * is when they last did). Returns how many companies were counted.
 */
export async function refreshPosture(tenantIds?: string[], at: Date = now()): Promise<number> {
  const stamp = at.toISOString();
  const stale = sql`${stamp}::timestamptz - make_interval(days => ${STALE_DAYS})`;
  const ids = tenantIds ? `{${tenantIds.join(',')}}` : null;
  const only = (column: string) => (ids ? sql`and ${sql.raw(column)} = any(${ids}::uuid[])` : sql``);
  // The weights are the code's own constants, written into the statement as numbers.
  const w = Object.fromEntries(Object.entries(POSTURE_WEIGHTS).map(([k, v]) => [k, sql.raw(String(v))])) as Record<
    keyof typeof POSTURE_WEIGHTS,
    ReturnType<typeof sql.raw>
  >;
  return withPlatformTx(async (tx) => {
    const refreshed = affectedRows(
      await tx.execute(sql`
      -- The start of the last rotation campaign (the company's or the platform's) or compromise
      -- declaration covering each company, each gathered in one pass: asked per company, the
      -- planner (blind to the row-level policy's selectivity) probed every campaign per company.
      with r as (
        select rt.tenant_id, max(rc.started_at) as since from rotation_targets rt
          join rotation_campaigns rc on rc.tenant_id = rt.campaign_tenant_id and rc.id = rt.campaign_id
         where rc.status <> 'cancelled' ${only('rt.tenant_id')}
         group by rt.tenant_id),
      x as (
        select ct.tenant_id, max(d.declared_at) as since from compromise_tenants ct
          join compromise_declarations d on d.tenant_id = ct.owner_tenant_id and d.id = ct.declaration_id
         where true ${only('ct.tenant_id')}
         group by ct.tenant_id),
      -- Materialized: each company's renewal_since is read by several figures below.
      c as materialized (
        select t.id, t.alert_webhook_url, greatest(r.since, x.since) as renewal_since,
          l.mode as list_mode, coalesce(l.entry_count, 0) as list_entries
          from tenants t
          left join ip_allowlists l on l.tenant_id = t.id and l.operator_id is null
          left join r on r.tenant_id = t.id
          left join x on x.tenant_id = t.id
         where t.kind = 'tenant' ${only('t.id')}),
      f as (
        select c.id, c.renewal_since,
          case when c.list_entries = 0 then 'none' else c.list_mode end as allowlist_mode,
          coalesce(o.operators, 0) as operators, coalesce(o.totp, 0) as totp, coalesce(o.codes, 0) as codes,
          coalesce(o.renewed, 0) as renewed, coalesce(o.dormant, 0) as dormant,
          case when c.list_entries > 0 and c.list_mode = 'enforce' then coalesce(o.operators, 0)
               else coalesce(o.own_list, 0) end as covered,
          (select count(*)::int from alerts a where a.tenant_id = c.id and a.acknowledged_at is null) as open_alerts,
          (select max(e.downloaded_at) from order_exports e where e.tenant_id = c.id) as last_export_at,
          (select count(*)::int from api_tokens k where k.tenant_id = c.id and k.revoked_at is null
              and k.expires_at > ${stamp}::timestamptz and k.created_at < ${stale}) as old_tokens,
          case when c.alert_webhook_url is null then 'none'
               when (select wd.status from webhook_deliveries wd where wd.tenant_id = c.id
                      order by wd.created_at desc limit 1) = 'failed' then 'failing'
               else 'ok' end as webhook
          from c
          left join lateral (
            select count(*)::int as operators,
                   count(*) filter (where tc.status = 'active')::int as totp,
                   count(*) filter (where tc.status = 'active' and exists (select 1 from recovery_codes r
                      where r.tenant_id = op.tenant_id and r.operator_id = op.id and r.used_at is null))::int as codes,
                   count(*) filter (where c.renewal_since is not null and op.password_changed_at >= c.renewal_since
                      and not op.must_change_password)::int as renewed,
                   count(*) filter (where greatest(coalesce(op.last_login_at, op.enabled_at), op.enabled_at) < ${stale})::int as dormant,
                   count(*) filter (where exists (select 1 from ip_allowlists ol where ol.tenant_id = op.tenant_id
                      and ol.operator_id = op.id and ol.mode = 'enforce' and ol.entry_count > 0))::int as own_list
              from operators op
              left join totp_credentials tc on tc.tenant_id = op.tenant_id and tc.operator_id = op.id
             where op.tenant_id = c.id and op.status = 'active') o on true),
      s as (
        select f.*,
          array_remove(array[
            case when f.totp < f.operators then 'totp' end,
            case when f.codes < f.totp then 'recovery' end,
            case when f.renewal_since is not null and f.renewed < f.operators then 'renewal' end,
            case when f.allowlist_mode <> 'enforce' then 'allowlist_' || f.allowlist_mode end,
            case when f.dormant > 0 then 'dormant' end,
            case when f.open_alerts > 0 then 'alerts' end,
            case when f.old_tokens > 0 then 'old_tokens' end,
            case when f.webhook = 'failing' then 'webhook' end], null) as reasons,
          greatest(0, 100
            - case when f.operators = 0 then 0 else round(${w.totp}.0 * (f.operators - f.totp) / f.operators) end
            - case when f.totp = 0 then 0 else round(${w.recovery}.0 * (f.totp - f.codes) / f.totp) end
            - case when f.renewal_since is null or f.operators = 0 then 0
                   else round(${w.renewal}.0 * (f.operators - f.renewed) / f.operators) end
            - case f.allowlist_mode when 'none' then ${w.allowlistNone} when 'monitor' then ${w.allowlistMonitor} else 0 end
            - case when f.operators = 0 then 0 else round(${w.dormant}.0 * f.dormant / f.operators) end
            - least(${w.alertsMax}, ${w.alertEach} * f.open_alerts)
            - case when f.old_tokens > 0 then ${w.oldTokens} else 0 end
            - case when f.webhook = 'failing' then ${w.webhook} else 0 end)::int as score
          from f),
      up as (
        insert into tenant_posture (tenant_id, operators, totp_enrolled, recovery_codes, renewal_since, passwords_renewed,
            allowlist_mode, allowlist_covered, dormant, open_alerts, last_export_at, old_tokens, webhook, score, reasons, refreshed_at)
        select id, operators, totp, codes, renewal_since, renewed, allowlist_mode, covered, dormant, open_alerts,
               last_export_at, old_tokens, webhook, score, reasons, ${stamp}::timestamptz
          from s
        on conflict (tenant_id) do update set operators = excluded.operators, totp_enrolled = excluded.totp_enrolled,
          recovery_codes = excluded.recovery_codes, renewal_since = excluded.renewal_since,
          passwords_renewed = excluded.passwords_renewed, allowlist_mode = excluded.allowlist_mode,
          allowlist_covered = excluded.allowlist_covered, dormant = excluded.dormant, open_alerts = excluded.open_alerts,
          last_export_at = excluded.last_export_at, old_tokens = excluded.old_tokens, webhook = excluded.webhook,
          score = excluded.score, reasons = excluded.reasons, refreshed_at = excluded.refreshed_at
        -- Only a company whose figures changed is written: rewriting every row at every refresh
        -- bloated the table the posture page reads.
        where (tenant_posture.operators, tenant_posture.totp_enrolled, tenant_posture.recovery_codes,
               tenant_posture.renewal_since, tenant_posture.passwords_renewed, tenant_posture.allowlist_mode,
               tenant_posture.allowlist_covered, tenant_posture.dormant, tenant_posture.open_alerts,
               tenant_posture.last_export_at, tenant_posture.old_tokens, tenant_posture.webhook, tenant_posture.score,
               tenant_posture.reasons)
          is distinct from (excluded.operators, excluded.totp_enrolled, excluded.recovery_codes, excluded.renewal_since,
               excluded.passwords_renewed, excluded.allowlist_mode, excluded.allowlist_covered, excluded.dormant,
               excluded.open_alerts, excluded.last_export_at, excluded.old_tokens, excluded.webhook, excluded.score,
               excluded.reasons)
        returning tenant_id)
      -- Today's trend row, as of this refresh.
      insert into tenant_posture_daily (tenant_id, day, operators, totp_enrolled, passwords_renewed, score)
      select id, (${stamp}::timestamptz at time zone ${VIEWER_TIME_ZONE})::date, operators, totp, renewed, score from s
      on conflict (tenant_id, day) do update set operators = excluded.operators, totp_enrolled = excluded.totp_enrolled,
        passwords_renewed = excluded.passwords_renewed, score = excluded.score
      where (tenant_posture_daily.operators, tenant_posture_daily.totp_enrolled, tenant_posture_daily.passwords_renewed,
             tenant_posture_daily.score)
        is distinct from (excluded.operators, excluded.totp_enrolled, excluded.passwords_renewed, excluded.score)`),
    );
    return refreshed;
  });
}
