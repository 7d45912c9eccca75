/**
 * `npm run demo:incident`: plays the incident of the notice against the demo data, so the audit
 * trail holds something to pivot on, contain and measure. From one address (203.0.113.66) an
 * intruder signs in with an operator's real password at two companies, lists and reveals members,
 * exports the main site's order history and reveals both sites' payment-gateway secrets; the
 * events are written as the console writes them (docs/audit-events.md), under the intruder's real
 * sessions. Runs on the configured database (stop the console first when it runs on PGlite).
 */
import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { getDatabase, withTenantTx } from '@/db';
import { PLATFORM_TENANT_ID, operators, sites, tenants } from '@/db/schema';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { recordAudit } from '@/lib/audit/record-audit';
import { DEMO_PASSWORD, seedDemo } from '@/lib/demo/seed-demo';

const INTRUDER = '203.0.113.66';
const AGENT = 'python-requests/2.31.0';
const EXPORTED = { rows: 15_581, customers: 10_946 };

const database = await getDatabase();
await seedDemo();

async function intrude(loginId: string, work: (on: Target) => Promise<void>) {
  const login = await loginWithPassword({ loginId, password: DEMO_PASSWORD }, { ip: INTRUDER, userAgent: AGENT });
  if (!login.ok) throw new Error(`${loginId}: the demo login was refused (${login.reason}); run it on fresh demo data`);
  const [op] = await database.db
    .select({ id: operators.id, tenantId: operators.tenantId })
    .from(operators)
    .where(eq(operators.loginId, loginId));
  const shops = await database.db
    .select({ id: sites.id, name: sites.name })
    .from(sites)
    .where(eq(sites.tenantId, op.tenantId))
    .orderBy(asc(sites.code));
  const [tenant] = await database.db.select({ code: tenants.code }).from(tenants).where(eq(tenants.id, op.tenantId));
  await work({
    tenantId: op.tenantId,
    operatorId: op.id,
    loginId,
    sessionId: login.sessionId,
    shops,
    code: tenant.code,
  });
}

interface Target {
  tenantId: string;
  operatorId: string;
  loginId: string;
  sessionId: string;
  shops: { id: string; name: string }[];
  code: string;
}

/** One event as the console writes it, in the intruder's session. */
const event = (on: Target, action: string, details: Record<string, unknown>, target?: { type: string; id: string }) =>
  withTenantTx(on.tenantId, (tx) =>
    recordAudit(tx, {
      tenantId: on.tenantId,
      action,
      outcome: 'success',
      actor: { operatorId: on.operatorId, loginId: on.loginId },
      target: target ?? null,
      ip: INTRUDER,
      userAgent: AGENT,
      sessionId: on.sessionId,
      details,
    }),
  );

await intrude('sakura.operator', async (on) => {
  const [main, outlet] = on.shops;
  for (let page = 0; page < 6; page++) await event(on, 'members.listed', { siteId: main.id, count: 50 });
  for (const memberNo of ['M000012', 'M000347', 'M001024'])
    await event(on, 'member.revealed', { siteId: main.id, memberNo });
  for (let page = 0; page < 4; page++) await event(on, 'orders.listed', { siteId: main.id, count: 50 });
  const common = {
    siteId: main.id,
    from: '2023-01-01T00:00:00.000Z',
    to: '2026-11-01T00:00:00.000Z',
    columns: ['orderNo', 'orderedAt', 'customerName', 'email', 'phone', 'address', 'total'],
    reason: '月次集計',
    encoding: 'sjis',
  };
  await event(on, 'orders.export_started', { ...common, ...EXPORTED });
  await event(on, 'orders.exported', {
    ...common,
    ...EXPORTED,
    bytes: 4_205_870,
    sha256: createHash('sha256').update(`demo-incident:${main.id}`).digest('hex'),
  });
  for (const shop of [main, outlet].filter(Boolean))
    await event(on, 'payment_settings.revealed', { siteId: shop.id, field: 'secret', reason: '設定確認' });
  console.log(
    `[demo:incident] ${on.code}: signed in as ${on.loginId} from ${INTRUDER}, exported ${EXPORTED.rows.toLocaleString('en')} orders`,
  );
  console.log(`  pivot:  /t/${on.tenantId}/audit?ip=${INTRUDER}`);
});

await intrude('aoba.operator', async (on) => {
  for (let page = 0; page < 3; page++) await event(on, 'members.listed', { siteId: on.shops[0].id, count: 50 });
  console.log(`[demo:incident] ${on.code}: signed in as ${on.loginId} from ${INTRUDER}, listed members`);
});

console.log(`  across tenants (platform staff): /t/${PLATFORM_TENANT_ID}/audit?across=all&ip=${INTRUDER}`);
await database.close();
