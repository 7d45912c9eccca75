import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withTenantTx } from '@/db';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestSigner } from '@/lib/testing/signer';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { exportAuditBundle } from './export-bundle';
import { recordAudit } from './record-audit';
import { readTar } from './tar';
import { verifyBundle } from './verify-bundle';

const db = setupTestDatabase();
setupTestSigner();

async function chainWithBundle(events = 6) {
  const tenantId = await createTenant(`bnd${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
  for (let i = 0; i < events; i++) {
    await withTenantTx(tenantId, (tx) =>
      recordAudit(tx, { tenantId, action: 'test.event', outcome: 'success', details: { i, note: '控え' } }),
    );
  }
  const { tar } = await exportAuditBundle(
    tenantAccess(contextFor(tenantId, crypto.randomUUID(), 'tenant_admin'), tenantId, 'audit.read'),
  );
  const files = readTar(tar);
  const text = (n: string) => files.get(n)!.toString('utf8');
  return {
    tenantId,
    tar,
    events: text('events.jsonl').split('\n'),
    checkpoints: text('checkpoints.jsonl'),
    key: text('public-key.pem'),
  };
}

describe('regulator bundle and offline verification', () => {
  it('verifies an intact bundle, and names each kind of damage', async () => {
    const b = await chainWithBundle();
    const check = (lines: string[], cps = b.checkpoints, key = b.key) => verifyBundle(lines.join('\n'), cps, key);
    expect(check(b.events)).toMatchObject({ ok: true, events: 6, lastSeq: 6 });

    const modified = [...b.events];
    modified[2] = modified[2].replace('"test.event"', '"login.succeeded"');
    expect(check(modified)).toMatchObject({ ok: false, damage: 'modified', seq: 3 });
    expect(check(b.events.filter((_, i) => i !== 1))).toMatchObject({ ok: false, damage: 'missing', seq: 2 });
    const swapped = [...b.events];
    [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
    expect(check(swapped)).toMatchObject({ ok: false, damage: 'reordered' });
    const forged = [...b.events.slice(0, 2), b.events[1].replace('"i":1', '"i":99'), ...b.events.slice(2)];
    expect(check(forged)).toMatchObject({ ok: false, damage: 'inserted', seq: 2 });
    expect(check(b.events.slice(0, 4))).toMatchObject({ ok: false, damage: 'truncated', seq: 5 });
    const badCp = b.checkpoints.replace(/"headHash":"[0-9a-f]{4}/, '"headHash":"ffff');
    expect(check(b.events, badCp)).toMatchObject({ ok: false, damage: 'bad_signature' });
    const otherKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(check(b.events, b.checkpoints, otherKey)).toMatchObject({ ok: false, damage: 'bad_signature' });
    expect(verifyBundle('{not json', '', b.key)).toMatchObject({ ok: false, damage: 'malformed' });
  });

  it('live check names a row deleted, and a tail dropped, by a superuser', async () => {
    const { verifyLiveChain } = await import('./verify-live-chain');
    const ctxFor = (t: string) => contextFor(t, crypto.randomUUID(), 'tenant_admin');
    const raw = db.current().db;
    const a = await chainWithBundle(5);
    expect(await verifyLiveChain(tenantAccess(ctxFor(a.tenantId), a.tenantId, 'audit.read'))).toMatchObject({
      ok: true,
    });
    await raw.execute(sql.raw('alter table audit_events disable trigger user'));
    await raw.execute(sql`delete from audit_events where tenant_id = ${a.tenantId} and seq = 3`);
    const b = await chainWithBundle(5);
    // The bundle signed a checkpoint at seq 6 (5 events + the export event); drop 6 and 5.
    await raw.execute(sql`delete from audit_events where tenant_id = ${b.tenantId} and seq >= 5`);
    await raw.execute(sql.raw('alter table audit_events enable trigger user'));
    expect(await verifyLiveChain(tenantAccess(ctxFor(a.tenantId), a.tenantId, 'audit.read'))).toMatchObject({
      ok: false,
      damage: 'missing',
      seq: 3,
    });
    expect(await verifyLiveChain(tenantAccess(ctxFor(b.tenantId), b.tenantId, 'audit.read'))).toMatchObject({
      ok: false,
      damage: 'truncated',
      seq: 5,
    });
  });

  it('detects a row changed in the database by a superuser (triggers disabled)', async () => {
    const b = await chainWithBundle(3);
    const raw = db.current().db;
    await raw.execute(sql.raw('alter table audit_events disable trigger user'));
    await raw.execute(
      sql`update audit_events set details = '{"i": 42}'::jsonb where tenant_id = ${b.tenantId} and seq = 2`,
    );
    await raw.execute(sql.raw('alter table audit_events enable trigger user'));
    const { tar } = await exportAuditBundle(
      tenantAccess(contextFor(b.tenantId, crypto.randomUUID(), 'tenant_admin'), b.tenantId, 'audit.read'),
    );
    const files = readTar(tar);
    const verdict = verifyBundle(
      files.get('events.jsonl')!.toString(),
      files.get('checkpoints.jsonl')!.toString(),
      b.key,
    );
    expect(verdict).toMatchObject({ ok: false, damage: 'modified', seq: 2 });
  });

  it('the CLI verifies a bundle file without the server or the database, and fails on damage', async () => {
    const b = await chainWithBundle(4);
    const dir = mkdtempSync(path.join(tmpdir(), 'mamori-bundle-'));
    const good = path.join(dir, 'good.tar');
    writeFileSync(good, b.tar);
    const run = (file: string) => {
      try {
        return {
          code: 0,
          out: execFileSync(process.execPath, ['scripts/run.mjs', 'scripts/audit-verify.ts', file], {
            encoding: 'utf8',
            stdio: 'pipe',
            env: { ...process.env, DATABASE_URL: '' },
          }),
        };
      } catch (e) {
        const err = e as { status: number; stderr: string };
        return { code: err.status, out: err.stderr };
      }
    };
    const ok = run(good);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('OK: 4 events');
    const { writeTar } = await import('./tar');
    const files = readTar(b.tar);
    const damaged = path.join(dir, 'damaged.tar');
    writeFileSync(
      damaged,
      writeTar(
        [...files].map(([name, content]) => ({
          name,
          content:
            name === 'events.jsonl' ? Buffer.from(content.toString().split('\n').slice(0, 2).join('\n')) : content,
        })),
      ),
    );
    const bad = run(damaged);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('DAMAGED (truncated) at seq 3');
  }, 60_000);
});
