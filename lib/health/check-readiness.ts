import 'server-only';
import { sql } from 'drizzle-orm';
import { getDatabase, pendingMigrations, rowsOf, withPlatformTx } from '@/db';
import { now } from '@/lib/clock';
import { logger } from '@/lib/observability/logger';

export interface Readiness {
  ready: boolean;
  checks: { database: boolean; migrations: boolean; signer: boolean };
}

const TIMEOUT_MS = 2_000;

/** A check that takes too long counts as failed: a load balancer's probe must not hang. */
async function within<T>(work: Promise<T>): Promise<T | false> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), TIMEOUT_MS))),
    ]);
  } catch (error) {
    logger().error({ err: error }, 'readiness check failed');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this instance should get traffic: the database answers, every migration on disk is
 * applied (instances of a newer release wait for the migration step), and the audit signer is
 * working: no chain has an event left unsigned for longer than two signing rounds and a minute.
 * The signer holds its key in a process of its own and signs every MAMORI_CHECKPOINT_SECONDS,
 * so a chain falling behind is how a stopped or unreachable signer shows.
 */
export async function checkReadiness(): Promise<Readiness> {
  const database = await within(
    withPlatformTx(async (tx) => rowsOf<{ ok: number }>(await tx.execute(sql`select 1 as ok`))[0]?.ok === 1, {
      readOnly: true,
    }),
  );
  const migrations = database
    ? await within(getDatabase().then(async (d) => (await pendingMigrations(d)) === 0))
    : false;
  const roundMs = Number(process.env.MAMORI_CHECKPOINT_SECONDS ?? 300) * 1000;
  const unsignedSince = new Date(now().getTime() - 2 * roundMs - 60_000).toISOString();
  const signer = database
    ? await within(
        withPlatformTx(
          async (tx) =>
            rowsOf<{ behind: number }>(
              await tx.execute(sql`
                select count(*)::int as behind
                  from audit_chains c
                  cross join lateral (select coalesce(max(seq), 0) as seq from audit_checkpoints k
                                       where k.tenant_id = c.tenant_id) signed
                  join audit_events e on e.tenant_id = c.tenant_id and e.seq = signed.seq + 1
                 where c.last_seq > signed.seq and e.occurred_at < ${unsignedSince}`),
            )[0].behind === 0,
          { readOnly: true },
        ),
      )
    : false;
  const checks = { database: database === true, migrations: migrations === true, signer: signer === true };
  return { ready: checks.database && checks.migrations && checks.signer, checks };
}
