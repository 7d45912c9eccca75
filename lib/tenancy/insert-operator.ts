import 'server-only';
import type { Tx } from '@/db';
import { operators, type Role } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { loginIdKey, normalizeLoginId } from './normalize-login-id';

export interface NewOperator {
  loginId: string;
  displayName: string;
  email: string | null;
  role: Role;
}

/** Inserts an operator and its `operator.created` event in the caller's transaction. */
export async function insertOperator(
  tx: Tx,
  tenantId: string,
  op: NewOperator,
  passwordHash: string,
  actor: { operatorId: string | null; loginId: string },
  source: string,
): Promise<string> {
  const loginId = normalizeLoginId(op.loginId);
  const [row] = await tx
    .insert(operators)
    .values({
      tenantId,
      loginId,
      loginIdKey: loginIdKey(loginId),
      displayName: op.displayName,
      email: op.email,
      role: op.role,
      passwordHash,
    })
    .returning({ id: operators.id });
  await recordAudit(tx, {
    tenantId,
    action: 'operator.created',
    outcome: 'success',
    actor,
    target: { type: 'operator', id: row.id },
    details: { loginId, role: op.role, source },
  });
  return row.id;
}
