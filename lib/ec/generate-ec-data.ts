import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@/db';

// Name and address parts. Constants only, so spelling them into SQL as literals is safe.
const FAMILY: [string, string, string][] = [
  ['佐藤', 'サトウ', 'sato'],
  ['鈴木', 'スズキ', 'suzuki'],
  ['高橋', 'タカハシ', 'takahashi'],
  ['田中', 'タナカ', 'tanaka'],
  ['伊藤', 'イトウ', 'ito'],
  ['渡辺', 'ワタナベ', 'watanabe'],
  ['山本', 'ヤマモト', 'yamamoto'],
  ['中村', 'ナカムラ', 'nakamura'],
  ['小林', 'コバヤシ', 'kobayashi'],
  ['加藤', 'カトウ', 'kato'],
  ['吉田', 'ヨシダ', 'yoshida'],
  ['山田', 'ヤマダ', 'yamada'],
  ['佐々木', 'ササキ', 'sasaki'],
  ['松本', 'マツモト', 'matsumoto'],
  ['井上', 'イノウエ', 'inoue'],
  ['木村', 'キムラ', 'kimura'],
];
const GIVEN: [string, string, string][] = [
  ['美咲', 'ミサキ', 'misaki'],
  ['陽菜', 'ヒナ', 'hina'],
  ['結衣', 'ユイ', 'yui'],
  ['さくら', 'サクラ', 'sakura'],
  ['翔太', 'ショウタ', 'shota'],
  ['大輝', 'ダイキ', 'daiki'],
  ['健太', 'ケンタ', 'kenta'],
  ['彩', 'アヤ', 'aya'],
  ['直樹', 'ナオキ', 'naoki'],
  ['真由美', 'マユミ', 'mayumi'],
  ['蓮', 'レン', 'ren'],
  ['葵', 'アオイ', 'aoi'],
];
const PLACES = [
  '東京都渋谷区神宮前',
  '東京都世田谷区三軒茶屋',
  '大阪府大阪市北区梅田',
  '愛知県名古屋市中区栄',
  '福岡県福岡市中央区天神',
  '北海道札幌市中央区大通西',
  '神奈川県横浜市西区みなとみらい',
  '京都府京都市下京区四条通',
  '宮城県仙台市青葉区一番町',
  '兵庫県神戸市中央区三宮町',
];
// A few customers type things that spreadsheets would run as formulas; exports must neutralise them.
const COMMENTS = [
  '',
  '',
  '',
  '',
  '',
  '',
  'ギフト包装をお願いします',
  '午前中に届くと助かります',
  '=HYPERLINK("http://example.invalid/","詳細")',
  '+81 90 1234 5678 に連絡ください',
  '-2+3 個でお願いします',
  '@SUM(1) テスト',
];

const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x.replaceAll("'", "''")}'`).join(',')}]::text[]`);
const col = (rows: [string, string, string][], i: number) => arr(rows.map((r) => r[i]));

/** A deterministic pseudo-random integer 0..n-1 from a key (same data on every run, set-based). */
const h = (key: string, n: number) => sql.raw(`(abs(hashtext(${key})) % ${n})`);

/** A stable id from a key, shaped as a version-4 UUID so strict UUID checks accept it. */
const idOf = (key: SQL) => sql`overlay(overlay(md5(${key}) placing '4' from 13) placing '8' from 17)::uuid`;

/**
 * Generates a site's members and orders set-based (one INSERT ... SELECT each), deterministic for
 * the site's code. `customers` members place the orders: the first `customers` orders have one
 * customer each, the rest come from the same customers again, so exactly that many distinct
 * customers appear (the incident: 15,581 orders of 10,946 customers).
 */
export async function generateEcData(
  tx: Tx,
  site: { tenantId: string; siteId: string; code: string },
  size: { members: number; orders: number; customers: number },
  end: Date,
): Promise<void> {
  const customers = Math.min(size.customers, size.members);
  const k = (salt: string) => `'${site.code.replaceAll("'", "''")}:${salt}:' || i`;
  await tx.execute(sql`
    insert into members (tenant_id, site_id, id, member_no, name, name_kana, email, phone, postal_code, address, registered_at)
    select ${site.tenantId}, ${site.siteId}, ${idOf(sql`${site.siteId}::text || ':m:' || i`)}, 'M' || lpad(i::text, 7, '0'),
           (${col(FAMILY, 0)})[1 + f] || ' ' || (${col(GIVEN, 0)})[1 + g],
           (${col(FAMILY, 1)})[1 + f] || ' ' || (${col(GIVEN, 1)})[1 + g],
           (${col(GIVEN, 2)})[1 + g] || '.' || (${col(FAMILY, 2)})[1 + f] || i || '@mail.example.jp',
           '0' || (7 + ${h(k('p1'), 3)}) || '0-' || lpad(${h(k('p2'), 10000)}::text, 4, '0') || '-' || lpad(${h(k('p3'), 10000)}::text, 4, '0'),
           lpad((100 + ${h(k('z1'), 900)})::text, 3, '0') || '-' || lpad(${h(k('z2'), 10000)}::text, 4, '0'),
           (${arr(PLACES)})[1 + ${h(k('a1'), PLACES.length)}] || (1 + ${h(k('a2'), 9)}) || '-' || (1 + ${h(k('a3'), 30)}) || '-' || (1 + ${h(k('a4'), 20)}),
           ${end.toISOString()}::timestamptz - interval '1 day' * (730 + ${h(k('r'), 1460)})
      from generate_series(1, ${size.members}) as i,
           lateral (select ${h(k('f'), FAMILY.length)} as f, ${h(k('g'), GIVEN.length)} as g) as n`);
  // Orders over the last two years, oldest first; about one in five ships to someone else.
  await tx.execute(sql`
    insert into orders (tenant_id, site_id, id, order_no, status, ordered_at, member_id, customer_name, customer_kana,
      customer_email, customer_email_alt, customer_phone, customer_postal_code, customer_address, customer_comment,
      admin_comment, ship_name, ship_postal_code, ship_address, ship_phone, amount, tracking_no)
    select ${site.tenantId}, ${site.siteId}, ${idOf(sql`${site.siteId}::text || ':o:' || i`)},
           to_char(t.at at time zone 'Asia/Tokyo', 'YYYYMMDD') || '-' || lpad(i::text, 6, '0'),
           case when t.at > ${end.toISOString()}::timestamptz - interval '3 days' then 'received'
                when ${h(k('s'), 100)} < 4 then 'cancelled' when ${h(k('s'), 100)} < 9 then 'paid' else 'shipped' end,
           t.at, m.id, m.name, m.name_kana, m.email,
           case when ${h(k('e'), 10)} = 0 then 'alt.' || m.email end,
           m.phone, m.postal_code, m.address,
           nullif((${arr(COMMENTS)})[1 + ${h(k('c'), COMMENTS.length)}], ''),
           case when ${h(k('ac'), 20)} = 0 then '電話にて在庫確認済み' end,
           case when gift then (${col(FAMILY, 0)})[1 + ${h(k('gf'), FAMILY.length)}] || ' ' || (${col(GIVEN, 0)})[1 + ${h(k('gg'), GIVEN.length)}] else m.name end,
           case when gift then lpad((100 + ${h(k('gz'), 900)})::text, 3, '0') || '-' || lpad(${h(k('gz2'), 10000)}::text, 4, '0') else m.postal_code end,
           case when gift then (${arr(PLACES)})[1 + ${h(k('ga'), PLACES.length)}] || (1 + ${h(k('ga2'), 9)}) || '-' || (1 + ${h(k('ga3'), 30)}) else m.address end,
           case when gift then '03-' || lpad(${h(k('gp'), 10000)}::text, 4, '0') || '-' || lpad(${h(k('gp2'), 10000)}::text, 4, '0') else m.phone end,
           (1 + ${h(k('amt'), 300)}) * 100 + 80,
           case when t.at <= ${end.toISOString()}::timestamptz - interval '3 days' and ${h(k('s'), 100)} >= 9
                then (100000000000 + ${h(k('tr'), 899999999)}::bigint)::text end
      from generate_series(1, ${size.orders}) as i
      cross join lateral (select ${end.toISOString()}::timestamptz - interval '730 days' * (1 - i::float8 / ${size.orders}) as at,
                                 ${h(k('gift'), 5)} = 0 as gift,
                                 case when i <= ${customers} then i else 1 + ${h(k('cu'), customers)} end as member_no) as t
      join members m on m.tenant_id = ${site.tenantId} and m.site_id = ${site.siteId} and m.member_no = 'M' || lpad(t.member_no::text, 7, '0')`);
}
