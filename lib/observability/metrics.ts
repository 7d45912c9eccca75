import 'server-only';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mamori_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'mamori_http_requests_total',
      help: 'HTTP requests answered, by route, method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'mamori_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route and method.',
      labelNames: ['route', 'method'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    logins: new Counter({
      name: 'mamori_logins_total',
      help: 'Login steps by outcome (succeeded, failed, password_verified, mfa_failed, recovery_code_used).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    auditAppends: new Counter({
      name: 'mamori_audit_appends_total',
      help: 'Audit events committed by this instance.',
      registers: [registry],
    }),
    auditChainsWaiting: new Gauge({
      name: 'mamori_audit_chains_waiting',
      help: 'Audit chains with committed events not yet sequenced into the chain (the sequencing lag).',
      registers: [registry],
    }),
    exportBytes: new Counter({
      name: 'mamori_export_bytes_total',
      help: 'Bytes of exports (orders, audit events, bundles) handed to the connection.',
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'mamori_job_runs_total',
      help: 'Background job runs on this instance, by job and outcome.',
      labelNames: ['job', 'outcome'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'mamori_job_duration_seconds',
      help: 'Background job run time, by job.',
      labelNames: ['job'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof create>;

// One registry per process, shared with Next's bundled copy of this module: the server entry
// serves it, the route handlers count into it.
const holder = globalThis as unknown as { __mamoriMetrics?: Metrics };

export function metrics(): Metrics {
  return (holder.__mamoriMetrics ??= create());
}
