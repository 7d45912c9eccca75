/**
 * The real server entry as a child process, for benchmarks that measure from outside: its own
 * process group (tsx loader and Next workers stop together), a free loopback port, and plain
 * HTTP requests with their time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { env } from '@/lib/env';
import { nowMs } from './lib';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class Server {
  private output = '';
  private exited: number | null | undefined;
  constructor(
    private child: ChildProcess,
    readonly port: number,
  ) {
    const keep = (chunk: Buffer) => {
      // Only the tail matters for a failure report.
      this.output = (this.output + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code) => {
      this.exited = code;
    });
  }

  static async start(extraEnv: Record<string, string>): Promise<Server> {
    const port = await freePort();
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NEXT_TELEMETRY_DISABLED: '1',
      MAMORI_DEMO: '0',
      AUTH_SECRET: env().authSecret,
      ...extraEnv,
    };
    // The PGlite run must not pick up a DATABASE_URL from the caller's shell.
    if (!extraEnv.DATABASE_URL) delete childEnv.DATABASE_URL;
    // detached: its own process group, so the tsx loader and Next workers all stop together.
    const child = spawn(process.execPath, ['scripts/run.mjs', 'scripts/server.ts'], {
      env: childEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new Server(child, port);
    await server.waitReady();
    return server;
  }

  private async waitReady() {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (this.exited !== undefined) throw new Error(`server exited (${this.exited}):\n${this.output}`);
      try {
        const r = await request(this.port, '/api/health', undefined, new http.Agent());
        if (r.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`server not ready after 120 s:\n${this.output}`);
  }

  async stop() {
    if (this.exited !== undefined || this.child.pid === undefined) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    process.kill(-this.child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (this.exited === undefined && this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
    }, 10_000);
    await gone;
    clearTimeout(timer);
  }
}

/** A GET over `agent`, with a session cookie, an API token (`{ bearer }`) or neither. */
export function request(
  port: number,
  urlPath: string,
  credential: string | { bearer: string } | undefined,
  agent: http.Agent,
): Promise<{ status: number; body: string; ms: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const start = nowMs();
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        agent,
        headers:
          credential === undefined
            ? {}
            : typeof credential === 'string'
              ? { cookie: credential }
              : { authorization: `Bearer ${credential.bearer}` },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: nowMs() - start, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}
