import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withPlatformTx } from '@/db';
import { now } from '@/lib/clock';
import { applyCompromise } from './apply-compromise';

// A declaration younger than this is still being applied by the request that made it.
const RESUME_AFTER_MS = 60_000;

/**
 * Finishes every compromise declaration whose tenants were not all voided (the instance applying
 * it died in between): each remaining tenant in a transaction of its own, recorded as done by the
 * platform. Safe on every instance at once: a tenant being applied elsewhere is skipped, and a
 * declaration of the last minute is left to the request applying it.
 */
export async function resumeCompromises(): Promise<number> {
  const pending = await withPlatformTx(
    async (tx) =>
      rowsOf<{ owner: string; id: string }>(
        await tx.execute(sql`
          select distinct ct.owner_tenant_id as owner, ct.declaration_id as id
            from compromise_tenants ct
            join compromise_declarations d on d.tenant_id = ct.owner_tenant_id and d.id = ct.declaration_id
           where ct.applied_at is null and d.declared_at < ${new Date(now().getTime() - RESUME_AFTER_MS).toISOString()}`),
      ),
    { readOnly: true },
  );
  let applied = 0;
  for (const p of pending) applied += await applyCompromise(p.owner, p.id, null);
  return applied;
}
