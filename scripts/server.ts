/**
 * The server entry: the only code that sees the socket. It decides the client IP (socket peer,
 * or X-Forwarded-For through trusted proxies only), strips forwarding headers a client could
 * forge, refuses methods no route uses, then hands the request to Next.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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
import { rotateKeys } from '@/lib/keys/rotate-keys';
import { readJudgedBody } from '@/lib/http/judge-body';
import { prepareRequest, type RequestRefusal } from '@/lib/http/prepare-request';
import { recordOriginRefusal } from '@/lib/auth/record-origin-refusal';
import { startSignerChild } from '@/lib/audit/signer-child';

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

  // Audit events committed while their chain was busy are chained by their writer right after
  // commit; this picks up any whose writer stopped in between (a crash, a restart).
  const sweepAudit = () =>
    sequenceWaitingAudit().catch((error) => console.error('[mamori] audit sequencing sweep failed', error));
  await sweepAudit();
  setInterval(sweepAudit, 5_000).unref();

  // Compromise declarations an instance died while applying: finished at start, then every minute.
  const resumeCompromise = () =>
    resumeCompromises().catch((error) => console.error('[mamori] compromise resume failed', error));
  void resumeCompromise();
  setInterval(resumeCompromise, 60_000).unref();

  // Rotation deadlines: lock stragglers every minute (the login path also checks on its own).
  setInterval(() => {
    withPlatformTx((tx) => lockOverdueRotations(tx)).catch((error) =>
      console.error('[mamori] rotation sweep failed', error),
    );
  }, 60_000).unref();

  // Signed audit checkpoints come from the audit signer, which holds the key in a process of its
  // own: a child of this one in development and on embedded PGlite (which it reads through this
  // process), a service of its own in production on PostgreSQL (npm run audit:signer).
  const signer =
    database.kind === 'pglite' || e.MAMORI_ENV !== 'production'
      ? startSignerChild(database.kind === 'pglite' ? 'ipc' : 'postgres')
      : null;

  // Alert webhooks: due deliveries (new ones and retries) every 10 seconds.
  setInterval(() => {
    deliverWebhooks().catch((error) => console.error('[mamori] webhook delivery failed', error));
  }, 10_000).unref();

  // Audit streams to SIEMs: every second, a round at a time (a round leases each due stream and
  // delivers it for up to 20 s; the next starts when it ends).
  let streaming = false;
  setInterval(() => {
    if (streaming) return;
    streaming = true;
    deliverStreams()
      .catch((error) => console.error('[mamori] audit stream delivery failed', error))
      .finally(() => (streaming = false));
  }, 1_000).unref();

  // The daily audit counts the dashboards' charts read: every minute. Each company's security
  // posture (the platform's posture page reads these rows): every ten minutes, as it reads every
  // operator (about 5 s at 1,000,000); a company's own is refreshed whenever its admins look.
  const rollUp = () => rollUpAudit().catch((error) => console.error('[mamori] audit roll-up failed', error));
  const postureRefresh = () =>
    refreshPosture().catch((error) => console.error('[mamori] posture refresh failed', error));
  void rollUp().then(postureRefresh);
  setInterval(rollUp, 60_000).unref();
  setInterval(postureRefresh, 600_000).unref();

  // Operators past their company's inactivity period are disabled: at start, then hourly.
  const disableDormant = () =>
    disableDormantOperators().catch((error) => console.error('[mamori] dormancy sweep failed', error));
  void disableDormant();
  setInterval(disableDormant, 3_600_000).unref();

  // Failure counts of unknown login IDs, a day after their last failure: hourly.
  setInterval(() => {
    pruneLoginThrottles().catch((error) => console.error('[mamori] login throttle pruning failed', error));
  }, 3_600_000).unref();

  // Audit retention (default 5 years), daily.
  setInterval(() => {
    pruneAllTenants().catch((error) => console.error('[mamori] audit retention failed', error));
  }, 24 * 3_600_000).unref();

  const app = next({ dev: false, dir: process.cwd(), port, hostname: 'localhost' });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => {
    const refused = (refusal: RequestRefusal) =>
      void recordOriginRefusal(refusal).catch((error: Error) =>
        console.error('[mamori] could not record a refused request:', error.message),
      );
    if (!prepareRequest(req, res, e.trustedProxies, refused)) return;
    judged(req, res)
      .then((request) => request && handle(request, res))
      .catch((error) => {
        console.error('[mamori] unhandled', error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Internal Server Error\n');
      });
  });
  server.listen(port, host, () => {
    console.log(`[mamori] console on http://localhost:${port}`);
  });
  const stop = async () => {
    signer?.kill('SIGTERM');
    server.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
