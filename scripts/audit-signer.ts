/**
 * `npm run audit:signer`: signs audit checkpoints in a process of its own, the only one that holds
 * MAMORI_AUDIT_SIGNING_KEY. It signs a chain's head only when it extends the last head it signed
 * (kept in its own state file), and raises an alert through the database's door when it does not.
 *
 * On PostgreSQL it reads the chains with the role mamori_signer (read-only, plus the doors that
 * file checkpoints and alerts) and signs every MAMORI_CHECKPOINT_SECONDS and whenever the app
 * NOTIFYs `mamori_audit_sign`. On embedded PGlite, where one process owns the database, the
 * server starts it as a child and serves it the chains over IPC (MAMORI_SIGNER_MODE=ipc).
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { AuditSigner, type ChainSource } from '@/lib/audit/audit-signer';
import { chainSource } from '@/lib/audit/chain-source';
import { signerKeyFrom } from '@/lib/audit/sign-chain-head';

const dataDir = process.env.MAMORI_DATA_DIR ?? '.data';
const dir = path.resolve(process.env.MAMORI_SIGNER_DIR ?? path.join(dataDir, 'signer'));
const production = process.env.MAMORI_ENV === 'production';
const every = Number(process.env.MAMORI_CHECKPOINT_SECONDS ?? 300) * 1000;

function loadKey(): string {
  const pem = process.env.MAMORI_AUDIT_SIGNING_KEY;
  if (pem) return pem;
  if (production)
    throw new Error('MAMORI_AUDIT_SIGNING_KEY must be set for the audit signer when MAMORI_ENV=production');
  const file = path.join(dir, 'audit-signing-key.pem');
  if (existsSync(file)) return readFileSync(file, 'utf8');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const generated = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(file, generated, { mode: 0o600 });
  console.warn(`[audit-signer] MAMORI_AUDIT_SIGNING_KEY is not set; generated one into ${file}. Set it in production.`);
  return generated;
}

const signer = new AuditSigner(signerKeyFrom(loadKey()), path.join(dir, 'state.json'));
console.log(`[audit-signer] key ${signer.key.fingerprint.slice(0, 16)}…, state in ${dir}`);

// One round at a time: the state file is this process's alone.
let queue: Promise<unknown> = Promise.resolve();
function round(source: ChainSource, chains?: string[]) {
  const run = queue.then(async () => {
    const result = await signer.signChains(source, chains);
    for (const r of result.refused)
      console.error(`[audit-signer] refused to sign chain ${r.chain}: ${r.reason} at seq ${r.seq}`);
    return result;
  });
  queue = run.catch((error: Error) => console.error('[audit-signer] round failed:', error.message));
  return run;
}

if (process.env.MAMORI_SIGNER_MODE === 'ipc') {
  if (!process.send) throw new Error('MAMORI_SIGNER_MODE=ipc needs an IPC channel: it runs as a child of the server');
  const send = process.send.bind(process);
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 1;
  const call =
    (op: keyof ChainSource) =>
    (...args: unknown[]) =>
      new Promise<never>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        send({ type: 'call', id, op, args });
      });
  const source: ChainSource = {
    heads: call('heads'),
    lastCheckpoint: call('lastCheckpoint'),
    events: call('events'),
    store: call('store'),
    refuse: call('refuse'),
    registerKey: call('registerKey'),
  };
  process.on('message', (m: { type: string; id: number; value?: unknown; message?: string; chains?: string[] }) => {
    if (m.type === 'result' || m.type === 'error') {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.type === 'result') w?.resolve(m.value);
      else w?.reject(new Error(m.message));
    } else if (m.type === 'sign') {
      round(source, m.chains).then(
        (r) => send({ type: 'signed', id: m.id, round: r }),
        (error: Error) => send({ type: 'failed', id: m.id, message: error.message }),
      );
    }
  });
  // The server went away: so does its signer.
  process.on('disconnect', () => process.exit(0));
  setInterval(() => void round(source), every).unref();
  void round(source);
} else {
  const url = process.env.MAMORI_SIGNER_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(
      'the audit signer reads PostgreSQL (MAMORI_SIGNER_DATABASE_URL or DATABASE_URL); on embedded PGlite npm start runs it as its child',
    );
  }
  const dialect = new PgDialect();
  // Named, so its connections show as the signer's in pg_stat_activity.
  const connection = { connectionString: url, application_name: 'mamori-audit-signer' };
  const pool = new pg.Pool({ ...connection, max: 2 });
  pool.on('error', (error) => console.error('[audit-signer] idle connection closed:', error.message));
  // A connection lost while in use (the database restarting) fails its statement, not the process.
  pool.on('connect', (client) =>
    client.on('error', (error) => console.error('[audit-signer] connection closed:', error.message)),
  );
  // Every statement as the signer's own role, which may read the chains and call its doors only.
  const source = chainSource(async (query) => {
    const client = await pool.connect();
    try {
      await client.query(
        "begin; select set_config('role', 'mamori_signer', true), set_config('app.scope', 'platform', true)",
      );
      const { sql, params } = dialect.sqlToQuery(query);
      const result = await client.query(sql, params);
      await client.query('commit');
      client.release();
      return result.rows as Record<string, unknown>[];
    } catch (error) {
      const rolledBack = await client.query('rollback').then(
        () => true,
        () => false,
      );
      // A connection that cannot even roll back is gone: it leaves the pool.
      client.release(!rolledBack);
      throw error;
    }
  });
  const onNotification = (n: pg.Notification) => {
    let chains: string[] | undefined;
    try {
      const parsed = JSON.parse(n.payload ?? '[]') as unknown;
      chains =
        Array.isArray(parsed) &&
        parsed.length > 0 &&
        parsed.every((c) => typeof c === 'string' && /^[0-9a-f-]{36}$/i.test(c))
          ? (parsed as string[])
          : undefined;
    } catch {
      chains = undefined;
    }
    void round(source, chains);
  };
  // The LISTEN connection outlives a database restart: when it is lost, it is made again (1 s,
  // doubling to 30 s) and a full round makes up for notifications missed meanwhile.
  let listener: pg.Client | null = null;
  let stopped = false;
  const listen = async (delayMs: number): Promise<void> => {
    if (stopped) return;
    const client = new pg.Client(connection);
    let lost = false;
    const reconnect = (error?: Error) => {
      if (lost || stopped) return;
      lost = true;
      if (error) console.error('[audit-signer] notification connection lost:', error.message);
      listener = null;
      void client.end().catch(() => undefined);
      setTimeout(() => void listen(Math.min(delayMs * 2, 30_000)), delayMs);
    };
    client.on('error', reconnect);
    client.on('end', () => reconnect());
    client.on('notification', onNotification);
    try {
      await client.connect();
      await client.query('listen mamori_audit_sign');
      listener = client;
      delayMs = 1_000;
      void round(source);
    } catch (error) {
      reconnect(error as Error);
    }
  };
  await listen(1_000);
  const timer = setInterval(() => void round(source), every);
  const stop = async () => {
    clearInterval(timer);
    stopped = true;
    await queue;
    await listener?.end();
    await pool.end();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}
