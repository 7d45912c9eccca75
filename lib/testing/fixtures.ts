import { sql } from 'drizzle-orm';
import { withPlatformTx } from '@/db';
import { operators, sites, tenants, type Role } from '@/db/schema';
import { generateEcData } from '@/lib/ec/generate-ec-data';
import { hashPassword } from '@/lib/passwords/hash-password';
import { loginIdKey } from '@/lib/tenancy/normalize-login-id';

/**
 * A bare tenant for tests. TOTP is not required here (tests of login, sessions and the clock
 * would otherwise meet the enrollment gate); tests of the TOTP policy set it themselves, and
 * createTenant in lib/tenancy gives real tenants the required default.
 */
export async function createTenant(code: string): Promise<string> {
  return withPlatformTx(async (tx) => {
    const [t] = await tx
      .insert(tenants)
      .values({ code, name: `株式会社${code}`, totpRequired: false })
      .returning({ id: tenants.id });
    return t.id;
  });
}

export async function createOperator(
  tenantId: string,
  loginId: string,
  password: string,
  role: Role = 'tenant_operator',
) {
  const passwordHash = await hashPassword(password);
  return withPlatformTx(async (tx) => {
    const [op] = await tx
      .insert(operators)
      .values({ tenantId, loginId, loginIdKey: loginIdKey(loginId), displayName: loginId, role, passwordHash })
      .returning({ id: operators.id });
    return op.id;
  });
}

/** A site with generated shop data (members, orders) of the given size. */
export async function createSite(
  tenantId: string,
  code: string,
  size = { members: 30, orders: 20, customers: 15 },
): Promise<string> {
  return withPlatformTx(async (tx) => {
    const [site] = await tx
      .insert(sites)
      .values({ tenantId, code, name: `${code} ストア` })
      .returning({ id: sites.id });
    await generateEcData(tx, { tenantId, siteId: site.id, code: `${tenantId}/${code}` }, size, new Date());
    return site.id;
  });
}

/** Raw SQL as the connecting (super)user: what an attacker with database access could do. */
export async function superuserQuery<T = Record<string, unknown>>(
  db: { execute: (q: never) => Promise<unknown> },
  text: string,
): Promise<T[]> {
  const result = (await db.execute(sql.raw(text) as never)) as { rows: T[] };
  return result.rows;
}
