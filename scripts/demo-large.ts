/**
 * `npm run demo:large`: the demo's shop data at the incident's full scale, on the configured
 * database (embedded PGlite in .data/ unless DATABASE_URL is set; stop the console first when it
 * runs on PGlite). The first company's main site gets 15,581 orders of 10,946 customers, and
 * 42 sites hold ~980,000 members in all. Existing demo members and orders of those sites are
 * replaced; everything is generated set-based, one site per transaction.
 */
import { asc, desc, eq, sql } from 'drizzle-orm';
import { getDatabase, type Tx } from '@/db';
import { sites, tenants } from '@/db/schema';
import { DEMO_EC, planDemo, seedDemo } from '@/lib/demo/seed-demo';
import { generateEcData } from '@/lib/ec/generate-ec-data';

const MEMBERS = 980_000;
const SITES = 42;
const LARGEST = { orders: 15_581, customers: 10_946 };

const database = await getDatabase();
await seedDemo();
const list = await database.db
  .select({ tenantId: sites.tenantId, siteId: sites.id, code: sql<string>`${tenants.code} || '/' || ${sites.code}` })
  .from(sites)
  .innerJoin(tenants, eq(tenants.id, sites.tenantId))
  .where(eq(tenants.kind, 'tenant'))
  // The demo's largest site (the first company's main site) first, then a stable order.
  .orderBy(
    desc(sql`${tenants.code} = ${planDemo()[0].code} and ${sites.code} = 'main'`),
    asc(tenants.code),
    asc(sites.code),
  )
  .limit(SITES);
const started = Date.now();
let members = 0;
for (const [i, site] of list.entries()) {
  const count = Math.floor(MEMBERS / list.length) + (i < MEMBERS % list.length ? 1 : 0);
  const size = i === 0 ? { members: count, ...LARGEST } : { ...DEMO_EC.other, members: count };
  // The owner connection: replacing demo rows is a maintenance step, not a console action.
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`delete from orders where tenant_id = ${site.tenantId} and site_id = ${site.siteId}`);
    await tx.execute(sql`delete from members where tenant_id = ${site.tenantId} and site_id = ${site.siteId}`);
    await generateEcData(tx as Tx, site, size, new Date());
  });
  members += count;
  console.log(
    `[demo:large] ${site.code}: ${count.toLocaleString('en')} members, ${size.orders.toLocaleString('en')} orders (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
}
console.log(
  `[demo:large] ${members.toLocaleString('en')} members on ${list.length} sites in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
await database.close();
