/**
 * `npm run soak`: production on loopback under load and faults. PostgreSQL, two app instances
 * behind nginx (the shipped site file), the audit signer as its own service, and 200 clients
 * that sign in with password and TOTP, view pages, search and export the audit trail and edit IP
 * allowlists for 5 minutes. At minute 2 one instance is killed with SIGKILL and restarted (as
 * systemd does, 2 s later); at minute 3 PostgreSQL restarts. Then it checks that every action a
 * client saw acknowledged has its audit event and that every chain verifies from genesis under
 * its signed checkpoints, and prints 5xx in and out of the fault windows, the time to recover from
 * each fault and p50/p95 per route. Not part of `npm test`; it needs a build (`npx next build`),
 * nginx, openssl and a local PostgreSQL cluster it may restart (pg_ctlcluster, or
 * SOAK_PG_RESTART). SOAK_SECONDS and SOAK_CLIENTS shorten it; faults stay at 40 % and 60 %.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, ne } from 'drizzle-orm';
import pg from 'pg';
import { createPostgresDatabase, openSeeded, percentile, PG_ADMIN_URL, round } from '@/bench/lib';
import { freePort } from '@/bench/server';
import { operators, tenants, totpCredentials } from '@/db/schema';
import { seal } from '@/lib/crypto/keyring';
import { DEMO_PASSWORD } from '@/lib/demo/seed-demo';
import { newTotpSecret, totpSeedContext } from '@/lib/mfa/otp';
import { checkAudit, type Acknowledged } from './check-audit';
import { Client, type Sample } from './client';
import { act, type Operator } from './act';
import {
  makeCertificate,
  probe,
  restartPostgres,
  Service,
  startInstance,
  startNginx,
  startSigner,
  waitFor,
  type FleetEnv,
} from './fleet';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 200);
const KILL_AT = SECONDS * 0.4 * 1000;
const PG_RESTART_AT = SECONDS * 0.6 * 1000;
// A fault's window runs from the fault until it is recovered from, plus this much for requests
// that were on their way when recovery was seen.
const WINDOW_SLACK_MS = 5_000;
const SIGNER_ROLE = 'mamori_soak_signer';

if (!existsSync('.next/BUILD_ID')) {
  console.error('soak: no production build; run `npx next build` first');
  process.exit(2);
}
const admin = new URL(PG_ADMIN_URL);
if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(admin.hostname)) {
  console.error(`soak: runs on loopback only, and restarts the cluster; ${admin.hostname} is not local`);
  process.exit(2);
}

const dir = path.resolve('.data', `soak-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(dir, { recursive: true });
// This process writes the world the instances serve: it must seal with their key.
const fleet: Omit<FleetEnv, 'databaseUrl' | 'signerDatabaseUrl' | 'publicOrigin'> = {
  dir,
  authSecret: randomBytes(48).toString('base64'),
  encryptionKey: `k1:${randomBytes(32).toString('base64')}`,
  signingKeyPem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  checkpointSeconds: 30,
};
Object.assign(process.env, {
  MAMORI_ENV: 'production',
  AUTH_SECRET: fleet.authSecret,
  MAMORI_ENCRYPTION_KEY: fleet.encryptionKey,
  MAMORI_DATA_DIR: dir,
});

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The demo world, with TOTP enrolled for the clients' operators (admins first: they edit allowlists). */
async function prepareWorld(url: string): Promise<Operator[]> {
  const database = await openSeeded(url);
  const rows = await database.db
    .select({ id: operators.id, tenantId: operators.tenantId, loginId: operators.loginId, role: operators.role })
    .from(operators)
    .innerJoin(tenants, eq(tenants.id, operators.tenantId))
    .where(and(eq(tenants.kind, 'tenant'), eq(operators.status, 'active'), ne(operators.role, 'platform_admin')))
    .orderBy(operators.role, operators.loginId);
  if (rows.length < CLIENTS) throw new Error(`soak: the demo has ${rows.length} operators, not ${CLIENTS}`);
  const chosen = rows.slice(0, CLIENTS);
  const world = chosen.map((o) => ({ ...o, secret: newTotpSecret(), admin: o.role === 'tenant_admin' }));
  await database.db.insert(totpCredentials).values(
    world.map((o) => {
      const { ciphertext, keyId } = seal('totp-seed', o.secret, totpSeedContext(o.tenantId, o.id));
      return { tenantId: o.tenantId, operatorId: o.id, secretCiphertext: ciphertext, keyId, status: 'active' as const };
    }),
  );
  return world.map((o) => ({ ...o, password: DEMO_PASSWORD }));
}

interface FaultRecord {
  name: string;
  at: number;
  recoveredMs: number;
  lastClientErrorMs: number | null;
  failed: number;
}

async function main() {
  const db = await createPostgresDatabase('mamori_soak');
  await adminQuery(`do $$ begin
      if not exists (select 1 from pg_roles where rolname = '${SIGNER_ROLE}') then
        create role ${SIGNER_ROLE} login;
      end if;
    end $$`);
  const services: Service[] = [];
  try {
    console.log(`[soak] world: demo data, TOTP for ${CLIENTS} operators (${db.name})`);
    const world = await prepareWorld(db.url);
    await adminQuery(`grant mamori_signer to ${SIGNER_ROLE}`);
    const signerUrl = new URL(db.url);
    signerUrl.username = SIGNER_ROLE;

    const [portA, portB, portNginx] = [await freePort(), await freePort(), await freePort()];
    const f: FleetEnv = {
      ...fleet,
      databaseUrl: db.url,
      signerDatabaseUrl: signerUrl.toString(),
      publicOrigin: `https://localhost:${portNginx}`,
    };
    const tls = makeCertificate(dir);
    let started = Date.now();
    const clock = () => Date.now() - started;
    services.push(new Service('signer', () => startSigner(f), clock));
    const a = new Service('instance A', () => startInstance(f, portA, 'instance-a'), clock);
    const b = new Service('instance B', () => startInstance(f, portB, 'instance-b'), clock);
    services.push(a, b);
    const lastReady = new Map<number, number>();
    const ready = (port: number) =>
      probe(port, '/api/health/ready', tls.pem, false).then((status) => {
        lastReady.set(port, status);
        return status === 200;
      });
    await waitFor(async () => (await ready(portA)) && (await ready(portB)), 120_000, 'instances ready');
    services.push(new Service('nginx', () => startNginx(dir, portNginx, [portA, portB], tls), clock));
    await waitFor(async () => (await probe(portNginx, '/api/health/live', tls.pem)) === 200, 20_000, 'nginx');
    console.log(`[soak] nginx https://localhost:${portNginx} -> instances :${portA} :${portB}; logs in ${dir}`);

    const samples: Sample[] = [];
    const acknowledged: Acknowledged = { logins: new Map(), exports: new Map(), allowlist: [] };
    started = Date.now();
    const until = started + SECONDS * 1000;
    const clients = world.map((op, i) =>
      (async () => {
        // Clients arrive over the first 10 s, as a morning does.
        await new Promise((resolve) => setTimeout(resolve, (i * 10_000) / world.length));
        const client = new Client(portNginx, tls.pem, started, samples);
        try {
          await act(client, op, i, until, acknowledged);
        } finally {
          client.close();
        }
      })(),
    );

    const faults: FaultRecord[] = [];
    const faultsDone = (async () => {
      await new Promise((resolve) => setTimeout(resolve, KILL_AT));
      const killedAt = Date.now() - started;
      console.log(`[soak] ${(killedAt / 1000).toFixed(0)} s: SIGKILL to instance A`);
      // Restarted by its supervision 2 s later, as systemd restarts a unit.
      await a.kill();
      const back = await waitFor(() => ready(portA), 120_000, 'instance A back');
      faults.push({
        name: 'SIGKILL of one instance',
        at: killedAt,
        recoveredMs: back,
        lastClientErrorMs: null,
        failed: 0,
      });
      const wait = PG_RESTART_AT - (Date.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const restartAt = Date.now() - started;
      console.log(`[soak] ${(restartAt / 1000).toFixed(0)} s: PostgreSQL restarts`);
      restartPostgres();
      await waitFor(
        async () => (await ready(portA)) && (await ready(portB)),
        120_000,
        () =>
          `instances ready after the restart (last answers: ${[...lastReady].map(([p, st]) => `:${p} ${st}`).join(', ')})`,
      );
      faults.push({
        name: 'PostgreSQL restart',
        at: restartAt,
        recoveredMs: Date.now() - started - restartAt,
        lastClientErrorMs: null,
        failed: 0,
      });
    })();

    await Promise.all([...clients, faultsDone]);
    const ranFor = Date.now() - started;
    console.log(`[soak] clients done after ${(ranFor / 1000).toFixed(0)} s; checking the audit trail`);

    // Classify by when the answer came: a request cut by a fault ends inside its window.
    const windows = faults.map((w) => [w.at, w.at + w.recoveredMs + WINDOW_SLACK_MS] as const);
    const failed = samples.filter((s) => s.status === 0 || s.status >= 500);
    for (const w of faults) {
      const inside = failed.filter((s) => s.at + s.ms >= w.at && s.at + s.ms <= w.at + w.recoveredMs + WINDOW_SLACK_MS);
      w.lastClientErrorMs = inside.length ? Math.max(...inside.map((s) => s.at + s.ms)) - w.at : null;
      w.failed = inside.length;
    }
    const outside = failed.filter((s) => !windows.some(([from, to]) => s.at + s.ms >= from && s.at + s.ms <= to));
    const audit = await checkAudit(acknowledged, started);

    const routes = [...new Set(samples.map((s) => s.route))].sort().map((route) => {
      const of = samples.filter((s) => s.route === route);
      const ms = of.map((s) => s.ms);
      return {
        route,
        requests: of.length,
        p50Ms: round(percentile(ms, 50), 1),
        p95Ms: round(percentile(ms, 95), 1),
        failed: of.filter((s) => s.status === 0 || s.status >= 500).length,
        statuses: Object.fromEntries(
          [...new Set(of.map((s) => s.status))].sort().map((st) => [st, of.filter((s) => s.status === st).length]),
        ),
      };
    });
    const report = {
      seconds: SECONDS,
      clients: CLIENTS,
      requests: samples.length,
      requestsPerSecond: round(samples.length / (ranFor / 1000), 1),
      faults,
      failedInsideWindows: failed.length - outside.length,
      failedOutsideWindows: outside.map((s) => ({
        route: s.route,
        status: s.status,
        atS: round((s.at + s.ms) / 1000, 1),
      })),
      unexpectedExits: services.flatMap((sv) => sv.unexpectedExits.map((x) => ({ service: sv.name, ...x }))),
      audit,
      routes,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/soak.json', `${JSON.stringify(report, null, 2)}\n`);

    console.log(`\n${report.requests} requests, ${report.requestsPerSecond}/s, ${CLIENTS} clients, ${SECONDS} s`);
    for (const w of faults)
      console.log(
        `${w.name} at ${(w.at / 1000).toFixed(0)} s: recovered in ${(w.recoveredMs / 1000).toFixed(1)} s; ${w.failed} requests failed; ` +
          `last client error ${w.lastClientErrorMs === null ? 'none' : `${(w.lastClientErrorMs / 1000).toFixed(1)} s after`}`,
      );
    console.log(`5xx or no answer: ${report.failedInsideWindows} inside the fault windows, ${outside.length} outside`);
    for (const s of report.failedOutsideWindows.slice(0, 20))
      console.log(`  ${s.atS} s ${s.status || 'no answer'} ${s.route}`);
    console.log(
      `acknowledged actions with their audit event: logins ${audit.logins.recorded}/${audit.logins.acknowledged}, ` +
        `audit exports ${audit.exports.recorded}/${audit.exports.acknowledged}, ` +
        `allowlist edits ${audit.allowlist.recorded}/${audit.allowlist.acknowledged}` +
        ` (operators with an unanswered action: ${audit.operatorsWithUnknown})`,
    );
    console.log(
      `chains verified from genesis: ${audit.chains.verified}/${audit.chains.total}` +
        (audit.chains.failures.length ? ` FAILED: ${JSON.stringify(audit.chains.failures.slice(0, 5))}` : ''),
    );
    console.log('\nroute                                       requests   p50 ms   p95 ms  failed');
    for (const r of routes)
      console.log(
        `${r.route.padEnd(44)}${String(r.requests).padStart(8)}${String(r.p50Ms).padStart(9)}${String(r.p95Ms).padStart(9)}${String(r.failed).padStart(8)}  ${Object.entries(
          r.statuses,
        )
          .map(([st, n]) => `${st}×${n}`)
          .join(' ')}`,
      );
    for (const x of report.unexpectedExits)
      console.log(`UNEXPECTED EXIT: ${x.service} at ${(x.at / 1000).toFixed(0)} s (code ${x.code})`);
    const held =
      report.unexpectedExits.length === 0 &&
      outside.length === 0 &&
      audit.logins.missing.length === 0 &&
      audit.exports.missing.length === 0 &&
      audit.allowlist.missing.length === 0 &&
      audit.chains.failures.length === 0 &&
      audit.logins.acknowledged > 0 &&
      audit.chains.total > 0;
    console.log(`\nsoak: ${held ? 'held' : 'DID NOT HOLD'} (bench/results/soak.json)`);
    process.exitCode = held ? 0 : 1;
  } finally {
    for (const service of services.reverse()) await service.stop();
    await db.drop().catch((error: Error) => console.error(`[soak] could not drop ${db.name}: ${error.message}`));
    await adminQuery(`drop role if exists ${SIGNER_ROLE}`).catch(() => undefined);
  }
}

await main();
process.exit(process.exitCode ?? 0);
