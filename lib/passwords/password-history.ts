import 'server-only';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '@/db';
import { operators, passwordHistory, sites, tenants } from '@/db/schema';
import { verifyPassword } from './hash-password';

/** With the current password this makes the last five that cannot be reused. */
const KEPT = 4;

/** Whether the password is the operator's current one or one of the four before it. */
export async function isReusedPassword(
  tx: Tx,
  tenantId: string,
  operatorId: string,
  currentHash: string,
  password: string,
): Promise<boolean> {
  const older = await tx
    .select({ hash: passwordHistory.passwordHash })
    .from(passwordHistory)
    .where(and(eq(passwordHistory.tenantId, tenantId), eq(passwordHistory.operatorId, operatorId)))
    .orderBy(desc(passwordHistory.createdAt))
    .limit(KEPT);
  for (const hash of [currentHash, ...older.map((r) => r.hash)]) {
    if (await verifyPassword(hash, password)) return true;
  }
  return false;
}

/** Moves the outgoing hash into the history and forgets anything older than the kept window. */
export async function pushPasswordHistory(
  tx: Tx,
  tenantId: string,
  operatorId: string,
  outgoingHash: string,
): Promise<void> {
  await tx.insert(passwordHistory).values({ tenantId, operatorId, passwordHash: outgoingHash });
  const keep = tx
    .select({ id: passwordHistory.id })
    .from(passwordHistory)
    .where(and(eq(passwordHistory.tenantId, tenantId), eq(passwordHistory.operatorId, operatorId)))
    .orderBy(desc(passwordHistory.createdAt))
    .limit(KEPT);
  await tx
    .delete(passwordHistory)
    .where(
      and(
        eq(passwordHistory.tenantId, tenantId),
        eq(passwordHistory.operatorId, operatorId),
        sql`${passwordHistory.id} not in ${keep}`,
      ),
    );
}

/** The words of this operator's world a password must not be built on, and the tenant minimum. */
export async function passwordRules(tx: Tx, tenantId: string, operatorId: string) {
  const [row] = await tx
    .select({
      loginId: operators.loginId,
      displayName: operators.displayName,
      email: operators.email,
      hash: operators.passwordHash,
      tenantName: tenants.name,
      tenantCode: tenants.code,
      minLength: tenants.passwordMinLength,
    })
    .from(operators)
    .innerJoin(tenants, eq(tenants.id, operators.tenantId))
    .where(and(eq(operators.tenantId, tenantId), eq(operators.id, operatorId)));
  const siteRows = await tx
    .select({ name: sites.name, code: sites.code, domain: sites.domain })
    .from(sites)
    .where(inArray(sites.tenantId, [tenantId]));
  return {
    currentHash: row.hash,
    minLength: row.minLength,
    context: [
      row.loginId,
      row.displayName,
      row.email?.split('@')[0],
      row.tenantName.replace(/^株式会社|株式会社$/g, ''),
      row.tenantCode,
      ...siteRows.flatMap((s) => [s.name, s.code, s.domain?.split('.')[0]]),
    ],
  };
}
