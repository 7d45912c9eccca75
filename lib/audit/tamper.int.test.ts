import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withTenantTx, type Tx } from '@/db';
import { alerts, auditEvents } from '@/db/schema';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestSigner } from '@/lib/testing/signer';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { chainHash, completeRecord, eventDigest, GENESIS_HASH } from './canonical';
import { requestCheckpoints } from './request-checkpoints';
import { exportAuditBundle } from './export-bundle';
import { auditFieldsOf, recordAudit } from './record-audit';
import { readTar } from './tar';
import { verifyBundle } from './verify-bundle';
import { verifyLiveChain } from './verify-live-chain';

const db = setupTestDatabase();
const { signer } = setupTestSigner();

const ctxFor = (tenantId: string) => contextFor(tenantId, crypto.randomUUID(), 'tenant_admin');

/** Eight events and the live check's own event (seq 9), verified intact before any tampering. */
async function intactChain(): Promise<string> {
  const tenantId = await createTenant(`tmp${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
  for (let i = 1; i <= 8; i++) {
    await withTenantTx(tenantId, (tx) =>
      recordAudit(tx, {
        tenantId,
        action: 'test.event',
        outcome: 'success',
        actor: { operatorId: null, loginId: `op${i}` },
        details: { i },
      }),
    );
  }
  expect(await verifyLiveChain(tenantAccess(ctxFor(tenantId), tenantId, 'audit.read'))).toMatchObject({
    ok: true,
    lastSeq: 8,
  });
  return tenantId;
}

/**
 * The connecting superuser, as an attacker with database access: the append-only triggers are
 * off for this transaction only (works on PGlite and PostgreSQL, and leaves nothing behind).
 */
function asSuperuser(fn: (tx: Tx) => Promise<unknown>): Promise<void> {
  return db.current().db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await fn(tx as Tx);
  });
}

/** The live check, then the offline check of a bundle exported after it. */
async function verdicts(tenantId: string) {
  const live = await verifyLiveChain(tenantAccess(ctxFor(tenantId), tenantId, 'audit.read'));
  const files = readTar((await exportAuditBundle(tenantAccess(ctxFor(tenantId), tenantId, 'audit.read'))).tar);
  const text = (name: string) => files.get(name)!.toString('utf8');
  return { live, bundle: verifyBundle(text('events.jsonl'), text('checkpoints.jsonl'), text('public-key.pem')) };
}

const at = (tenantId: string, seq: number) => and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.seq, seq));

describe('audit trail tampered with in the database by a superuser', () => {
  it('a row updated is named modified at its seq', async () => {
    const tenantId = await intactChain();
    await asSuperuser((tx) => tx.update(auditEvents).set({ actorLoginId: 'someone-else' }).where(at(tenantId, 3)));
    const { live, bundle } = await verdicts(tenantId);
    expect(live).toMatchObject({ ok: false, damage: 'modified', seq: 3 });
    expect(bundle).toMatchObject({ ok: false, damage: 'modified', seq: 3 });
  });

  it('a row deleted in the middle is named missing at its seq', async () => {
    const tenantId = await intactChain();
    await asSuperuser((tx) => tx.delete(auditEvents).where(at(tenantId, 4)));
    const { live, bundle } = await verdicts(tenantId);
    expect(live).toMatchObject({ ok: false, damage: 'missing', seq: 4 });
    expect(bundle).toMatchObject({ ok: false, damage: 'missing', seq: 4 });
  });

  it('two rows swapped are named reordered at the first of them', async () => {
    const tenantId = await intactChain();
    // Reordering in the database means exchanging seq: each row keeps its content and stored hash
    // (exchanging content under fixed hashes is more work for the same effect). Reads order by seq,
    // so the verifier sees seq 5 and 6 in place; the content now at 6 fits the chain at 5.
    // Three steps: the primary key is checked row by row.
    await asSuperuser(async (tx) => {
      await tx.update(auditEvents).set({ seq: -6 }).where(at(tenantId, 6));
      await tx.update(auditEvents).set({ seq: 6 }).where(at(tenantId, 5));
      await tx.update(auditEvents).set({ seq: 5 }).where(at(tenantId, -6));
    });
    const { live, bundle } = await verdicts(tenantId);
    expect(live).toMatchObject({ ok: false, damage: 'reordered', seq: 5 });
    expect(bundle).toMatchObject({ ok: false, damage: 'reordered', seq: 5 });
  });

  // A superuser can read the hash before the slot and make the forged row's own hash right.
  it.each([
    ['chained on the real previous hash', true],
    ['with a hash that does not chain', false],
  ])('a forged row inserted in the middle is named inserted at its seq, %s', async (_, chained) => {
    const tenantId = await intactChain();
    // Rows from 4 on move up one (via negative seq: the primary key is checked row by row) and
    // the chain head follows, so the application keeps appending without a collision.
    await asSuperuser(async (tx) => {
      const [before] = await tx.select().from(auditEvents).where(at(tenantId, 3));
      await tx
        .update(auditEvents)
        .set({ seq: sql`-${auditEvents.seq} - 1` })
        .where(and(eq(auditEvents.tenantId, tenantId), sql`${auditEvents.seq} >= 4`));
      await tx
        .update(auditEvents)
        .set({ seq: sql`-${auditEvents.seq}` })
        .where(and(eq(auditEvents.tenantId, tenantId), sql`${auditEvents.seq} < 0`));
      const record = completeRecord(
        auditFieldsOf({
          tenantId,
          action: 'test.event',
          outcome: 'success',
          actor: { operatorId: null, loginId: 'op3' },
          details: { i: 'approved' },
        }),
        crypto.randomUUID(),
        before.occurredAt,
      );
      await tx
        .insert(auditEvents)
        .values({ ...record, seq: 4, hash: chainHash(chained ? before.hash : GENESIS_HASH, 4, eventDigest(record)) });
      await tx.execute(sql`update audit_chains set last_seq = last_seq + 1 where tenant_id = ${tenantId}`);
    });
    const { live, bundle } = await verdicts(tenantId);
    expect(live).toMatchObject({ ok: false, damage: 'inserted', seq: 4 });
    expect(bundle).toMatchObject({ ok: false, damage: 'inserted', seq: 4 });
  });

  it('the tail dropped after a signed checkpoint is named truncated', async () => {
    const tenantId = await intactChain();
    await requestCheckpoints(tenantId);
    expect(signer().position(tenantId)?.seq).toBeGreaterThan(6);
    // The chain head is rewound too, so the application appends on from seq 7 without a gap.
    await asSuperuser(async (tx) => {
      await tx.delete(auditEvents).where(and(eq(auditEvents.tenantId, tenantId), sql`${auditEvents.seq} >= 7`));
      await tx.execute(
        sql`update audit_chains set last_seq = 6, head_hash = (select hash from audit_events where tenant_id = ${tenantId} and seq = 6) where tenant_id = ${tenantId}`,
      );
    });
    const { live, bundle } = await verdicts(tenantId);
    expect(live).toMatchObject({ ok: false, damage: 'truncated', seq: 7 });
    // The live check's own event took seq 7 on the rewound chain. The signer, asked for a fresh
    // checkpoint before the bundle, would not sign the shorter chain and raised the alarm, whose
    // event took seq 8; the checkpoint at 9 still shows the loss.
    expect(bundle).toMatchObject({ ok: false, damage: 'truncated', seq: 9 });
    const raised = await db
      .current()
      .db.select({ rule: alerts.rule, details: alerts.details })
      .from(alerts)
      .where(eq(alerts.tenantId, tenantId));
    expect(raised).toEqual([
      {
        rule: 'audit_chain_refused',
        details: { seq: expect.any(Number), reason: expect.stringMatching(/^(truncated|rewritten)$/) },
      },
    ]);
  });

  it('the app role is refused UPDATE, DELETE and TRUNCATE by its grants alone, with the triggers off', async () => {
    // The triggers refusing the app role and the superuser: audit-chain.int.test.ts.
    const tenantId = await intactChain();
    const raw = db.current().db;
    // Table-wide, since withTenantTx opens its own transaction; re-enabled whatever happens.
    await raw.execute(sql`alter table audit_events disable trigger user`);
    try {
      for (const stmt of [
        sql`update audit_events set action = 'x'`,
        sql`delete from audit_events`,
        sql`truncate audit_events`,
      ]) {
        await expect(withTenantTx(tenantId, (tx) => tx.execute(stmt))).rejects.toMatchObject({
          cause: expect.objectContaining({ message: 'permission denied for table audit_events' }),
        });
      }
    } finally {
      await raw.execute(sql`alter table audit_events enable trigger user`);
    }
    expect(await verifyLiveChain(tenantAccess(ctxFor(tenantId), tenantId, 'audit.read'))).toMatchObject({
      ok: true,
      lastSeq: 9,
    });
  });
});
