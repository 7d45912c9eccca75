import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withTenantTx } from '@/db';
import { recordAudit } from '@/lib/audit/record-audit';
import { requestCheckpoints } from '@/lib/audit/request-checkpoints';
import { advanceClock, resetClock } from '@/lib/clock';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestSigner } from '@/lib/testing/signer';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { checkReadiness } from './check-readiness';

const db = setupTestDatabase();
setupTestSigner();
afterEach(() => resetClock());

describe('readiness', () => {
  it('is ready on a migrated database whose chains are signed', async () => {
    expect(await checkReadiness()).toEqual({ ready: true, checks: { database: true, migrations: true, signer: true } });
  });

  it('is not ready while an event has waited unsigned for two signing rounds and a minute, and is again once signed', async () => {
    const tenant = await createTenant('readiness');
    await withTenantTx(tenant, (tx) =>
      recordAudit(tx, { tenantId: tenant, action: 'operator.updated', outcome: 'success' }),
    );
    advanceClock(10 * 60_000);
    expect((await checkReadiness()).checks.signer).toBe(true);
    advanceClock(60_001);
    expect(await checkReadiness()).toEqual({
      ready: false,
      checks: { database: true, migrations: true, signer: false },
    });
    await requestCheckpoints(tenant);
    expect(await checkReadiness()).toMatchObject({ ready: true, checks: { signer: true } });
  });

  it('is not ready when a migration on disk is not applied (a newer release before its migration step)', async () => {
    const database = db.current();
    const last = (await database.db.execute(
      sql`select id, hash, created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
    )) as unknown as { rows: { id: number; hash: string; created_at: string }[] };
    const row = last.rows[0];
    await database.db.execute(sql`delete from drizzle.__drizzle_migrations where id = ${row.id}`);
    try {
      expect(await checkReadiness()).toEqual({
        ready: false,
        checks: { database: true, migrations: false, signer: true },
      });
    } finally {
      await database.db.execute(
        sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${row.id}, ${row.hash}, ${row.created_at})`,
      );
    }
    expect((await checkReadiness()).ready).toBe(true);
  });
});
