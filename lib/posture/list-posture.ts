import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, withPlatformTx } from '@/db';
import { ALLOWLIST_POSTURES, WEBHOOK_POSTURES } from '@/db/schema';
import { z } from '@/lib/http/zod-messages';
import type { PlatformAccess } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { escapeLike } from '@/lib/tenancy/list-tenants';
import { POSTURE_REASONS, type PostureReason } from './posture-score';

export const POSTURE_PAGE = 50;

// A share of the company's active operators, 0 to 100 (none: 100, nothing is missing).
const share = (part: string) => `case when p.operators = 0 then 100 else 100.0 * p.${part} / p.operators end`;
const SORTS = {
  name: 't.name',
  score: 'p.score',
  operators: 'p.operators',
  totp: share('totp_enrolled'),
  recovery: 'case when p.totp_enrolled = 0 then 100 else 100.0 * p.recovery_codes / p.totp_enrolled end',
  renewal: `case when p.renewal_since is null then null else ${share('passwords_renewed')} end`,
  allowlist: "array_position(array['none', 'monitor', 'enforce'], p.allowlist_mode)",
  covered: share('allowlist_covered'),
  dormant: 'p.dormant',
  alerts: 'p.open_alerts',
  export: 'p.last_export_at',
  tokens: 'p.old_tokens',
  webhook: "array_position(array['failing', 'none', 'ok'], p.webhook)",
} as const;
export type PostureSort = keyof typeof SORTS;
export const POSTURE_SORTS = Object.keys(SORTS) as PostureSort[];

const raw = (expression: string) => () => sql.raw(expression);
/**
 * The columns a range filters on, each as the page shows it: shares in whole percent (floored,
 * as written), counts as they are, the last export in whole days before now. The name is
 * searched, the allowlist mode and webhook are chosen.
 */
const RANGES = {
  score: raw('p.score'),
  operators: raw('p.operators'),
  totp: raw(`floor(${SORTS.totp})`),
  recovery: raw(`floor(${SORTS.recovery})`),
  renewal: raw(`floor(${SORTS.renewal})`),
  covered: raw(`floor(${SORTS.covered})`),
  dormant: raw('p.dormant'),
  alerts: raw('p.open_alerts'),
  tokens: raw('p.old_tokens'),
  export: (at: SQL) => sql`floor(extract(epoch from (${at} - p.last_export_at)) / 86400)`,
} satisfies Record<string, (at: SQL) => SQL>;
export type PostureRange = keyof typeof RANGES;
export const POSTURE_RANGES = Object.keys(RANGES) as PostureRange[];

// An empty field of the form is no bound; anything else that is not a whole number is dropped.
const bound = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z.coerce.number().int().min(0).max(100_000_000).optional().catch(undefined),
);
type RangeShape = { [K in PostureRange as `${K}Min` | `${K}Max`]: typeof bound };
const rangeShape = Object.fromEntries(
  POSTURE_RANGES.flatMap((c) => [
    [`${c}Min`, bound],
    [`${c}Max`, bound],
  ]),
) as RangeShape;

/** The page's query: search, sort on any column, a filter on each, a page number. */
export const listPostureQuery = z.object({
  ...rangeShape,
  q: z.string().trim().max(100).optional().catch(undefined),
  sort: z.enum(POSTURE_SORTS as [PostureSort, ...PostureSort[]]).catch('score'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  allowlist: z.enum(ALLOWLIST_POSTURES).optional().catch(undefined),
  webhook: z.enum(WEBHOOK_POSTURES).optional().catch(undefined),
  reason: z.enum(POSTURE_REASONS).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type ListPostureQuery = z.infer<typeof listPostureQuery>;

export interface PostureRow {
  tenantId: string;
  name: string;
  code: string;
  status: 'active' | 'suspended';
  operators: number;
  totpEnrolled: number;
  recoveryCodes: number;
  renewalSince: Date | null;
  passwordsRenewed: number;
  allowlistMode: (typeof ALLOWLIST_POSTURES)[number];
  allowlistCovered: number;
  dormant: number;
  openAlerts: number;
  lastExportAt: Date | null;
  oldTokens: number;
  webhook: (typeof WEBHOOK_POSTURES)[number];
  score: number;
  reasons: PostureReason[];
  refreshedAt: Date;
}

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/**
 * Every company's posture (the kept rows of tenant_posture) for platform staff: filtered, sorted
 * on any column (ties by name), a page at a time, with the total. `limit` null: all of them (CSV).
 */
export async function listPosture(
  _ctx: PlatformAccess<'tenants.list'>,
  query: ListPostureQuery,
  limit: number | null = POSTURE_PAGE,
) {
  const where: SQL[] = [sql`t.kind = 'tenant'`];
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    where.push(sql`(t.name ilike ${pattern} or t.code ilike ${pattern})`);
  }
  if (query.allowlist) where.push(sql`p.allowlist_mode = ${query.allowlist}`);
  if (query.webhook) where.push(sql`p.webhook = ${query.webhook}`);
  if (query.reason) where.push(sql`${query.reason} = any(p.reasons)`);
  for (const column of POSTURE_RANGES) {
    const [min, max] = [query[`${column}Min`], query[`${column}Max`]];
    if (min === undefined && max === undefined) continue;
    const figure = RANGES[column](sql`${now().toISOString()}::timestamptz`);
    // A company without the figure (no campaign yet, never exported) is outside every range.
    if (min !== undefined) where.push(sql`${figure} >= ${min}`);
    if (max !== undefined) where.push(sql`${figure} <= ${max}`);
  }
  const order = sql.raw(`${SORTS[query.sort]} ${query.dir} nulls last, t.name, t.id`);
  const filter = sql.join(where, sql` and `);
  const page = limit === null ? sql`` : sql`limit ${limit} offset ${(query.page - 1) * limit}`;
  return withPlatformTx(
    async (tx) => {
      const rows = rowsOf<Record<string, unknown>>(
        await tx.execute(sql`
          select t.id, t.name, t.code, t.status, p.operators, p.totp_enrolled, p.recovery_codes, p.renewal_since,
                 p.passwords_renewed, p.allowlist_mode, p.allowlist_covered, p.dormant, p.open_alerts, p.last_export_at,
                 p.old_tokens, p.webhook, p.score, p.reasons, p.refreshed_at
            from tenant_posture p join tenants t on t.id = p.tenant_id
           where ${filter} order by ${order} ${page}`),
      );
      const [{ n }] = rowsOf<{ n: number }>(
        await tx.execute(
          sql`select count(*)::int as n from tenant_posture p join tenants t on t.id = p.tenant_id where ${filter}`,
        ),
      );
      return {
        total: Number(n),
        rows: rows.map((r): PostureRow => ({
          tenantId: r.id as string,
          name: r.name as string,
          code: r.code as string,
          status: r.status as PostureRow['status'],
          operators: Number(r.operators),
          totpEnrolled: Number(r.totp_enrolled),
          recoveryCodes: Number(r.recovery_codes),
          renewalSince: date(r.renewal_since),
          passwordsRenewed: Number(r.passwords_renewed),
          allowlistMode: r.allowlist_mode as PostureRow['allowlistMode'],
          allowlistCovered: Number(r.allowlist_covered),
          dormant: Number(r.dormant),
          openAlerts: Number(r.open_alerts),
          lastExportAt: date(r.last_export_at),
          oldTokens: Number(r.old_tokens),
          webhook: r.webhook as PostureRow['webhook'],
          score: Number(r.score),
          reasons: (Array.isArray(r.reasons) ? r.reasons : parseArray(String(r.reasons))) as PostureReason[],
          refreshedAt: new Date(r.refreshed_at as string),
        })),
      };
    },
    { readOnly: true },
  );
}

/** A text[] as a driver may hand it over (`{a,b}`; reason keys hold no commas or quotes). */
const parseArray = (text: string) =>
  text
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean);
