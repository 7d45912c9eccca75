import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withOwnerTx } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { VIEWER_UTC_OFFSET } from '@/lib/audit/audit-filter';
import { now } from '@/lib/clock';
import type { PlatformAccess, TenantAccess } from '@/lib/kernel/access';

export const TREND_DAYS = 30;

export interface TrendDay {
  day: string;
  values: Record<string, number>;
}

const OFFSET_MS = Number(VIEWER_UTC_OFFSET.slice(1, 3)) * 3_600_000;

/** The last TREND_DAYS days in Japan time, oldest first, as YYYY-MM-DD. */
export function trendDays(at: Date = now()): string[] {
  const today = new Date(at.getTime() + OFFSET_MS);
  return Array.from({ length: TREND_DAYS }, (_, i) =>
    new Date(today.getTime() - (TREND_DAYS - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

/**
 * The dashboards' 30-day trends from the daily roll-ups (never the events themselves): sign-ins
 * (succeeded, failed, refused by the IP allowlist or a block), order rows exported, payment
 * secrets revealed and alerts raised per day; and the share of operators with TOTP and with a
 * password renewed since the last campaign, as they stood each day (percent; absent before the
 * first day recorded). A company's own, or with platform access every company's together.
 */
export async function readTrends(access: TenantAccess<'audit.read'> | PlatformAccess<'audit.read'>) {
  const tenantId = 'tenantId' in access.granted ? access.granted.tenantId : null;
  const days = trendDays();
  const from = days[0];
  const counts = tenantId
    ? sql`select day::text, action, outcome, events, rows from audit_daily where tenant_id = ${tenantId} and day >= ${from}::date`
    : sql`select day::text, action, outcome, events, rows from audit_daily_total where day >= ${from}::date`;
  const posture = tenantId
    ? sql`select day::text, operators, totp_enrolled, passwords_renewed from tenant_posture_daily
           where tenant_id = ${tenantId} and day >= ${from}::date`
    : sql`select day::text, sum(operators)::int as operators, sum(totp_enrolled)::int as totp_enrolled,
                 sum(passwords_renewed)::int as passwords_renewed
            from tenant_posture_daily where day >= ${from}::date group by day`;
  const { events, shares } = await withOwnerTx(
    tenantId ?? PLATFORM_TENANT_ID,
    async (tx) => ({
      events: rowsOf<{ day: string; action: string; outcome: string; events: number; rows: number | string }>(
        await tx.execute(counts),
      ),
      shares: rowsOf<{ day: string; operators: number; totp_enrolled: number; passwords_renewed: number }>(
        await tx.execute(posture),
      ),
    }),
    { readOnly: true },
  );
  const blank = () => Object.fromEntries(days.map((d) => [d, {} as Record<string, number>]));
  const series = { logins: blank(), exports: blank(), secrets: blank(), alerts: blank(), factors: blank() };
  const add = (into: Record<string, Record<string, number>>, day: string, key: string, n: number) => {
    if (into[day]) into[day][key] = (into[day][key] ?? 0) + n;
  };
  for (const e of events) {
    const n = Number(e.events);
    if (e.action === 'login.succeeded') add(series.logins, e.day, 'succeeded', n);
    else if (e.action === 'login.failed' || e.action === 'login.mfa_failed') add(series.logins, e.day, 'failed', n);
    else if (e.action === 'access.denied_ip') add(series.logins, e.day, 'refused', n);
    else if (e.action === 'orders.exported') add(series.exports, e.day, 'rows', Number(e.rows));
    else if (e.action === 'payment_settings.revealed' && e.outcome === 'success')
      add(series.secrets, e.day, 'revealed', n);
    else if (e.action === 'alert.raised') add(series.alerts, e.day, 'raised', n);
  }
  for (const s of shares) {
    const ops = Number(s.operators);
    if (!series.factors[s.day] || ops === 0) continue;
    series.factors[s.day] = {
      totp: Math.round((Number(s.totp_enrolled) / ops) * 1000) / 10,
      renewed: Math.round((Number(s.passwords_renewed) / ops) * 1000) / 10,
    };
  }
  const asDays = (m: Record<string, Record<string, number>>, keys: string[], fill: boolean): TrendDay[] =>
    days.map((day) => ({
      day,
      values: fill ? Object.fromEntries(keys.map((k) => [k, m[day][k] ?? 0])) : m[day],
    }));
  return {
    logins: asDays(series.logins, ['succeeded', 'failed', 'refused'], true),
    exports: asDays(series.exports, ['rows'], true),
    secrets: asDays(series.secrets, ['revealed'], true),
    alerts: asDays(series.alerts, ['raised'], true),
    // Shares exist only from the first day a posture was recorded: earlier days stay empty.
    factors: asDays(series.factors, ['totp', 'renewed'], false),
  };
}
