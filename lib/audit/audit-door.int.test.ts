import { asc, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rowsOf, withPlatformTx, withTenantTx } from '@/db';
import { PLATFORM_TENANT_ID, auditEvents } from '@/db/schema';
import { advanceClock, resetClock } from '@/lib/clock';
import { contextFor, platformAccess } from '@/lib/testing/context';
import { createTenant as fixtureTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { createTenant } from '@/lib/tenancy/manage-tenant';
import { recordAudit } from './record-audit';
import { verifyChain } from './verify-chain';

const db = setupTestDatabase();
afterEach(() => resetClock());

let n = 0;
const tenant = () => fixtureTenant(`door${++n}x${Date.now().toString(36)}`);
const owner = () => db.current().db;

const rowsOfChain = async (tenantId: string) =>
  (
    await withPlatformTx((tx) =>
      tx.select().from(auditEvents).where(eq(auditEvents.tenantId, tenantId)).orderBy(asc(auditEvents.seq)),
    )
  ).map((r) => ({
    ...r,
    details: r.details as Record<string, unknown>,
  }));

/** A statement as the app role in the tenant's own scope; resolves to the database's error code, or 'ok'. */
async function asApp(tenantId: string, statement: ReturnType<typeof sql>): Promise<string> {
  return withTenantTx(tenantId, (tx) => tx.execute(statement)).then(
    () => 'ok',
    (e: { cause?: { code?: string }; code?: string }) => e.cause?.code ?? e.code ?? 'error',
  );
}

/** The same as the signer's role, which alone may file checkpoints. */
async function asSigner(statement: ReturnType<typeof sql>): Promise<string> {
  return owner()
    .transaction(async (tx) => {
      await tx.execute(
        sql`select set_config('role', 'mamori_signer', true), set_config('app.scope', 'platform', true)`,
      );
      await tx.execute(statement);
    })
    .then(
      () => 'ok',
      (e: { cause?: { code?: string }; code?: string }) => e.cause?.code ?? e.code ?? 'error',
    );
}

describe('the audit door: audit rows enter only through the database', () => {
  it('refuses every direct write to the audit tables as the app role', async () => {
    const tenantId = await tenant();
    await withTenantTx(tenantId, (tx) => recordAudit(tx, { tenantId, action: 'operator.created', outcome: 'success' }));
    const id = crypto.randomUUID();
    const writes = [
      sql`insert into audit_events (tenant_id, seq, id, occurred_at, action, outcome, details, hash) values (${tenantId}, 99, ${id}, now(), 'login.succeeded', 'success', '{}', '\\x00')`,
      sql`update audit_events set action = 'x' where tenant_id = ${tenantId}`,
      sql`delete from audit_events where tenant_id = ${tenantId}`,
      sql`truncate audit_events`,
      sql`insert into audit_inbox (tenant_id, id, occurred_at, action, outcome, details, digest) values (${tenantId}, ${id}, now(), 'x', 'success', '{}', '\\x00')`,
      sql`delete from audit_inbox`,
      sql`update audit_chains set last_seq = 0, head_hash = '\\x00' where tenant_id = ${tenantId}`,
      sql`insert into audit_chains (tenant_id) values (${crypto.randomUUID()})`,
      sql`delete from audit_chains where tenant_id = ${tenantId}`,
      sql`truncate audit_chains`,
      sql`insert into audit_checkpoints (tenant_id, seq, head_hash, signed_at, previous_checkpoint_hash, checkpoint_hash, signature, key_fingerprint) values (${tenantId}, 1, 'x', now(), 'x', 'x', 'x', 'x')`,
      sql`delete from audit_checkpoints`,
      sql`update audit_settings set test_clock = true`,
      sql`with pruning as (select set_config('mamori.audit_prune', 'on', true)), d as (delete from audit_events where tenant_id = ${tenantId} returning 1) select count(*) from d, pruning`,
    ];
    for (const statement of writes) expect(await asApp(tenantId, statement)).toBe('42501');
    // The app role reads events and chain heads, as the console and the verifier need.
    expect(await asApp(tenantId, sql`select count(*) from audit_events where tenant_id = ${tenantId}`)).toBe('ok');
    expect(await asApp(tenantId, sql`select last_seq from audit_chains where tenant_id = ${tenantId}`)).toBe('ok');
    expect(verifyChain(await rowsOfChain(tenantId))).toMatchObject({ ok: true, count: 1 });
  });

  it("takes an event's fields only: no id, time, digest, sequence number or hash from the caller", async () => {
    const signatures = rowsOf<{ name: string; args: string }>(
      await owner().execute(sql`select proname as name, pg_get_function_identity_arguments(oid) as args from pg_proc
        where proname in ('mamori_append_audit', 'mamori_prune_audit') order by proname`),
    );
    expect(signatures).toEqual([
      {
        name: 'mamori_append_audit',
        args: 'p_tenant_id uuid, p_actor_operator_id uuid, p_actor_login_id text, p_action text, p_target_type text, p_target_id text, p_outcome text, p_ip text, p_user_agent text, p_session_id uuid, p_details jsonb, p_wait boolean',
      },
      { name: 'mamori_prune_audit', args: 'p_tenant uuid' },
    ]);
    const tenantId = await tenant();
    // The old door's shape, with a forged id, time and digest, no longer exists.
    expect(
      await asApp(
        tenantId,
        sql`select mamori_append_audit(${tenantId}::uuid, ${crypto.randomUUID()}::uuid, '2001-01-01'::timestamptz, null::uuid, 'x', 'login.succeeded', null, null, 'success', null, null, null::uuid, '{}'::jsonb, '\\x00'::bytea, false)`,
      ),
    ).toBe('42883');
    // Another tenant's chain is refused by the door, as row-level security refused the rows.
    const other = await tenant();
    expect(
      await asApp(
        tenantId,
        sql`select * from mamori_append_audit(${other}::uuid, null, 'x', 'login.succeeded', null, null, 'success', null, null, null, '{}', false)`,
      ),
    ).toBe('42501');
    expect(await rowsOfChain(other)).toEqual([]);
  });

  it('computes the digest in the database exactly as the offline verifier does, for any details', async () => {
    const tenantId = await tenant();
    const nasty = [
      {},
      { nested: { b: [1, { z: null, a: true }], a: '' }, list: [], empty: {} },
      { text: '日本語 "quoted" \\ back\\slash', emoji: '🔐👩‍💻', escapes: 'tab\tnew\nline\u0001', rtl: '\u202e' },
      { big: 2 ** 60, float: 0.1 + 0.2, negative: -5, zero: -0, max: Number.MAX_SAFE_INTEGER, nan: Number.NaN },
      { 'key with spaces': 1, B: 2, a: 3, _: 4, Ä: 5, é: 6, Ａ: 7, '\u{1F511}': 8 },
    ];
    for (const details of nasty) {
      await withTenantTx(tenantId, (tx) =>
        recordAudit(tx, {
          tenantId,
          action: 'operator.updated',
          outcome: 'success',
          actor: { operatorId: null, loginId: 'ｆｕｌｌ\u0000width' },
          target: { type: 'operator', id: 'x\ny' },
          ip: '2001:db8::1',
          userAgent: 'UA\u007f',
          details,
        }),
      );
    }
    const rows = await rowsOfChain(tenantId);
    expect(rows).toHaveLength(nasty.length);
    expect(rows[3].details).toEqual({
      big: String(2 ** 60),
      float: '0.30000000000000004',
      negative: -5,
      zero: 0,
      max: Number.MAX_SAFE_INTEGER,
      nan: 'NaN',
    });
    expect(verifyChain(rows)).toMatchObject({ ok: true, count: nasty.length });
    // A caller that sends a number any reader could spell differently is refused, not hashed.
    for (const details of [
      '{"ratio": 1.50}',
      '{"big": 12345678901234567890}',
      '{"list": [1, 2.5]}',
      '{"deep": {"x": 1e-3}}',
    ]) {
      expect(
        await asApp(
          tenantId,
          sql`select * from mamori_append_audit(${tenantId}::uuid, null, 'x', 'operator.updated', null, null, 'success', null, null, null, ${details}::jsonb, false)`,
        ),
      ).toBe('22023');
    }
    expect(await rowsOfChain(tenantId)).toHaveLength(nasty.length);
  });

  it('dates events by its own clock: a caller cannot move it, outside a test database', async () => {
    const tenantId = await tenant();
    const [{ now: dbNow }] = rowsOf<{ now: string }>(await owner().execute(sql`select now()::text as now`));
    await owner().execute(sql`update audit_settings set test_clock = false`);
    try {
      // A caller that sets the test offset itself gets the database's time all the same.
      await withTenantTx(tenantId, async (tx) => {
        await tx.execute(sql`select set_config('app.clock_offset_ms', '-31536000000', true)`);
        await recordAudit(tx, { tenantId, action: 'operator.created', outcome: 'success' });
      });
      advanceClock(-86_400_000);
      await withTenantTx(tenantId, (tx) =>
        recordAudit(tx, { tenantId, action: 'operator.created', outcome: 'success' }),
      );
    } finally {
      await owner().execute(sql`update audit_settings set test_clock = true`);
    }
    for (const row of await rowsOfChain(tenantId))
      expect(Math.abs(row.occurredAt.getTime() - new Date(dbNow).getTime())).toBeLessThan(60_000);
  });

  it('opens a chain for every new tenant itself, and files only checkpoints of the chain it has', async () => {
    const staff = contextFor(PLATFORM_TENANT_ID, crypto.randomUUID(), 'platform_admin');
    const { tenantId } = await createTenant(platformAccess(staff, 'tenants.write'), {
      code: `door-new-${Date.now().toString(36)}`,
      name: '株式会社ドア',
      contactEmail: null,
    });
    const rows = await rowsOfChain(tenantId);
    expect(rows.map((r) => [r.seq, r.action])).toEqual([[1, 'tenant.created']]);
    const head = Buffer.from(rows[0].hash).toString('hex');
    const storing = (seq: number, headHash: string, previous = '0'.repeat(64)) =>
      sql`select mamori_store_checkpoint(${tenantId}::uuid, ${seq}, ${headHash}, now(), ${previous}, ${'c'.repeat(64)}, 'sig', 'fp')`;
    const store = (seq: number, headHash: string, previous?: string) => asSigner(storing(seq, headHash, previous));
    // Code running as the app can neither file a checkpoint, nor publish a key, nor raise the signer's alarm.
    expect(await asApp(tenantId, storing(1, head))).toBe('42501');
    expect(await asApp(tenantId, sql`select mamori_register_signing_key(${'f'.repeat(64)}, 'pem')`)).toBe('42501');
    expect(await asApp(tenantId, sql`select mamori_report_chain_refused(${tenantId}::uuid, 1, 'rewritten')`)).toBe(
      '42501',
    );
    expect(await store(1, 'ab'.repeat(32))).toBe('23514');
    expect(await store(2, head)).toBe('23514');
    expect(await store(1, head, 'f'.repeat(64))).toBe('23514');
    expect(await store(1, head)).toBe('ok');
    expect(await store(1, head, 'c'.repeat(64))).toBe('23514');
  });
});
