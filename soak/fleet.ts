/**
 * The soak's production on loopback: app instances (the real server entry, MAMORI_ENV=production),
 * the audit signer as a service of its own, and nginx with the shipped site file (deploy/nginx),
 * bent only where a test run must differ: loopback ports, a certificate of the run's own, files in
 * the run's directory. Each process has its own process group, so SIGKILL takes the whole of it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

export interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

function launch(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Proc {
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, exited };
}

/** Stops a process group: SIGTERM, SIGKILL after `graceMs`. */
async function stop(proc: Proc, graceMs = 35_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null || proc.child.pid === undefined) return;
  try {
    process.kill(-proc.child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-proc.child.pid!, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }, graceMs);
  await proc.exited;
  clearTimeout(timer);
}

function kill(proc: Proc): Promise<number | null> {
  process.kill(-proc.child.pid!, 'SIGKILL');
  return proc.exited;
}

/**
 * A process kept running as systemd keeps the shipped units (Restart=always, RestartSec=2): an
 * exit the soak did not cause is counted, reported, and followed by a restart.
 */
export class Service {
  proc: Proc;
  unexpectedExits: { at: number; code: number | null }[] = [];
  private expected = false;
  private stopped = false;

  constructor(
    readonly name: string,
    private start: () => Proc,
    private clock: () => number,
  ) {
    this.proc = this.run();
  }

  private run(): Proc {
    const proc = this.start();
    void proc.exited.then((code) => {
      if (this.stopped) return;
      if (!this.expected) {
        this.unexpectedExits.push({ at: this.clock(), code });
        console.error(`[soak] ${this.name} exited unexpectedly (${code}); restarting in 2 s`);
      }
      this.expected = false;
      setTimeout(() => {
        if (!this.stopped) this.proc = this.run();
      }, 2_000);
    });
    return proc;
  }

  /** SIGKILL to the whole process group; the restart follows as for any exit. */
  async kill(): Promise<void> {
    this.expected = true;
    await kill(this.proc);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await stop(this.proc);
  }
}

export interface FleetEnv {
  dir: string;
  databaseUrl: string;
  signerDatabaseUrl: string;
  authSecret: string;
  encryptionKey: string;
  signingKeyPem: string;
  publicOrigin: string;
  checkpointSeconds: number;
}

export function startInstance(f: FleetEnv, port: number, label: string): Proc {
  return launch(
    label,
    process.execPath,
    ['scripts/run.mjs', 'scripts/server.ts'],
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      MAMORI_ENV: 'production',
      MAMORI_DEMO: '0',
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_URL: f.publicOrigin,
      AUTH_SECRET: f.authSecret,
      MAMORI_ENCRYPTION_KEY: f.encryptionKey,
      DATABASE_URL: f.databaseUrl,
      MAMORI_DATA_DIR: path.join(f.dir, label),
      MAMORI_TRUSTED_PROXIES: '127.0.0.1/32',
      MAMORI_MIGRATE_ON_START: '0',
      MAMORI_METRICS_PORT: '0',
      MAMORI_CHECKPOINT_SECONDS: String(f.checkpointSeconds),
      MAMORI_LOG_LEVEL: 'warn',
    },
    path.join(f.dir, `${label}.log`),
  );
}

export function startSigner(f: FleetEnv): Proc {
  return launch(
    'signer',
    process.execPath,
    ['scripts/run.mjs', 'scripts/audit-signer.ts'],
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      MAMORI_ENV: 'production',
      MAMORI_AUDIT_SIGNING_KEY: f.signingKeyPem,
      MAMORI_SIGNER_DATABASE_URL: f.signerDatabaseUrl,
      MAMORI_SIGNER_DIR: path.join(f.dir, 'signer'),
      MAMORI_CHECKPOINT_SECONDS: String(f.checkpointSeconds),
    },
    path.join(f.dir, 'signer.log'),
  );
}

/** A self-signed certificate for `localhost`, made by openssl into the run's directory. */
export function makeCertificate(dir: string): { cert: string; key: string; pem: Buffer } {
  const cert = path.join(dir, 'tls-cert.pem');
  const key = path.join(dir, 'tls-key.pem');
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`openssl could not make a certificate: ${result.stderr}`);
  return { cert, key, pem: readFileSync(cert) };
}

/**
 * nginx with deploy/nginx/mamori.conf: its TLS server on a loopback port, its upstream the
 * instances' ports, its certificate the run's. The plain-HTTP redirect server is left out (it
 * needs port 80).
 */
export function startNginx(dir: string, port: number, upstreams: number[], tls: { cert: string; key: string }): Proc {
  const site = readFileSync('deploy/nginx/mamori.conf', 'utf8');
  const servers = upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=2 fail_timeout=10s;`).join('\n');
  const bent = site
    .replace(/(upstream mamori \{[\s\S]*?)(\n    server 127[^\n]*)+/, (_, head: string) => `${head}\n${servers}`)
    .replace(/# Plain HTTP only redirects\.\nserver \{[\s\S]*?\n\}\n/, '')
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${port} ssl http2;`)
    .replace(/\n\s*listen \[::\]:443 ssl http2;/, '')
    .replace(/server_name mamori\.example\.jp;/, 'server_name localhost;')
    .replace('/etc/ssl/mamori/fullchain.pem', tls.cert)
    .replace('/etc/ssl/mamori/privkey.pem', tls.key);
  for (const expected of [`listen 127.0.0.1:${port}`, tls.cert, `server 127.0.0.1:${upstreams[0]}`])
    if (!bent.includes(expected)) throw new Error(`deploy/nginx/mamori.conf changed shape: no "${expected}"`);
  if (bent.includes('listen 80')) throw new Error('deploy/nginx/mamori.conf changed shape: the redirect server stayed');
  const prefix = path.join(dir, 'nginx');
  mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  writeFileSync(path.join(prefix, 'mamori.conf'), bent);
  writeFileSync(
    path.join(prefix, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${prefix}/nginx.pid;`,
      `error_log ${prefix}/logs/error.log warn;`,
      'events { worker_connections 2048; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy;`,
      `  fastcgi_temp_path ${prefix}/fastcgi; uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;`,
      `  include ${prefix}/mamori.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  const nginx = process.env.SOAK_NGINX ?? '/usr/sbin/nginx';
  const checked = spawnSync(nginx, ['-t', '-p', prefix, '-c', path.join(prefix, 'nginx.conf')], { encoding: 'utf8' });
  if (checked.status !== 0) throw new Error(`nginx -t refused the site: ${checked.stderr}`);
  return launch(
    'nginx',
    nginx,
    ['-p', prefix, '-c', path.join(prefix, 'nginx.conf')],
    process.env,
    path.join(dir, 'nginx.log'),
  );
}

/** Restarts the PostgreSQL cluster that serves the run (Debian's pg_ctlcluster, or SOAK_PG_RESTART). */
export function restartPostgres(): void {
  const custom = process.env.SOAK_PG_RESTART;
  let result;
  if (custom) result = spawnSync('sh', ['-c', custom], { encoding: 'utf8' });
  else {
    const clusters = spawnSync('pg_lsclusters', ['-h'], { encoding: 'utf8' });
    const online = clusters.stdout
      ?.split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find((c) => c[2] === '5432' && c[3]?.startsWith('online'));
    if (!online) throw new Error('no online PostgreSQL cluster on port 5432 (set SOAK_PG_RESTART)');
    result = spawnSync('pg_ctlcluster', [online[0], online[1], 'restart', '-m', 'fast'], { encoding: 'utf8' });
  }
  if (result.status !== 0) throw new Error(`PostgreSQL restart failed: ${result.stderr}`);
}

/** GET over HTTPS from loopback; the status, or 0 when there was no answer. */
export function probe(port: number, urlPath: string, ca: Buffer, tls = true): Promise<number> {
  return new Promise((resolve) => {
    const options = { host: '127.0.0.1', port, path: urlPath, timeout: 2_000, agent: false as const };
    const req = tls
      ? https.get({ ...options, ca, servername: 'localhost' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
      : // The instances speak plain HTTP on loopback behind nginx.
        http.get(options, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string | (() => string),
): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check()) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${typeof what === 'string' ? what : what()}: not within ${timeoutMs / 1000} s`);
}
