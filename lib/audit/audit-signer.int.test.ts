import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withTenantTx, type Tx } from '@/db';
import { alerts, auditCheckpoints, auditEvents, auditSigningKeys } from '@/db/schema';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { appChainSource } from './app-chain-source';
import { chainSigningKeys } from './published-signing-key';
import { AuditSigner } from './audit-signer';
import { chainHash, eventDigest, GENESIS_HASH } from './canonical';
import { recordAudit } from './record-audit';
import { setSignerLink, requestCheckpoints } from './request-checkpoints';
import { signerKeyFrom } from './sign-chain-head';
import { checkpointsJsonl, verifyBundle } from './verify-bundle';

const db = setupTestDatabase();
const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

const newKey = () =>
  signerKeyFrom(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const stateFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'mamori-signer-')), 'state.json');
const source = () => appChainSource();

async function chain(events: number) {
  const tenantId = await createTenant(`sig${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
  await append(tenantId, events);
  return tenantId;
}

async function append(tenantId: string, n: number) {
  for (let i = 0; i < n; i++)
    await withTenantTx(tenantId, (tx) =>
      recordAudit(tx, { tenantId, action: 'operator.updated', outcome: 'success', details: { i } }),
    );
}

/** The connecting superuser, triggers off for this transaction: an attacker with database access. */
const asSuperuser = (fn: (tx: Tx) => Promise<unknown>) =>
  db.current().db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await fn(tx as Tx);
  });

const checkpointsOf = (tenantId: string) =>
  db
    .current()
    .db.select()
    .from(auditCheckpoints)
    .where(eq(auditCheckpoints.tenantId, tenantId))
    .orderBy(asc(auditCheckpoints.seq));
const refusedAlerts = (tenantId: string) =>
  db
    .current()
    .db.select({ details: alerts.details })
    .from(alerts)
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.rule, 'audit_chain_refused')));

/** Every event of a chain from `from` on rewritten as a consistent history: each hash recomputed. */
async function rewriteFrom(tenantId: string, from: number, change: Record<string, unknown>) {
  await asSuperuser(async (tx) => {
    const rows = await tx
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.tenantId, tenantId))
      .orderBy(asc(auditEvents.seq));
    let previous: Uint8Array = GENESIS_HASH;
    for (const row of rows) {
      const record = {
        ...row,
        details: (row.seq === from ? { ...(row.details as object), ...change } : row.details) as Record<
          string,
          unknown
        >,
      };
      const hash = row.seq < from ? Buffer.from(row.hash) : chainHash(previous, row.seq, eventDigest(record));
      if (row.seq >= from)
        await tx
          .update(auditEvents)
          .set({ details: record.details, hash })
          .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.seq, row.seq)));
      previous = hash;
    }
    await tx.execute(sql`update audit_chains set head_hash = ${Buffer.from(previous)} where tenant_id = ${tenantId}`);
  });
}

describe('the audit signer', () => {
  it('signs the heads that grew, only once, with a key the app knows only as public', async () => {
    const tenantId = await chain(5);
    const signer = new AuditSigner(newKey(), stateFile());
    expect((await signer.signChains(source(), [tenantId])).signed).toEqual([tenantId]);
    expect((await signer.signChains(source(), [tenantId])).signed).toEqual([]);
    await append(tenantId, 2);
    await signer.signChains(source(), [tenantId]);
    const cps = await checkpointsOf(tenantId);
    expect(cps.map((c) => c.seq)).toEqual([5, 7]);
    const [registered] = await db
      .current()
      .db.select()
      .from(auditSigningKeys)
      .where(eq(auditSigningKeys.fingerprint, signer.key.fingerprint));
    expect(registered.publicKeyPem).toBe(signer.key.publicKeyPem);
    const events = (await appChainSource().events(tenantId, 1, 100)).map((e) => JSON.stringify(e)).join('\n');
    const checkpoints = checkpointsJsonl(cps);
    expect(verifyBundle(events, checkpoints, registered.publicKeyPem)).toMatchObject({
      ok: true,
      lastSeq: 7,
      checkpoints: 2,
    });
  });

  it('refuses a history rewritten under a checkpoint it signed, raises an alert once, and files nothing', async () => {
    const tenantId = await chain(6);
    const signer = new AuditSigner(newKey(), stateFile());
    await signer.signChains(source(), [tenantId]);
    // A well-made forgery: event 3 changed, every later hash and the head recomputed, more appended.
    await rewriteFrom(tenantId, 3, { i: 'forged' });
    await append(tenantId, 2);
    const round = await signer.signChains(source(), [tenantId]);
    expect(round.refused).toEqual([{ chain: tenantId, reason: 'rewritten', seq: 6 }]);
    expect((await checkpointsOf(tenantId)).map((c) => c.seq)).toEqual([6]);
    await signer.signChains(source(), [tenantId]);
    expect(await refusedAlerts(tenantId)).toEqual([{ details: { seq: 6, reason: 'rewritten' } }]);
  });

  it('refuses a chain cut short under its position, and a gap', async () => {
    const cut = await chain(5);
    const signer = new AuditSigner(newKey(), stateFile());
    await signer.signChains(source(), [cut]);
    await asSuperuser(async (tx) => {
      await tx.delete(auditEvents).where(and(eq(auditEvents.tenantId, cut), sql`seq > 3`));
      await tx.execute(sql`update audit_chains set last_seq = 3 where tenant_id = ${cut}`);
    });
    expect((await signer.signChains(source(), [cut])).refused).toEqual([{ chain: cut, reason: 'truncated', seq: 4 }]);

    const holed = await chain(3);
    await signer.signChains(source(), [holed]);
    await append(holed, 3);
    await asSuperuser((tx) =>
      tx.delete(auditEvents).where(and(eq(auditEvents.tenantId, holed), eq(auditEvents.seq, 5))),
    );
    expect((await signer.signChains(source(), [holed])).refused).toEqual([{ chain: holed, reason: 'gap', seq: 5 }]);
  });

  it('goes on from its state file, from a checkpoint of its own key when the file was lost, and past one it filed but forgot', async () => {
    const tenantId = await chain(4);
    const key = newKey();
    const file = stateFile();
    await new AuditSigner(key, file).signChains(source(), [tenantId]);
    const before = `${file}.before`;
    copyFileSync(file, before);
    await append(tenantId, 3);
    await new AuditSigner(key, file).signChains(source(), [tenantId]);
    expect(new AuditSigner(key, file).position(tenantId)?.seq).toBe(7);
    // Stopped after filing seq 7 and before remembering it: the older state goes on from the stored checkpoint.
    copyFileSync(before, file);
    await append(tenantId, 1);
    const resumed = new AuditSigner(key, file);
    expect((await resumed.signChains(source(), [tenantId])).signed).toEqual([tenantId]);
    expect((await checkpointsOf(tenantId)).map((c) => c.seq)).toEqual([4, 7, 8]);
    // State lost: its own last checkpoint is the start; nothing to sign until the chain grows.
    const fresh = new AuditSigner(key, stateFile());
    expect(await fresh.signChains(source(), [tenantId])).toEqual({ signed: [], refused: [] });
    expect(fresh.position(tenantId)?.seq).toBe(8);
    // A replaced key: the new signer reads the chain from its genesis itself, and chains its
    // first checkpoint to the last one stored.
    await append(tenantId, 1);
    const replaced = new AuditSigner(newKey(), stateFile());
    expect((await replaced.signChains(source(), [tenantId])).signed).toEqual([tenantId]);
    const cps = await checkpointsOf(tenantId);
    expect(cps.map((c) => [c.seq, c.keyFingerprint])).toEqual([
      [4, key.fingerprint],
      [7, key.fingerprint],
      [8, key.fingerprint],
      [9, replaced.key.fingerprint],
    ]);
    expect(cps[3].previousCheckpointHash).toBe(cps[2].checkpointHash);
    // The offline verifier takes both keys, each checkpoint checked with the one it names.
    const events = (await appChainSource().events(tenantId, 1, 100)).map((e) => JSON.stringify(e)).join('\n');
    const checkpoints = checkpointsJsonl(cps);
    expect(verifyBundle(events, checkpoints, (await chainSigningKeys(tenantId))!)).toMatchObject({
      ok: true,
      checkpoints: 4,
      lastSeq: 9,
    });
    expect(verifyBundle(events, checkpoints, key.publicKeyPem)).toMatchObject({
      ok: false,
      damage: 'bad_signature',
      seq: 9,
    });
  });

  it('will not chain a new key to a stored checkpoint that the chain does not lead to', async () => {
    const tenantId = await chain(4);
    await new AuditSigner(newKey(), stateFile()).signChains(source(), [tenantId]);
    await rewriteFrom(tenantId, 2, { i: 'forged' });
    await append(tenantId, 1);
    const replaced = new AuditSigner(newKey(), stateFile());
    expect((await replaced.signChains(source(), [tenantId])).refused).toEqual([
      { chain: tenantId, reason: 'rewritten', seq: 4 },
    ]);
  });

  it.runIf(onPostgres)(
    'runs as a process of its own on PostgreSQL: reads with its own role, answers a NOTIFY, files the checkpoint, outlives lost connections',
    async () => {
      const tenantId = await chain(3);
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${((await db.current().db.execute(sql`select current_database() as d`)) as unknown as { rows: { d: string }[] }).rows[0].d}`;
      const dir = mkdtempSync(path.join(tmpdir(), 'mamori-signer-'));
      const child = spawn(process.execPath, ['scripts/run.mjs', 'scripts/audit-signer.ts'], {
        env: {
          ...process.env,
          DATABASE_URL: url.toString(),
          MAMORI_SIGNER_DIR: dir,
          MAMORI_CHECKPOINT_SECONDS: '3600',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c) => (output += c));
      child.stderr.on('data', (c) => (output += c));
      try {
        // Its first round runs at start; then a NOTIFY for a chain that grew.
        for (let i = 0; i < 100 && !output.includes('[audit-signer] key'); i++)
          await new Promise((r) => setTimeout(r, 100));
        await new Promise((r) => setTimeout(r, 1500));
        await append(tenantId, 2);
        setSignerLink(undefined);
        await requestCheckpoints(tenantId);
        expect((await checkpointsOf(tenantId)).at(-1)?.seq, output).toBe(5);
        // Its role reads audit rows but writes none.
        await expect(
          db.current().db.transaction(async (tx) => {
            await tx.execute(sql`set local role mamori_signer`);
            await tx.execute(sql`delete from audit_checkpoints where tenant_id = ${tenantId}`);
          }),
        ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '42501' }) });

        // A database restart ends its connections; it makes them again and answers the next NOTIFY.
        await db
          .current()
          .db.execute(
            sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'mamori-audit-signer'`,
          );
        for (let i = 0; i < 100 && !output.includes('notification connection lost'); i++)
          await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => setTimeout(r, 1500));
        expect(child.exitCode, output).toBeNull();
        await append(tenantId, 1);
        await requestCheckpoints(tenantId);
        expect((await checkpointsOf(tenantId)).at(-1)?.seq, output).toBe(6);
      } finally {
        child.kill('SIGTERM');
      }
    },
    60_000,
  );
});
