import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf, withPlatformTx, withTenantTx } from '@/db';
import { auditEvents } from '@/db/schema';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { completeRecord, eventDigest } from './canonical';
import { auditFieldsOf, recordAudit } from './record-audit';
import { sequenceWaitingAudit } from './sequence-audit';
import { verifyChain, type ChainRow } from './verify-chain';

const db = setupTestDatabase();

/** An event as the door would complete it, for writing it in by hand as the owner. */
function recordOf(input: Parameters<typeof auditFieldsOf>[0]) {
  const record = completeRecord(auditFieldsOf(input), crypto.randomUUID(), new Date());
  return { record, digestHex: eventDigest(record).toString('hex') };
}

async function chainRows(tenantId: string): Promise<ChainRow[]> {
  const rows = await withPlatformTx((tx) =>
    tx.select().from(auditEvents).where(eq(auditEvents.tenantId, tenantId)).orderBy(asc(auditEvents.seq)),
  );
  return rows.map((r) => ({ ...r, details: r.details as Record<string, unknown> }));
}

// Another session holding a chain: only PostgreSQL has more than one.
const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/** Events of this tenant waiting in the inbox, read as the owner (the app role may only insert there). */
async function waiting(tenantId: string): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await db.current().db.execute(sql`select count(*)::int as n from audit_inbox where tenant_id = ${tenantId}`),
  );
  return row.n;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached in 2 s');
}

const append = (tenantId: string, i: number) =>
  withTenantTx(tenantId, (tx) =>
    recordAudit(tx, {
      tenantId,
      action: 'test.event',
      outcome: 'success',
      actor: { operatorId: null, loginId: `w${i}` },
      details: { i, text: '日本語' },
    }),
  );

describe('audit hash chain', () => {
  it('16 concurrent writers produce one unbroken chain (no fork, no gap) that verifies', async () => {
    const tenantId = await createTenant(`chain-${Date.now()}`);
    await Promise.all(
      Array.from({ length: 16 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 10; i++) await append(tenantId, w * 100 + i);
        })(),
      ),
    );
    const rows = await chainRows(tenantId);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
    expect(verifyChain(rows)).toMatchObject({ ok: true, count: 160, lastSeq: 160 });
    // Each writer returned only once its event was chained: nothing is left waiting.
    expect(await waiting(tenantId)).toBe(0);
  });

  it.runIf(onPostgres)(
    'an event written while its chain is held waits in the inbox, committed with its change, and is chained right after',
    async () => {
      const tenantId = await createTenant(`held-${Date.now()}`);
      await append(tenantId, 1);
      const seqs: (number | null)[] = [];
      const { writer } = await db.current().db.transaction(async (holder) => {
        await holder.execute(sql`select pg_advisory_xact_lock(mamori_audit_lock_key(${tenantId}::uuid))`);
        const writer = withTenantTx(tenantId, async (tx) => {
          seqs.push(
            (await recordAudit(tx, { tenantId, action: 'test.event', outcome: 'success', details: { i: 2 } })).seq,
          );
        });
        // The writer's transaction commits with its event in the inbox, then waits for the chain.
        await until(async () => (await waiting(tenantId)) === 1);
        expect(seqs).toEqual([null]);
        expect(await chainRows(tenantId)).toHaveLength(1);
        return { writer };
      });
      await writer;
      const rows = await chainRows(tenantId);
      expect(rows.map((r) => [r.seq, (r.details as { i?: number }).i])).toEqual([
        [1, 1],
        [2, 2],
      ]);
      expect(verifyChain(rows).ok).toBe(true);
      expect(await waiting(tenantId)).toBe(0);
    },
  );

  it.runIf(onPostgres)(
    'behind another transaction of this process a writer goes straight to the inbox, without waiting on the chain',
    async () => {
      const tenantId = await createTenant(`queue-${Date.now()}`);
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const record = (i: number, hold?: Promise<void>) =>
        withTenantTx(tenantId, async (tx) => {
          const { seq } = await recordAudit(tx, { tenantId, action: 'test.event', outcome: 'success', details: { i } });
          await hold;
          return seq;
        });
      // Advisory locks held (granted) or waited for in this file's database: this test's only.
      const advisory = async (granted: boolean) =>
        rowsOf<{ n: number }>(
          await db.current().db.execute(sql`select count(*)::int as n from pg_locks
        where locktype = 'advisory' and granted = ${granted} and database = (select oid from pg_database where datname = current_database())`),
        )[0].n;
      const first = record(1, gate);
      await until(async () => (await advisory(true)) === 1);
      // Committed in the inbox without asking for the lock; then its sequencer call waits for it.
      const second = record(2);
      await until(async () => (await waiting(tenantId)) === 1);
      const third = record(3);
      await until(async () => (await waiting(tenantId)) === 2);
      expect(await advisory(true)).toBe(1);
      open();
      expect(await first).toBe(1);
      expect(await second).toBeNull();
      expect(await third).toBeNull();
      expect(await waiting(tenantId)).toBe(0);
      const rows = await chainRows(tenantId);
      expect(rows.map((r) => [r.seq, (r.details as { i?: number }).i])).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
      expect(verifyChain(rows).ok).toBe(true);
      // Every transaction ended, so the next writer has nobody ahead and chains in its own.
      expect(await record(4)).toBe(4);
    },
  );

  it.runIf(onPostgres)('a change rolled back while its chain is held leaves nothing waiting and no gap', async () => {
    const tenantId = await createTenant(`held-rollback-${Date.now()}`);
    await append(tenantId, 1);
    await db.current().db.transaction(async (holder) => {
      await holder.execute(sql`select pg_advisory_xact_lock(mamori_audit_lock_key(${tenantId}::uuid))`);
      await expect(
        withTenantTx(tenantId, async (tx) => {
          expect((await recordAudit(tx, { tenantId, action: 'test.event', outcome: 'success' })).seq).toBeNull();
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await waiting(tenantId)).toBe(0);
    });
    await append(tenantId, 3);
    const rows = await chainRows(tenantId);
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(verifyChain(rows).ok).toBe(true);
  });

  it('the sweep chains an event left waiting by a writer that stopped after its commit', async () => {
    const tenantId = await createTenant(`sweep-${Date.now()}`);
    await append(tenantId, 1);
    const { record: r, digestHex } = recordOf({
      tenantId,
      action: 'test.event',
      outcome: 'success',
      actor: { operatorId: null, loginId: 'stopped' },
      details: { i: 2 },
    });
    await db.current().db
      .execute(sql`insert into audit_inbox (tenant_id, id, occurred_at, actor_login_id, action, outcome, details, digest)
      values (${tenantId}, ${r.id}, ${r.occurredAt.toISOString()}, ${r.actorLoginId}, ${r.action}, ${r.outcome}, ${JSON.stringify(r.details)}::jsonb, decode(${digestHex}, 'hex'))`);
    expect(await sequenceWaitingAudit()).toBe(1);
    const rows = await chainRows(tenantId);
    expect(rows.map((x) => [x.seq, x.id])).toEqual([
      [1, rows[0].id],
      [2, r.id],
    ]);
    expect(verifyChain(rows).ok).toBe(true);
    expect(await waiting(tenantId)).toBe(0);
    expect(await sequenceWaitingAudit()).toBe(0);
  });

  it("a tenant transaction cannot put an event into another tenant's inbox or chain", async () => {
    const a = await createTenant(`inbox-a-${Date.now()}`);
    const b = await createTenant(`inbox-b-${Date.now()}`);
    const { record: r, digestHex } = recordOf({ tenantId: b, action: 'test.event', outcome: 'success' });
    // Row-level security's check refuses the row outright, and the append finds no chain of B's.
    await expect(
      withTenantTx(a, (tx) =>
        tx.execute(sql`insert into audit_inbox (tenant_id, id, occurred_at, action, outcome, details, digest)
        values (${b}, ${r.id}, ${r.occurredAt.toISOString()}, ${r.action}, ${r.outcome}, '{}'::jsonb, decode(${digestHex}, 'hex'))`),
      ),
    ).rejects.toThrow();
    await expect(
      withTenantTx(a, (tx) => recordAudit(tx, { tenantId: b, action: 'test.event', outcome: 'success' })),
    ).rejects.toThrow();
    expect(await waiting(b)).toBe(0);
    expect(await chainRows(b)).toHaveLength(0);
  });

  it('only the door adds to the inbox; nobody changes or removes what waits there', async () => {
    const tenantId = await createTenant(`inbox-${Date.now()}`);
    const { record: r, digestHex } = recordOf({ tenantId, action: 'test.event', outcome: 'success' });
    const insert = sql`insert into audit_inbox (tenant_id, id, occurred_at, action, outcome, details, digest)
      values (${tenantId}, ${r.id}, ${r.occurredAt.toISOString()}, ${r.action}, ${r.outcome}, '{}'::jsonb, decode(${digestHex}, 'hex'))`;
    await db.current().db.execute(insert);
    for (const stmt of [
      insert,
      sql`select id from audit_inbox`,
      sql`update audit_inbox set action = 'x'`,
      sql`delete from audit_inbox`,
      sql`truncate audit_inbox`,
    ]) {
      await expect(withTenantTx(tenantId, (tx) => tx.execute(stmt))).rejects.toThrow();
    }
    for (const stmt of [
      sql`update audit_inbox set action = 'x'`,
      sql`delete from audit_inbox`,
      sql`truncate audit_inbox`,
    ]) {
      await expect(db.current().db.execute(stmt)).rejects.toThrow();
    }
    expect(await waiting(tenantId)).toBe(1);
    await sequenceWaitingAudit();
    expect((await chainRows(tenantId)).map((x) => [x.seq, x.action])).toEqual([[1, 'test.event']]);
  });

  it('a rolled-back change leaves no event and no gap', async () => {
    const tenantId = await createTenant(`rollback-${Date.now()}`);
    await append(tenantId, 1);
    await expect(
      withTenantTx(tenantId, async (tx) => {
        await recordAudit(tx, { tenantId, action: 'test.event', outcome: 'success' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await append(tenantId, 2);
    const rows = await chainRows(tenantId);
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(verifyChain(rows).ok).toBe(true);
  });

  it('detects a modified event and a gap', async () => {
    const tenantId = await createTenant(`tamper-${Date.now()}`);
    for (let i = 0; i < 5; i++) await append(tenantId, i);
    const rows = await chainRows(tenantId);
    expect(verifyChain(rows.map((r) => (r.seq === 3 ? { ...r, action: 'forged' } : r)))).toMatchObject({
      ok: false,
      seq: 3,
      problem: 'modified',
    });
    expect(verifyChain(rows.filter((r) => r.seq !== 2))).toMatchObject({ ok: false, seq: 2, problem: 'gap' });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on audit rows, for the app role and even for a superuser', async () => {
    const tenantId = await createTenant(`immutable-${Date.now()}`);
    await append(tenantId, 1);
    for (const stmt of [
      sql`update audit_events set action = 'x'`,
      sql`delete from audit_events`,
      sql`truncate audit_events`,
    ]) {
      await expect(withTenantTx(tenantId, (tx) => tx.execute(stmt))).rejects.toThrow();
      // Without SET ROLE: the connecting superuser meets the trigger.
      await expect(db.current().db.execute(stmt)).rejects.toThrow();
    }
    expect(await chainRows(tenantId)).toHaveLength(1);
  });
});
