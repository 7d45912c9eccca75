import 'server-only';
import { createHash } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { withPlatformTx, withTenantTx } from '@/db';
import { auditEvents, operators, sites, tenants, totpCredentials } from '@/db/schema';
import { loginWithPassword } from '@/lib/auth/login-with-password';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { seal } from '@/lib/crypto/keyring';
import { completeMfaLogin, WRONG_CODES_ALERT } from '@/lib/mfa/complete-mfa-login';
import { newTotpSecret, totpAt, totpSeedContext } from '@/lib/mfa/otp';
import { DEMO_PASSWORD, planDemo } from './seed-demo';

/** Where the intruder came from, and what the notice's facts are on the demo data. */
export const INTRUDER_IP = '203.0.113.66';
const OFFICE_IP = '198.51.100.20';
const AGENT = 'python-requests/2.31.0';
export const DEMO_INCIDENT_FACTS = {
  companies: 2,
  loginIds: 2,
  ordersExported: 15_581,
  customers: 10_946,
  exportFiles: 1,
  membersListed: 450,
  membersRevealed: 3,
  ordersListed: 200,
  paymentSecretsRevealed: 2,
} as const;
// The companies it happens at: the fourth and fifth of the demo, which the browser tests leave alone.
const VICTIMS = [3, 4] as const;

interface Victim {
  tenantId: string;
  tenantName: string;
  operatorId: string;
  loginId: string;
  shops: { id: string; name: string }[];
}

export interface ReplayedIncident {
  victims: { tenantId: string; tenantName: string; loginId: string }[];
  alertedLoginId: string;
}

/**
 * Plays the incident of the notice against the demo data, once: at the fourth company an
 * operator's TOTP seed and password have leaked; from one address (INTRUDER_IP) the intruder first
 * fails the second factor (three wrong codes raise the "password known to someone else" alert),
 * then signs in with a code from the stolen seed, lists and reveals members, exports the main
 * site's order history (15,581 orders of 10,946 customers) and reveals both sites' payment-gateway
 * secrets; at the fifth company, with a password alone (its operator has no TOTP yet), lists
 * members. Sign-ins go through the real login; what the intruder then did is written as the
 * console writes it (docs/audit-events.md), under the intruder's real sessions. Returns null when
 * it was already played on this database.
 */
export async function replayIncident(): Promise<ReplayedIncident | null> {
  const plan = planDemo();
  const [main, other] = await Promise.all(VICTIMS.map((i) => victim(plan[i].code, plan[i].operators.at(-1)!.loginId)));
  const played = await withTenantTx(main.tenantId, (tx) =>
    tx
      .select({ seq: auditEvents.seq })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, main.tenantId), eq(auditEvents.ip, INTRUDER_IP)))
      .limit(1),
  );
  if (played.length > 0) return null;

  // Earlier, from the office: the operator set up TOTP. Its seed is what the backdoor took.
  const secret = newTotpSecret();
  await withTenantTx(main.tenantId, async (tx) => {
    const { ciphertext, keyId } = seal('totp-seed', secret, totpSeedContext(main.tenantId, main.operatorId));
    await tx.insert(totpCredentials).values({
      tenantId: main.tenantId,
      operatorId: main.operatorId,
      secretCiphertext: ciphertext,
      keyId,
      status: 'active',
      enrolledAt: now(),
    });
    await recordAudit(tx, {
      tenantId: main.tenantId,
      action: 'mfa.enrolled',
      outcome: 'success',
      actor: { operatorId: main.operatorId, loginId: main.loginId },
      target: { type: 'operator', id: main.operatorId },
      ip: OFFICE_IP,
      userAgent: 'Mozilla/5.0',
      details: {},
    });
  });

  const meta = { ip: INTRUDER_IP, userAgent: AGENT };
  const challenge = async () => {
    const r = await loginWithPassword({ loginId: main.loginId, password: DEMO_PASSWORD }, meta);
    if (r.ok || r.reason !== 'mfa_required') throw new Error(`${main.loginId}: expected a TOTP challenge`);
    return r.challengeToken;
  };
  // The password alone: wrong codes, until the platform raises its alert.
  const first = await challenge();
  for (let i = 0; i < WRONG_CODES_ALERT; i++) await completeMfaLogin(first, '000000', meta);
  // Then with the stolen seed.
  const signedIn = await completeMfaLogin(
    await challenge(),
    await totpAt(secret, Math.floor(now().getTime() / 1000)),
    meta,
  );
  if (!signedIn.ok) throw new Error(`${main.loginId}: the code from the seed was refused (${signedIn.reason})`);
  const at = (v: Victim, sessionId: string) => ({
    event: (action: string, details: Record<string, unknown>) =>
      withTenantTx(v.tenantId, (tx) =>
        recordAudit(tx, {
          tenantId: v.tenantId,
          action,
          outcome: 'success',
          actor: { operatorId: v.operatorId, loginId: v.loginId },
          ip: INTRUDER_IP,
          userAgent: AGENT,
          sessionId,
          details,
        }),
      ),
  });
  const a = at(main, signedIn.sessionId);
  const [shop, outlet] = main.shops;
  for (let page = 0; page < 6; page++) await a.event('members.listed', { siteId: shop.id, count: 50 });
  for (const memberNo of ['M000012', 'M000347', 'M001024'])
    await a.event('member.revealed', { siteId: shop.id, memberNo });
  for (let page = 0; page < 4; page++) await a.event('orders.listed', { siteId: shop.id, count: 50 });
  const exported = { rows: DEMO_INCIDENT_FACTS.ordersExported, customers: DEMO_INCIDENT_FACTS.customers };
  const common = {
    siteId: shop.id,
    from: '2023-01-01T00:00:00.000Z',
    to: '2026-11-01T00:00:00.000Z',
    columns: ['orderNo', 'orderedAt', 'customerName', 'email', 'phone', 'address', 'total'],
    reason: '月次集計',
    encoding: 'sjis',
  };
  await a.event('orders.export_started', { ...common, ...exported });
  await a.event('orders.exported', {
    ...common,
    ...exported,
    bytes: 4_205_870,
    sha256: createHash('sha256').update(`demo-incident:${shop.id}`).digest('hex'),
  });
  for (const s of [shop, outlet])
    await a.event('payment_settings.revealed', { siteId: s.id, field: 'secret', reason: '設定確認' });

  const otherLogin = await loginWithPassword({ loginId: other.loginId, password: DEMO_PASSWORD }, meta);
  if (!otherLogin.ok) throw new Error(`${other.loginId}: the demo login was refused (${otherLogin.reason})`);
  const b = at(other, otherLogin.sessionId);
  for (let page = 0; page < 3; page++) await b.event('members.listed', { siteId: other.shops[0].id, count: 50 });

  return {
    victims: [main, other].map((v) => ({ tenantId: v.tenantId, tenantName: v.tenantName, loginId: v.loginId })),
    alertedLoginId: main.loginId,
  };
}

async function victim(code: string, loginId: string): Promise<Victim> {
  return withPlatformTx(async (tx) => {
    const [t] = await tx.select({ id: tenants.id, name: tenants.name }).from(tenants).where(eq(tenants.code, code));
    if (!t) throw new Error(`demo company ${code} is missing: run it on the demo data`);
    const [op] = await tx
      .select({ id: operators.id })
      .from(operators)
      .where(and(eq(operators.tenantId, t.id), eq(operators.loginId, loginId)));
    const shops = await tx
      .select({ id: sites.id, name: sites.name })
      .from(sites)
      .where(eq(sites.tenantId, t.id))
      .orderBy(asc(sites.code));
    return { tenantId: t.id, tenantName: t.name, operatorId: op.id, loginId, shops };
  });
}
