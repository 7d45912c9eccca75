/**
 * Admin lists at scale: the platform's tenants list (every sort, both directions, pages deep in the
 * list, search) and one tenant's operators list, timed through listTenants / listOperators on
 * 10,000 tenants and 1,000,000 operators generated set-based in a throw-away PostgreSQL database.
 * Goal: p95 <= 50 ms for every scenario.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import {
  migrateDatabase,
  openDatabase,
  rowsOf,
  setDatabase,
  withPlatformTx,
  withTenantTx,
  type Database,
  type Tx,
} from '@/db';
import { PLATFORM_TENANT_ID, operators, tenants } from '@/db/schema';
import { encodeCursor } from '@/lib/http/cursor';
import { listOperators } from '@/lib/tenancy/list-operators';
import { PAGE_SIZE, listTenants, type ListTenantsQuery } from '@/lib/tenancy/list-tenants';
import { contextFor, platformAccess, tenantAccess } from '@/lib/testing/context';
import { createPostgresDatabase, nowMs, percentile, round } from './lib';

const GOAL_MS = 50;

// Name parts; constants only, so inlining them as SQL literals is safe.
const REGIONS = ['東京', '大阪', '名古屋', '札幌', '福岡', '仙台', '横浜', '神戸'];
const HOUSES = ['山田', '丸井', '東雲', '大和', '浪速', '北斗', '白鷺', '錦', '藍染', '紬'];
const TRADES = ['商事', '物産', '製作所', '運輸', '電機', '建設', 'アパレル', '食品', '薬品', '工業'];
const FAMILY = [
  '佐藤',
  '鈴木',
  '高橋',
  '田中',
  '伊藤',
  '渡辺',
  '山本',
  '中村',
  '小林',
  '加藤',
  '吉田',
  '山口',
  '松本',
  '井上',
  '木村',
  '林',
  '清水',
  '斎藤',
  '森',
  '池田',
];
const FAMILY_ROMAJI = [
  'sato',
  'suzuki',
  'takahashi',
  'tanaka',
  'ito',
  'watanabe',
  'yamamoto',
  'nakamura',
  'kobayashi',
  'kato',
  'yoshida',
  'yamaguchi',
  'matsumoto',
  'inoue',
  'kimura',
  'hayashi',
  'shimizu',
  'saito',
  'mori',
  'ikeda',
];
const GIVEN = [
  '翔',
  '陽菜',
  '大輝',
  '美咲',
  '健太',
  'さくら',
  '拓海',
  '結衣',
  '翼',
  '七海',
  '蓮',
  '葵',
  '悠斗',
  '愛',
  '直樹',
  '真由美',
  '和也',
  '彩',
];
const sqlArray = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x}'`).join(',')}]`);
const pick = (xs: string[], r: string) =>
  sql`(${sqlArray(xs)})[1 + floor(${sql.raw(r)} * ${sql.raw(String(xs.length))})::int]`;

/** Searches that match about 1% of the tenants: one name fragment, one code prefix. */
const TENANT_SEARCHES = { name: `${HOUSES[0]}${TRADES[0]}`, code: 't012' };

// Never verified: the benchmarks do not log in, and hashing a million passwords would take hours.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2htYXJrc2FsdA$YmVuY2htYXJrIGR1bW15IGhhc2ggdmFsdWUgMDAwMDA';

export interface WorldSpec {
  tenants: number;
  operators: number;
  /** Zipf exponent of operators per tenant (0 = even). */
  skew: number;
  suspendedShare: number;
  disabledShare: number;
}

/**
 * Fills a migrated database set-based: tenants with Japanese company names, ~1.5 sites each, the
 * operators spread over them by a Zipf law (one tenant_admin each), an audit chain per tenant.
 * The counter triggers are off during the load and the counters set in one pass afterwards, to
 * the values the triggers would have kept. Returns the time of each step in ms.
 */
export async function generateWorld(database: Database, spec: WorldSpec): Promise<Record<string, number>> {
  const ms: Record<string, number> = {};
  const step = async (name: string, work: () => Promise<unknown>) => {
    const t = nowMs();
    await work();
    ms[name] = round(nowMs() - t, 0);
  };
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select setseed(0.4242)`);
    await step('tenants', () =>
      tx.execute(sql`
        insert into tenants (kind, code, name, contact_email, status, suspended_reason, created_at, updated_at)
        select 'tenant', 't' || lpad(i::text, 5, '0'),
               case when i % 3 = 0 then '株式会社' else '' end || ${pick(REGIONS, 'r1')} || ${pick(HOUSES, 'r2')} || ${pick(TRADES, 'r3')}
                 || case when i % 3 <> 0 then '株式会社' else '' end,
               'admin@t' || i || '.example.co.jp',
               case when r4 < ${spec.suspendedShare} then 'suspended' else 'active' end,
               case when r4 < ${spec.suspendedShare} then '契約終了' end,
               now() - (800 + r5 * 1000) * interval '1 day', now() - r5 * interval '100 days'
          from (select i, random() r1, random() r2, random() r3, random() r4, random() r5
                  from generate_series(1, ${spec.tenants}) i) x`),
    );
    await tx.execute(sql`alter table sites disable trigger sites_count`);
    await tx.execute(sql`alter table operators disable trigger operators_count`);
    await step('sites', () =>
      tx.execute(sql`
        insert into sites (tenant_id, code, name, domain, status)
        select t.id, 'S' || s.j, t.name || ' ' || s.j || '号店', lower(t.code) || '-' || s.j || '.example.jp',
               case when random() < 0.05 then 'closed' else 'open' end
          from (select id, code, name, 1 + (random() < 0.4)::int + (random() < 0.1)::int as n from tenants where kind = 'tenant') t,
               generate_series(1, t.n) s(j)`),
    );
    // Operators per tenant: Zipf weights over a shuffled rank, at least one (the admin); the
    // rounding remainder goes to the largest tenant so the total is exact.
    await tx.execute(sql`
      create temp table bench_plan on commit drop as
      select id, code, rnk, greatest(1, floor(${spec.operators} * w / sum(w) over ()))::int as n
        from (select id, code, rnk, power(rnk, -${spec.skew}::float8) as w
                from (select id, code, row_number() over (order by random()) as rnk from tenants where kind = 'tenant') r) w
       order by code`);
    await tx.execute(
      sql`update bench_plan set n = n + (${spec.operators} - (select sum(n) from bench_plan)) where rnk = 1`,
    );
    await step('operators', () =>
      tx.execute(sql`
        insert into operators (tenant_id, login_id, login_id_key, display_name, email, role, status, password_hash,
                               password_changed_at, last_login_at, last_login_ip, created_at, updated_at)
        select tenant_id, login_id, lower(login_id), ${pick(FAMILY, 'r1')} || ' ' || ${pick(GIVEN, 'r2')},
               case when r3 < 0.7 then lower(login_id) || '@example.co.jp' end,
               case when i = 1 then 'tenant_admin' else 'tenant_operator' end,
               case when i > 1 and r4 < ${spec.disabledShare} then 'disabled' else 'active' end,
               ${DUMMY_HASH},
               now() - (1 + r5 * 400) * interval '1 day',
               case when r6 >= 0.05 then now() - r6 * interval '730 days' end,
               case when r6 >= 0.05 then '10.' || (i % 250) || '.' || floor(r5 * 250)::int || '.' || floor(r3 * 250)::int end,
               now() - interval '800 days', now() - r5 * interval '30 days'
          from (select tenant_id, code || '.' || ${pick(FAMILY_ROMAJI, 'r1')} || lpad(i::text, 5, '0') as login_id, i, r1, r2, r3, r4, r5, r6
                  from (select p.id as tenant_id, p.code, s.i, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6
                          from bench_plan p, generate_series(1, p.n) s(i)) r) x`),
    );
    // What the triggers would have kept (open sites, all operators) and migration 0003's activity rule.
    await step('counters', () =>
      tx.execute(sql`
        update tenants t set operator_count = o.n, site_count = coalesce(s.n, 0), last_activity_at = coalesce(o.last_login, t.created_at)
          from (select tenant_id, count(*)::int as n, max(last_login_at) as last_login from operators group by tenant_id) o
          left join (select tenant_id, (count(*) filter (where status = 'open'))::int as n from sites group by tenant_id) s on s.tenant_id = o.tenant_id
         where t.id = o.tenant_id`),
    );
    await tx.execute(sql`alter table sites enable trigger sites_count`);
    await tx.execute(sql`alter table operators enable trigger operators_count`);
  });
  // Autovacuum may be off or late: vacuum now so the lists are measured on settled tables (hint
  // bits, visibility map, statistics), not on a fresh bulk load.
  await step('vacuumAnalyze', () => database.db.execute(sql`vacuum (analyze) tenants, sites, operators, audit_chains`));
  if (database.kind === 'postgres') await database.db.execute(sql`checkpoint`);
  return ms;
}

const summary = (samples: number[]) => ({
  samples: samples.length,
  p50Ms: round(percentile(samples, 50)),
  p95Ms: round(percentile(samples, 95)),
  maxMs: round(Math.max(...samples)),
});

export interface AdminListsOptions {
  tenants?: number;
  operators?: number;
  /** Timed calls per fixed-page scenario. */
  reps?: number;
  /** Pages walked past the first, per pass (two passes). */
  pages?: number;
}

export async function runAdminLists(opts: AdminListsOptions = {}) {
  const spec: WorldSpec = {
    tenants: opts.tenants ?? 10_000,
    operators: opts.operators ?? 1_000_000,
    skew: 0.7,
    suspendedShare: 0.02,
    disabledShare: 0.03,
  };
  const reps = opts.reps ?? 20;
  const pages = opts.pages ?? 20;
  const loadBefore = os.loadavg();
  const bench = await createPostgresDatabase('mamori_bench_lists');
  try {
    const database = await openDatabase(bench.url);
    try {
      await migrateDatabase(database);
      setDatabase(Promise.resolve(database));
      console.error(
        `[admin-lists] generating ${spec.tenants} tenants, ${spec.operators} operators in ${bench.name} ...`,
      );
      const generationMs = await generateWorld(database, spec);
      console.error(`[admin-lists] generated: ${JSON.stringify(generationMs)} ms; measuring ...`);
      return {
        database: bench.name,
        spec,
        generationMs,
        ...(await measure(database, reps, pages)),
        loadAverage: { before: loadBefore.map((l) => round(l)), after: os.loadavg().map((l) => round(l)) },
      };
    } finally {
      await database.close();
    }
  } finally {
    await bench.drop();
  }
}

const SORT_COLUMNS = {
  name: tenants.name,
  code: tenants.code,
  sites: tenants.siteCount,
  operators: tenants.operatorCount,
  status: tenants.status,
  activity: tenants.lastActivityAt,
} as const;
type Sort = keyof typeof SORT_COLUMNS;

async function measure(database: Database, reps: number, pages: number) {
  const ctx = contextFor(PLATFORM_TENANT_ID, randomUUID(), 'platform_admin', 'bench.staff');
  const scenarios: (ReturnType<typeof summary> & { name: string; met: boolean })[] = [];
  const all: number[] = [];
  const record = (name: string, samples: number[]) => {
    all.push(...samples);
    const s = summary(samples);
    scenarios.push({ name, ...s, met: s.p95Ms <= GOAL_MS });
  };
  const timed = async (work: () => Promise<unknown>) => {
    const t = nowMs();
    await work();
    return nowMs() - t;
  };
  // Two untimed calls first: pool connections, catalog caches and the pages read into memory.
  const repeat = async (work: () => Promise<unknown>) => {
    for (let i = 0; i < 2; i++) await work();
    const samples: number[] = [];
    for (let i = 0; i < reps; i++) samples.push(await timed(work));
    return samples;
  };
  /** Follows `next` from a first page for `pages` pages, twice, timing every page after the first. */
  const walk = async <R extends { next: string | null }>(list: (after?: string) => Promise<R>) => {
    const samples: number[] = [];
    for (let pass = 0; pass < 2; pass++) {
      let after = (await list()).next;
      for (let p = 0; p < pages && after; p++) {
        const t = nowMs();
        after = (await list(after)).next;
        samples.push(nowMs() - t);
      }
    }
    return samples;
  };

  const tenantCount = await database.db.$count(tenants, eq(tenants.kind, 'tenant'));
  for (const sort of Object.keys(SORT_COLUMNS) as Sort[]) {
    for (const dir of ['asc', 'desc'] as const) {
      const query: ListTenantsQuery = { sort, dir };
      record(
        `tenants ${sort} ${dir}: first page`,
        await repeat(() => listTenants(platformAccess(ctx, 'tenants.list'), query)),
      );
      record(
        `tenants ${sort} ${dir}: pages 2-${pages + 1}`,
        await walk((after) => listTenants(platformAccess(ctx, 'tenants.list'), { ...query, after })),
      );
      // A cursor from the middle of the list, as if someone had paged half-way through.
      const column = SORT_COLUMNS[sort];
      const [mid] = await database.db
        .select({ value: column, id: tenants.id })
        .from(tenants)
        .where(eq(tenants.kind, 'tenant'))
        .orderBy(...(dir === 'asc' ? [asc(column), asc(tenants.id)] : [desc(column), desc(tenants.id)]))
        .offset(Math.floor(tenantCount / 2))
        .limit(1);
      const after = encodeCursor(mid.value instanceof Date ? mid.value.toISOString() : mid.value, mid.id);
      record(
        `tenants ${sort} ${dir}: page at row ${Math.floor(tenantCount / 2)}`,
        await repeat(() => listTenants(platformAccess(ctx, 'tenants.list'), { ...query, after })),
      );
    }
  }
  const searches = [];
  for (const [kind, q] of Object.entries(TENANT_SEARCHES)) {
    const query: ListTenantsQuery = { sort: 'name', dir: 'asc', q };
    const matches = rowsOf<{ n: number }>(
      await database.db.execute(
        sql`select count(*)::int as n from tenants where kind = 'tenant' and (name ilike ${`%${q}%`} or code ilike ${`%${q}%`})`,
      ),
    )[0].n;
    searches.push({ kind, q, matches, share: round(matches / tenantCount, 4) });
    record(
      `tenants search ${kind} "${q}" (${matches} matches): first page`,
      await repeat(() => listTenants(platformAccess(ctx, 'tenants.list'), query)),
    );
    record(
      `tenants search ${kind} "${q}": next pages`,
      await walk((after) => listTenants(platformAccess(ctx, 'tenants.list'), { ...query, after })),
    );
  }

  const tenantBy = async (order: SQL, offset: number) => {
    const [t] = await database.db
      .select({ id: tenants.id, code: tenants.code, operators: tenants.operatorCount })
      .from(tenants)
      .where(eq(tenants.kind, 'tenant'))
      .orderBy(order, asc(tenants.id))
      .offset(offset)
      .limit(1);
    return t;
  };
  const large = await tenantBy(desc(tenants.operatorCount), 0);
  const median = await tenantBy(asc(tenants.operatorCount), Math.floor(tenantCount / 2));
  for (const [label, t] of [
    ['largest', large],
    ['median', median],
  ] as const) {
    const name = `operators of ${label} tenant (${t.operators})`;
    record(`${name}: first page`, await repeat(() => listOperators(tenantAccess(ctx, t.id, 'operators.read'), {})));
    const next = await walk((after) => listOperators(tenantAccess(ctx, t.id, 'operators.read'), { after }));
    if (next.length > 0) record(`${name}: next pages`, next);
  }
  const [midOperator] = await database.db
    .select({ key: operators.loginIdKey, id: operators.id })
    .from(operators)
    .where(eq(operators.tenantId, large.id))
    .orderBy(asc(operators.loginIdKey))
    .offset(Math.floor(large.operators / 2))
    .limit(1);
  const midAfter = encodeCursor(midOperator.key, midOperator.id);
  record(
    `operators of largest tenant: page at row ${Math.floor(large.operators / 2)}`,
    await repeat(() => listOperators(tenantAccess(ctx, large.id, 'operators.read'), { after: midAfter })),
  );
  // A common search (a family name, ~5% of operators) fills a page at once; a rare one (a login
  // number, one operator) has to look at every operator of the tenant.
  const operatorSearches = { common: FAMILY[0], rare: '00123' };
  for (const [kind, q] of Object.entries(operatorSearches)) {
    record(
      `operators of largest tenant, search ${kind} "${q}": first page`,
      await repeat(() => listOperators(tenantAccess(ctx, large.id, 'operators.read'), { q })),
    );
  }

  // The plans behind the figures, under the same role and RLS settings as the app's transactions.
  const explain = (tenantId: string | null, query: SQL) => {
    const work = async (tx: Tx) =>
      rowsOf<{ 'QUERY PLAN': string }>(await tx.execute(sql`explain (analyze, buffers) ${query}`)).map(
        (r) => r['QUERY PLAN'],
      );
    return tenantId ? withTenantTx(tenantId, work) : withPlatformTx(work);
  };
  // The same statements listTenants and listOperators build (first page, no search).
  const tenantsPage = database.db
    .select({
      id: tenants.id,
      code: tenants.code,
      name: tenants.name,
      status: tenants.status,
      siteCount: tenants.siteCount,
      operatorCount: tenants.operatorCount,
      lastActivityAt: tenants.lastActivityAt,
    })
    .from(tenants)
    .where(and(eq(tenants.kind, 'tenant')))
    .orderBy(desc(tenants.operatorCount), desc(tenants.id))
    .limit(PAGE_SIZE + 1);
  const operatorsPage = (conditions: SQL[]) =>
    database.db
      .select({
        id: operators.id,
        loginId: operators.loginId,
        loginIdKey: operators.loginIdKey,
        displayName: operators.displayName,
        email: operators.email,
        role: operators.role,
        status: operators.status,
        mustChangePassword: operators.mustChangePassword,
        failedLoginCount: operators.failedLoginCount,
        lockedAt: operators.lockedAt,
        lastLoginAt: operators.lastLoginAt,
        lastLoginIp: operators.lastLoginIp,
      })
      .from(operators)
      .where(and(eq(operators.tenantId, large.id), ...conditions))
      .orderBy(asc(operators.loginIdKey))
      .limit(PAGE_SIZE + 1);
  const rarePattern = `%${operatorSearches.rare}%`;
  const plans = {
    tenantsOperatorsDescFirstPage: await explain(null, tenantsPage.getSQL()),
    largestTenantOperatorsFirstPage: await explain(large.id, operatorsPage([]).getSQL()),
    largestTenantOperatorsRareSearch: await explain(
      large.id,
      operatorsPage([
        sql`(${operators.loginIdKey} ilike ${rarePattern} or ${operators.displayName} ilike ${rarePattern})`,
      ]).getSQL(),
    ),
  };

  const overall = summary(all);
  return {
    data: {
      tenants: tenantCount,
      operators: rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from operators`))[0].n,
      sites: rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from sites`))[0].n,
      suspendedTenants: await database.db.$count(
        tenants,
        and(eq(tenants.kind, 'tenant'), eq(tenants.status, 'suspended')),
      ),
      largestTenant: large,
      medianTenant: median,
      tenantSearches: searches,
      // Counters as the triggers would keep them: must be 0.
      counterMismatches: rowsOf<{ n: number }>(
        await database.db.execute(sql`
          select count(*)::int as n from tenants t
           where t.operator_count <> (select count(*) from operators o where o.tenant_id = t.id)
              or t.site_count <> (select count(*) from sites s where s.tenant_id = t.id and s.status = 'open')`),
      )[0].n,
    },
    goalMs: GOAL_MS,
    scenarios,
    overall: { ...overall, met: overall.p95Ms <= GOAL_MS },
    allScenariosMet: scenarios.every((s) => s.met),
    plans,
  };
}
