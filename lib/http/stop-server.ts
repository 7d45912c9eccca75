import 'server-only';
import type { Server } from 'node:http';

/** What SIGTERM found and did: whether the requests and the running jobs ended inside the grace period. */
export interface StopReport {
  requestsEnded: boolean;
  jobsEnded: boolean;
}

/**
 * A graceful stop: accept no new connections, let the requests in flight and the running
 * background jobs finish (up to `graceMs` together), then cut what is left and close the
 * database last, so no request or job loses it midway.
 */
export async function stopServer(
  server: Server,
  jobs: { stop(timeoutMs: number): Promise<boolean> },
  closeDatabase: () => Promise<void>,
  graceMs = 30_000,
): Promise<StopReport> {
  const deadline = Date.now() + graceMs;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Kept-alive connections between requests would hold close() open: cut each as it goes idle.
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  server.closeIdleConnections();
  let timeout: NodeJS.Timeout | undefined;
  const [requestsEnded, jobsEnded] = await Promise.all([
    Promise.race([
      closed.then(() => true),
      new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), graceMs))),
    ]),
    jobs.stop(Math.max(0, deadline - Date.now())),
  ]);
  clearTimeout(timeout);
  clearInterval(idle);
  if (!requestsEnded) server.closeAllConnections();
  await closeDatabase();
  return { requestsEnded, jobsEnded };
}
