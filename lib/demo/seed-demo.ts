import 'server-only';
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, paymentSettings, sites, tenants, type Role } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { generateEcData } from '@/lib/ec/generate-ec-data';
import { sealPaymentSecret } from '@/lib/ec/payment-crypto';
import { hashPassword } from '@/lib/passwords/hash-password';
import { insertOperator, type NewOperator } from '@/lib/tenancy/insert-operator';
import { newTenantTotpPolicy } from '@/lib/tenancy/manage-tenant';

/** Incident figures: 43 operator companies, 53 shops, 314 admin operators. */
export const DEMO_FIGURES = { tenants: 43, sites: 53, operators: 314 } as const;
export const DEMO_PASSWORD = 'kanri-demo-2026';

/**
 * Shop data of the demo, at a tenth of the incident so that PGlite starts quickly: the first
 * company's main site has 1,558 orders of 1,095 customers (the download was 15,581 of 10,946);
 * every other site a small history. `npm run demo:large` generates the full scale.
 */
export const DEMO_EC = {
  largest: { members: 1_200, orders: 1_558, customers: 1_095 },
  other: { members: 60, orders: 40, customers: 30 },
} as const;

const PROVIDERS = [
  { provider: 'GMOペイメントゲートウェイ', endpoint: 'https://pt01.mul-pay.example.jp/payment/' },
  { provider: 'SBペイメントサービス', endpoint: 'https://stbfep.sps-system.example.jp/api/xmlapi.do' },
  { provider: 'ベリトランス', endpoint: 'https://api.veritrans.example.jp/api/v2/' },
];

export interface DemoLogin {
  loginId: string;
  role: Role;
  tenant: string;
}

// mulberry32: a small seeded generator, so every machine gets the same demo data.
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFIXES: [string, string][] = [
  ['さくら', 'sakura'],
  ['あおば', 'aoba'],
  ['ひかり', 'hikari'],
  ['みどり', 'midori'],
  ['つばさ', 'tsubasa'],
  ['はるか', 'haruka'],
  ['こころ', 'kokoro'],
  ['ゆめ', 'yume'],
  ['そら', 'sora'],
  ['かえで', 'kaede'],
  ['山田', 'yamada'],
  ['丸井', 'marui'],
  ['東雲', 'shinonome'],
  ['大和', 'yamato'],
  ['浪速', 'naniwa'],
  ['北斗', 'hokuto'],
  ['紬', 'tsumugi'],
  ['藍染', 'aizome'],
  ['錦', 'nishiki'],
  ['白鷺', 'shirasagi'],
];
const SUFFIXES: [string, string][] = [
  ['アパレル', 'apparel'],
  ['ファッション', 'fashion'],
  ['テキスタイル', 'textile'],
  ['衣料', 'iryo'],
  ['商事', 'shoji'],
  ['スタイル', 'style'],
  ['ウェア', 'wear'],
];
const FAMILY: [string, string][] = [
  ['佐藤', 'sato'],
  ['鈴木', 'suzuki'],
  ['高橋', 'takahashi'],
  ['田中', 'tanaka'],
  ['伊藤', 'ito'],
  ['渡辺', 'watanabe'],
  ['山本', 'yamamoto'],
  ['中村', 'nakamura'],
  ['小林', 'kobayashi'],
  ['加藤', 'kato'],
  ['吉田', 'yoshida'],
  ['山口', 'yamaguchi'],
  ['松本', 'matsumoto'],
  ['井上', 'inoue'],
  ['木村', 'kimura'],
  ['林', 'hayashi'],
  ['清水', 'shimizu'],
  ['斎藤', 'saito'],
  ['森', 'mori'],
  ['池田', 'ikeda'],
];
const GIVEN: [string, string][] = [
  ['翔', 'sho'],
  ['陽菜', 'hina'],
  ['大輝', 'daiki'],
  ['美咲', 'misaki'],
  ['健太', 'kenta'],
  ['さくら', 'sakura'],
  ['拓海', 'takumi'],
  ['結衣', 'yui'],
  ['翼', 'tsubasa'],
  ['七海', 'nanami'],
  ['蓮', 'ren'],
  ['葵', 'aoi'],
  ['悠斗', 'yuto'],
  ['愛', 'ai'],
  ['直樹', 'naoki'],
  ['真由美', 'mayumi'],
  ['和也', 'kazuya'],
  ['彩', 'aya'],
];

type PlannedOperator = NewOperator;

interface PlannedTenant {
  code: string;
  name: string;
  sites: { code: string; name: string; domain: string }[];
  operators: PlannedOperator[];
}

/** The demo world, computed without touching the database (deterministic for a given seed). */
export function planDemo(seed = 20161): PlannedTenant[] {
  const random = rng(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const used = new Set<string>();
  const names: [string, string][] = [
    ['さくら', 'sakura'],
    ['あおば', 'aoba'],
    ['ひかり', 'hikari'],
  ].map(([kanji, romaji], i) => {
    // The first three companies have short codes, so their memorable IDs (sakura.admin) carry them;
    // the long form stays reserved so that no other company gets the same name.
    used.add(romaji).add(`${romaji}-${SUFFIXES[i][1]}`);
    return [`${kanji}${SUFFIXES[i][0]}`, romaji];
  });
  while (names.length < DEMO_FIGURES.tenants) {
    const [p, pr] = pick(PREFIXES);
    const [s, sr] = pick(SUFFIXES);
    const code = `${pr}-${sr}`;
    if (used.has(code)) continue;
    used.add(code);
    names.push([`${p}${s}`, code]);
  }
  const extraSites = DEMO_FIGURES.sites - DEMO_FIGURES.tenants;
  const baseOps = Math.floor(DEMO_FIGURES.operators / DEMO_FIGURES.tenants);
  const extraOps = DEMO_FIGURES.operators - baseOps * DEMO_FIGURES.tenants;
  const loginIds = new Set<string>();

  return names.map(([shortName, code], i) => {
    const siteList = [{ code: 'main', name: `${shortName} 公式オンラインストア`, domain: `${code}.example.jp` }];
    if (i < extraSites)
      siteList.push({ code: 'outlet', name: `${shortName} アウトレット`, domain: `outlet.${code}.example.jp` });
    const count = baseOps + (i < extraOps ? 1 : 0);
    const ops: PlannedOperator[] = [];
    for (let n = 0; n < count; n++) {
      const role: Role = n === 0 || (n === 1 && count > baseOps) ? 'tenant_admin' : 'tenant_operator';
      const [family, familyR] = pick(FAMILY);
      const [given, givenR] = pick(GIVEN);
      // Every login ID starts with its company's code and a dot. The first three companies get
      // memorable IDs for the demo and the browser tests.
      let loginId =
        i < 3 && n === 0
          ? `${code}.admin`
          : i < 3 && n === count - 1
            ? `${code}.operator`
            : `${code}.${familyR}.${givenR}`;
      for (let k = 2; loginIds.has(loginId); k++) loginId = `${code}.${familyR}.${givenR}${k}`;
      loginIds.add(loginId);
      ops.push({ loginId, displayName: `${family} ${given}`, email: `${givenR}.${familyR}@${code}.example.jp`, role });
    }
    return { code, name: `株式会社${shortName}`, sites: siteList, operators: ops };
  });
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

const SEED_ACTOR = { operatorId: null, loginId: 'system:seed' };

/**
 * Seeds the demo world once (a database that already has tenants is left alone). Every row is
 * written with its audit event, like any other change.
 */
export async function seedDemo(): Promise<{ seeded: boolean; logins: DemoLogin[] }> {
  const plan = planDemo();
  const staff: PlannedOperator[] = [
    {
      loginId: 'platform.admin',
      displayName: 'プラットフォーム管理者',
      email: 'admin@mamori.example.jp',
      role: 'platform_admin',
    },
    {
      loginId: 'platform.auditor',
      displayName: 'プラットフォーム監査担当',
      email: 'auditor@mamori.example.jp',
      role: 'platform_auditor',
    },
  ];
  const logins: DemoLogin[] = [
    ...staff.map((s) => ({ loginId: s.loginId, role: s.role, tenant: '(platform)' })),
    ...plan
      .slice(0, 3)
      .flatMap((t) =>
        t.operators
          .filter((o) => o.loginId.endsWith('.admin') || o.loginId.endsWith('.operator'))
          .map((o) => ({ loginId: o.loginId, role: o.role, tenant: t.name })),
      ),
  ];
  const existing = await withPlatformTx((tx) =>
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(tenants)
      .where(eq(tenants.kind, 'tenant')),
  );
  if (existing[0].n > 0) return { seeded: false, logins };

  const everyone = [...staff, ...plan.flatMap((t) => t.operators)];
  // Each operator gets a hash of their own (own salt), computed on the thread pool.
  const hashes = new Map(
    await mapLimit(everyone, 4, async (op) => [op.loginId, await hashPassword(DEMO_PASSWORD)] as const),
  );

  const seededAt = now();
  await withPlatformTx(async (tx) => {
    for (const op of staff)
      await insertOperator(tx, PLATFORM_TENANT_ID, op, hashes.get(op.loginId)!, SEED_ACTOR, 'demo-seed');
    for (const t of plan) {
      const [tenant] = await tx
        .insert(tenants)
        .values({
          code: t.code,
          name: t.name,
          contactEmail: `security@${t.code}.example.jp`,
          ...newTenantTotpPolicy(seededAt),
        })
        .returning({ id: tenants.id });
      await recordAudit(tx, {
        tenantId: tenant.id,
        action: 'tenant.created',
        outcome: 'success',
        actor: SEED_ACTOR,
        target: { type: 'tenant', id: tenant.id },
        details: {
          code: t.code,
          name: t.name,
          source: 'demo-seed',
          totpRequired: true,
          totpGraceUntil: newTenantTotpPolicy(seededAt).totpGraceUntil.toISOString(),
        },
      });
      for (const s of t.sites) {
        const [site] = await tx
          .insert(sites)
          .values({ tenantId: tenant.id, ...s })
          .returning({ id: sites.id });
        const largest = t === plan[0] && s.code === 'main';
        await generateEcData(
          tx,
          { tenantId: tenant.id, siteId: site.id, code: `${t.code}/${s.code}` },
          largest ? DEMO_EC.largest : DEMO_EC.other,
          seededAt,
        );
        const gateway = PROVIDERS[(t.code.length + s.code.length) % PROVIDERS.length];
        const apiKey = sealPaymentSecret(tenant.id, site.id, 'api_key', `ak_${randomBytes(18).toString('base64url')}`);
        const secret = sealPaymentSecret(tenant.id, site.id, 'secret', `sk_${randomBytes(24).toString('base64url')}`);
        await tx.insert(paymentSettings).values({
          tenantId: tenant.id,
          siteId: site.id,
          ...gateway,
          merchantId: `${t.code.split('-')[0].toUpperCase()}${s.code === 'main' ? '01' : '02'}`,
          apiKeyCiphertext: apiKey.ciphertext,
          apiKeyLast4: apiKey.last4,
          secretCiphertext: secret.ciphertext,
          secretLast4: secret.last4,
          updatedByLoginId: SEED_ACTOR.loginId,
        });
        await recordAudit(tx, {
          tenantId: tenant.id,
          action: 'site.added',
          outcome: 'success',
          actor: SEED_ACTOR,
          target: { type: 'site', id: site.id },
          details: { code: s.code, name: s.name, source: 'demo-seed' },
        });
      }
      for (const op of t.operators)
        await insertOperator(tx, tenant.id, op, hashes.get(op.loginId)!, SEED_ACTOR, 'demo-seed');
    }
  });
  return { seeded: true, logins };
}
