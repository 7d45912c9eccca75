import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { stopServer } from './stop-server';

let server: Server;
afterEach(() => server?.closeAllConnections());

/** A server whose every request takes `ms` to answer. */
async function slowServer(ms: number, onSent = () => {}) {
  server = createServer((_req, res) => setTimeout(() => res.end('done', onSent), ms));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('stopping on SIGTERM', () => {
  it('finishes the request in flight and the running job, refuses new connections, then closes the database', async () => {
    const order: string[] = [];
    const port = await slowServer(300, () => order.push('request answered'));
    const inFlight = get(port);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const jobs = {
      stop: async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        order.push('job ended');
        return true;
      },
    };
    const stopping = stopServer(server, jobs, async () => void order.push('database closed'), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(get(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await inFlight).toEqual({ status: 200, body: 'done' });
    expect(await stopping).toEqual({ requestsEnded: true, jobsEnded: true });
    expect(order).toEqual(['job ended', 'request answered', 'database closed']);
  });

  it('past the grace period: cuts the request still running and says so, and still closes the database', async () => {
    const port = await slowServer(10_000);
    const inFlight = get(port).catch((error: NodeJS.ErrnoException) => error.code);
    await new Promise((resolve) => setTimeout(resolve, 50));
    let closedDatabase = false;
    const report = await stopServer(server, { stop: async () => false }, async () => void (closedDatabase = true), 200);
    expect(report).toEqual({ requestsEnded: false, jobsEnded: false });
    expect(await inFlight).toBe('ECONNRESET');
    expect(closedDatabase).toBe(true);
  });
});
