/**
 * The server entry: the only code that sees the socket. It decides the client IP (socket peer,
 * or X-Forwarded-For through trusted proxies only), strips forwarding headers a client could
 * forge, refuses methods no route uses, then hands the request to Next.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import next from 'next';
import { getDatabase, withPlatformTx } from '@/db';
import { pruneAllTenants } from '@/lib/audit/prune-audit-events';
import { sequenceWaitingAudit } from '@/lib/audit/sequence-audit';
import { deliverWebhooks } from '@/lib/alerts/webhooks';
import { deliverStreams } from '@/lib/streams/deliver-streams';
import { seedDemo, DEMO_PASSWORD } from '@/lib/demo/seed-demo';
import { INTRUDER_IP, replayIncident } from '@/lib/demo/replay-incident';
import { env } from '@/lib/env';
import { resumeCompromises } from '@/lib/incidents/resume-compromises';
import { disableDormantOperators } from '@/lib/tenancy/disable-dormant-operators';
import { refreshPosture } from '@/lib/posture/refresh-posture';
import { rollUpAudit } from '@/lib/audit/roll-up-audit';
import { lockOverdueRotations } from '@/lib/passwords/rotation-targets';
import { pruneLoginThrottles } from '@/lib/auth/prune-login-throttles';
import { pruneIdempotencyKeys } from '@/lib/api/prune-idempotency-keys';
import { rotateKeys } from '@/lib/keys/rotate-keys';
import { readJudgedBody } from '@/lib/http/judge-body';
import { prepareRequest, type RequestRefusal } from '@/lib/http/prepare-request';
import { recordOriginRefusal } from '@/lib/auth/record-origin-refusal';
import { startSignerChild } from '@/lib/audit/signer-child';
import { startJobs } from '@/lib/jobs/run-jobs';
import { stopServer } from '@/lib/http/stop-server';
import { countWaitingChains } from '@/lib/audit/count-waiting-chains';
import { metrics } from '@/lib/observability/metrics';
import { logger } from '@/lib/observability/logger';
import { observeRequest } from '@/lib/observability/observe-request';
import { requestStorage } from '@/lib/observability/request-store';
import { serveMetrics } from '@/lib/observability/serve-metrics';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A write's body, read whole and judged before Next parses it: 400 or 413 here, never a 500 there. */
async function judged(req: IncomingMessage, res: ServerResponse): Promise<IncomingMessage | null> {
  if (SAFE_METHODS.has(req.method ?? '')) return req;
  const verdict = await readJudgedBody(req);
  if (verdict.ok) return verdict.request;
  res.writeHead(verdict.status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(verdict.status === 413 ? 'Payload Too Large\n' : `Bad Request: ${verdict.reason}\n`);
  return null;
}

async function main() {
  (process.env as Record<string, string>).NODE_ENV = 'production';
  const e = env();
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST || undefined;

  // Next loads its build while the database opens and catches up: a restart serves sooner.
  const app = next({ dev: false, dir: process.cwd(), port, hostname: 'localhost' });
  const prepared = app.prepare();
  const database = await getDatabase();
  console.log(
    `[mamori] database: ${database.kind === 'pglite' ? `embedded PGlite (${e.MAMORI_DATA_DIR}/pglite)` : 'PostgreSQL'}, migrated`,
  );
  if (e.MAMORI_DEMO === '1') {
    const { seeded, logins } = await seedDemo();
    if (seeded) console.log('[mamori] demo data seeded: 43 tenants, 53 sites, 314 operators');
    console.log(`[mamori] demo logins (password for all: ${DEMO_PASSWORD})`);
    for (const l of logins) console.log(`  ${l.loginId.padEnd(20)} ${l.role.padEnd(17)} ${l.tenant}`);
    if (e.MAMORI_DEMO_INCIDENT === '1') {
      const played = await replayIncident();
      if (played)
        console.log(
          `[mamori] demo incident played from ${INTRUDER_IP} at ${played.victims.map((v) => v.tenantName).join(', ')}`,
        );
    }
  }

  // Secrets still in the first keyring's form are re-encrypted, bound to their rows, once.
  const upgraded = await rotateKeys('legacy', 'upgrade');
  const moved = Object.values(upgraded.reencrypted).reduce((a, b) => a + b, 0);
  if (moved > 0) console.log(`[mamori] re-encrypted ${moved} secrets at rest under key ${upgraded.keyId}`);

  // Signed audit checkpoints come from the audit signer, which holds the key in a process of its
  // own: a child of this one in development and on embedded PGlite (which it reads through this
  // process), a service of its own in production on PostgreSQL (npm run audit:signer).
  const signer =
    database.kind === 'pglite' || e.MAMORI_ENV !== 'production'
      ? startSignerChild(database.kind === 'pglite' ? 'ipc' : 'postgres')
      : null;

  // Audit events committed while their chain was busy are chained by their writer right after
  // commit; the sweep picks up any whose writer stopped in between (a crash, a restart).
  await sequenceWaitingAudit();

  // Background work, each job on one instance at a time across all of them (a lease per job in
  // the database; a dead instance's lease runs out and another takes over), each as often as
  // its interval since its last start anywhere.
  const jobs = startJobs(
    [
      { name: 'audit-sequencing', everyMs: 5_000, run: sequenceWaitingAudit },
      // Compromise declarations an instance died while applying.
      { name: 'compromise-resume', everyMs: 60_000, run: resumeCompromises },
      // Rotation deadlines: stragglers are locked (the login path also checks on its own).
      { name: 'rotation-locks', everyMs: 60_000, run: () => withPlatformTx((tx) => lockOverdueRotations(tx)) },
      { name: 'alert-webhooks', everyMs: 10_000, run: deliverWebhooks },
      // A round leases each due stream and delivers it for up to 20 s.
      { name: 'audit-streams', everyMs: 1_000, run: deliverStreams },
      // The daily audit counts the dashboards' charts read.
      { name: 'audit-roll-up', everyMs: 60_000, run: rollUpAudit },
      // Each company's security posture for the platform's page (it reads every operator, about
      // 5 s at 1,000,000), from counts rolled up first; a company's own is refreshed whenever its
      // admins look.
      { name: 'posture-refresh', everyMs: 600_000, run: () => rollUpAudit().then(() => refreshPosture()) },
      { name: 'dormant-operators', everyMs: 3_600_000, run: disableDormantOperators },
      // Failure counts of unknown login IDs, a day after their last failure.
      { name: 'login-throttles', everyMs: 3_600_000, run: pruneLoginThrottles },
      // API idempotency keys, a day after their first request.
      { name: 'idempotency-keys', everyMs: 3_600_000, run: pruneIdempotencyKeys },
      // Audit retention (default 5 years).
      { name: 'audit-retention', everyMs: 24 * 3_600_000, leaseMs: 10 * 60_000, run: pruneAllTenants },
    ],
    `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  );

  await prepared;
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => {
    const store = observeRequest(req, res);
    requestStorage().run(store, () => serve(req, res));
  });
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const refused = (refusal: RequestRefusal) =>
      void recordOriginRefusal(refusal).catch((error: Error) =>
        logger().error({ err: error.message }, 'could not record a refused request'),
      );
    if (!prepareRequest(req, res, e.trustedProxies, refused)) return;
    judged(req, res)
      .then((request) => request && handle(request, res))
      .catch((error) => {
        logger().error({ err: error }, 'unhandled error');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Internal Server Error\n');
      });
  };
  server.listen(port, host, () => {
    console.log(`[mamori] console on http://localhost:${port}`);
  });
  const metricsServer =
    e.MAMORI_METRICS_PORT > 0
      ? serveMetrics({
          port: e.MAMORI_METRICS_PORT,
          host: e.MAMORI_METRICS_HOST,
          token: e.MAMORI_METRICS_TOKEN,
          beforeScrape: async () => metrics().auditChainsWaiting.set(await countWaitingChains()),
        })
      : null;
  metricsServer?.on('listening', () =>
    console.log(`[mamori] metrics on http://${e.MAMORI_METRICS_HOST}:${e.MAMORI_METRICS_PORT}/metrics`),
  );
  metricsServer?.on('error', (error) => logger().error({ err: error.message }, 'metrics server failed'));
  // SIGTERM: no new connections; requests in flight and the running jobs get up to 30 s; the
  // signer and then the database close last.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('[mamori] stopping: finishing requests in flight and running jobs (up to 30 s)');
    metricsServer?.close();
    const report = await stopServer(server, jobs, async () => {
      signer?.kill('SIGTERM');
      await database.close();
    });
    console.log(
      `[mamori] stopped${report.requestsEnded ? '' : '; requests still running were cut'}${report.jobsEnded ? '' : '; jobs still running were cut'}`,
    );
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
