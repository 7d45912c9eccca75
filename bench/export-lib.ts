/**
 * What the export benchmarks (P4, orders) share: PostgreSQL's COPY as the baseline, and an export
 * measured in a child process of its own, so its RSS is the export's and not whatever the
 * benchmarks before it left in the parent.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type pg from 'pg';
import { nowMs, round } from './lib';

const execFileAsync = promisify(execFile);

/**
 * COPY ... TO STDOUT read through the pg client as a custom submittable (the protocol that
 * pg-copy-streams uses; that package is not installed): every CopyData message is received and
 * parsed by this process and its bytes counted, nothing else.
 */
class CopyOut {
  bytes = 0;
  rows = 0;
  private settle!: { resolve: () => void; reject: (e: Error) => void };
  readonly done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
  constructor(private readonly text: string) {}
  submit(connection: { query: (text: string) => void }) {
    connection.query(this.text);
  }
  handleCopyData(msg: { chunk: Buffer }) {
    this.bytes += msg.chunk.length;
  }
  handleCommandComplete(msg: { text: string }) {
    this.rows = Number(msg.text.split(' ')[1]);
  }
  handleReadyForQuery() {
    this.settle.resolve();
  }
  // pg drops a failed query before ReadyForQuery, so an error settles it here.
  handleError(error: Error) {
    this.settle.reject(error);
  }
}

export interface Run {
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
}

/** COPY of an export's own select in the same kind of transaction: app role, tenant set, RLS on. */
export async function runCopy(client: pg.Client, text: string, tenantId: string): Promise<Run> {
  await client.query('begin');
  try {
    await client.query(`select set_config('role', 'mamori_app', true), set_config('app.tenant_id', $1, true)`, [
      tenantId,
    ]);
    const copy = new CopyOut(`copy (${text}) to stdout (format csv)`);
    const t0 = nowMs();
    client.query(copy as unknown as pg.QueryConfig);
    await copy.done;
    const seconds = (nowMs() - t0) / 1000;
    return { rows: copy.rows, bytes: copy.bytes, seconds, rowsPerSecond: copy.rows / seconds };
  } finally {
    await client.query('commit');
  }
}

/** What a child reports of one export: bytes, time and its own CPU and memory. */
export interface ExportFigures {
  bytes: number;
  seconds: number;
  /** CPU of the exporting process during the export (PostgreSQL's is not counted). */
  cpuSeconds: number;
  rssStartMb: number;
  rssPeakMb: number;
  heapPeakMb: number;
}

/** Reads an export stream to the end, sampling RSS and heap every 50 ms. */
export async function measureExport(
  stream: () => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>,
): Promise<ExportFigures> {
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  let heapPeak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  }, 50);
  const cpu = process.cpuUsage();
  const t0 = nowMs();
  let bytes: number;
  try {
    bytes = await consume(await stream());
  } finally {
    clearInterval(sampler);
  }
  const seconds = (nowMs() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  const mb = (x: number) => round(x / 2 ** 20, 1);
  return {
    bytes,
    seconds,
    cpuSeconds: round((used.user + used.system) / 1e6, 2),
    rssStartMb: mb(rssStart),
    rssPeakMb: mb(rssPeak),
    heapPeakMb: mb(heapPeak),
  };
}

/** Reads a stream to the end; its byte count. */
export async function consume(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.length;
  }
}

/** Runs `node scripts/run.mjs <entry> ...args` and parses the JSON its last stdout line holds. */
export async function inChild<T>(entry: string, args: string[]): Promise<T> {
  const { stdout } = await execFileAsync(process.execPath, ['scripts/run.mjs', entry, ...args], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

export const totalOf = (runs: Run[]) => {
  const rows = runs.reduce((a, r) => a + r.rows, 0);
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  return {
    rows,
    seconds: round(seconds, 2),
    rowsPerSecond: round(rows / seconds, 0),
    mbPerSecond: round(runs.reduce((a, r) => a + r.bytes, 0) / 2 ** 20 / seconds, 1),
  };
};

/**
 * COPY against the export in alternating rounds (C E, E C, ...) after one warm-up of each: both
 * read the whole table once first, so neither pays for a cold cache, and drift costs both alike.
 */
export async function alternateRounds<E extends Run>(
  rounds: number,
  copy: () => Promise<Run>,
  exportOnce: () => Promise<E>,
): Promise<{ copies: Run[]; exports: E[] }> {
  await copy();
  await exportOnce();
  const copies: Run[] = [];
  const exports: E[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const kind of r % 2 === 0 ? (['copy', 'export'] as const) : (['export', 'copy'] as const)) {
      if (kind === 'copy') copies.push(await copy());
      else exports.push(await exportOnce());
    }
  }
  return { copies, exports };
}

/** The export's own audit event must agree with what the reader got. */
export function checkAudited(
  audited: { rows: number; bytes: string },
  read: { bytes: number },
  expectedRows: number,
): void {
  if (Number(audited.bytes) !== read.bytes)
    throw new Error(`export audited ${audited.bytes} bytes, the reader got ${read.bytes}`);
  if (audited.rows !== expectedRows) throw new Error(`export wrote ${audited.rows} rows of ${expectedRows}`);
}
