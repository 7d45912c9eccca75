import 'server-only';
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { getDatabase } from '@/db';
import { metrics } from '@/lib/observability/metrics';
import { logger } from '@/lib/observability/logger';

export type ExportEncoding = 'utf8' | 'utf8-bom' | 'sjis';

/**
 * Exports fetch each row as one text, its fields joined by 0x1f with `||` in SQL: the pg client
 * spends about half a microsecond on every field it decodes, more than formatting the row takes,
 * and concat() would cost PostgreSQL a type lookup per argument. A free text that itself holds
 * 0x1f shows up as a row with too many fields; each export then reads that row's texts apart.
 */
export const SEPARATOR = '\x1f';
export const JOIN_SQL = ` || E'\\x1f' || `;

/** A timestamptz in UTC to the microsecond: exact, so a row's value can be the next batch's keyset. */
export const utcMicros = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;

// Rows per query. PGlite runs a query on this thread, so its batches stay small enough not to
// hold up other requests for long (a 10,000-row batch stalled the event loop for 300 ms). On
// PostgreSQL the row-level security policy makes the planner expect about 1 in 25 of a tenant's
// rows to pass, so with much larger batches it prefers reading the whole table and sorting it for
// each batch (measured: 230 ms a batch at 1M orders, against 14 ms through the index).
const BATCH = { postgres: 5_000, pglite: 2_000 };
// Rows formatted between two turns of the event loop.
const SLICE = 500;

export interface ExportSummary {
  rows: number;
  bytes: number;
  sha256: string;
}

/** What an export had handed to the connection when it stopped short of its end. */
export interface AbortSummary {
  rows: number;
  bytes: number;
  /** The client went away (closed the connection, cancelled the download), or the export failed. */
  cause: 'client_closed' | 'failed';
}

/** The end of an export that did not finish, recorded once whatever stopped it; a failure to record is logged. */
function onceAborted(abort: (summary: AbortSummary) => Promise<unknown>) {
  let done = false;
  return (summary: AbortSummary) => {
    if (done) return Promise.resolve();
    done = true;
    return abort(summary).then(
      () => undefined,
      (error: Error) => logger().error({ err: error.message }, 'could not record an aborted export'),
    );
  };
}

export interface BatchedExport {
  encoding: ExportEncoding;
  /** The first line (a CSV header), written after the BOM if any. */
  header?: string;
  /**
   * Up to `limit` packed rows in export order, starting just past `last` (the previous batch's
   * last row; none for the first batch). Each call is its own short transaction, so row-level
   * security applies and other requests run in between.
   */
  fetch(limit: number, last?: string): Promise<string[]>;
  /** One output line from a packed row. */
  line(row: string): string | Promise<string>;
  /** After the last byte is handed over and before the stream closes: where the export audits itself. */
  finish(summary: ExportSummary): Promise<unknown>;
  /** When it stops short: the client went away, or a batch failed. Rows and bytes handed over so far. */
  abort(summary: AbortSummary): Promise<unknown>;
}

/**
 * An export streamed in keyset batches, so memory stays flat however many rows: the next batch
 * is fetched while this one is formatted, and the bytes are hashed as they go out. Each pull
 * formats one slice, so rows are made only as fast as the client takes them: the export is
 * recorded as done only after its last slice was taken, and a client that goes away leaves rows
 * unmade rather than queued.
 */
export function streamBatches(spec: BatchedExport): ReadableStream<Uint8Array> {
  const hash = createHash('sha256');
  let bytes = 0;
  let size = 0;
  let batch: string[] = [];
  let next = 0;
  let pending: Promise<string[]> | null = null;
  let made = false;
  let cancelled = false;
  // Rows handed over: what a cancel reports.
  let sentRows = 0;
  const aborted = onceAborted(spec.abort);
  const fetchBatch = (last?: string) => {
    const rows = spec.fetch(size, last);
    // A cancelled download leaves the last prefetch unread; its failure must not go unhandled.
    rows.catch(() => {});
    return rows;
  };
  const sink = spec.encoding === 'sjis' ? shiftJisSink() : utf8Sink();
  const emit = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    for (const chunk of sink.take()) {
      hash.update(chunk);
      bytes += chunk.length;
      metrics().exportBytes.inc(chunk.length);
      controller.enqueue(chunk);
    }
  };
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      size = BATCH[(await getDatabase()).kind];
      pending = fetchBatch();
      if (spec.encoding === 'utf8-bom') sink.write('\ufeff');
      if (spec.header) sink.write(spec.header);
      emit(controller);
    },
    async pull(controller) {
      try {
        if (made) {
          await spec.finish({ rows: sentRows, bytes, sha256: hash.digest('hex') });
          return controller.close();
        }
        if (next === batch.length) {
          batch = await pending!;
          next = 0;
          pending = batch.length === size ? fetchBatch(batch[size - 1]) : null;
        } else {
          // Lets the prefetch's round trips and rows in between slices: otherwise its query would
          // only start, and PostgreSQL only send, once this batch is done.
          await new Promise((resolve) => setImmediate(resolve));
        }
        const from = next;
        const end = Math.min(next + SLICE, batch.length);
        for (; next < end; next++) {
          const line = spec.line(batch[next]);
          sink.write(typeof line === 'string' ? line : await line);
        }
        emit(controller);
        sentRows += end - from;
        made = next === batch.length && !pending;
      } catch (error) {
        if (!cancelled) await aborted({ rows: sentRows, bytes, cause: 'failed' });
        throw error;
      }
    },
    cancel() {
      cancelled = true;
      return aborted({ rows: sentRows, bytes, cause: 'client_closed' });
    },
  });
}

export interface CopiedExport {
  encoding: ExportEncoding;
  /** The first line (a CSV header), written after the BOM if any. */
  header: string;
  /** The rows as PostgreSQL's COPY writes CSV: UTF-8, LF at each row's end. */
  source: ReadableStream<Uint8Array>;
  finish(summary: ExportSummary): Promise<unknown>;
  abort(summary: AbortSummary): Promise<unknown>;
}

/**
 * A CSV export streamed from COPY (copyTenantCsv): PostgreSQL formats and quotes the cells, and
 * this only ends each row with CRLF as RFC 4180 asks (an LF inside a quoted cell stays), counts
 * the rows, transcodes for Shift_JIS and hashes what goes out. The reader's pace reaches back to
 * PostgreSQL, so memory stays flat.
 */
export function streamCopy(spec: CopiedExport): ReadableStream<Uint8Array> {
  const hash = createHash('sha256');
  const reader = spec.source.getReader();
  const decoder = spec.encoding === 'sjis' ? new TextDecoder('utf-8', { fatal: true }) : null;
  let bytes = 0;
  let rows = 0;
  let quoted = false;
  let cancelled = false;
  const aborted = onceAborted(spec.abort);
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    const out = decoder ? iconv.encode(decoder.decode(chunk, { stream: true }), 'Shift_JIS') : chunk;
    hash.update(out);
    bytes += out.length;
    metrics().exportBytes.inc(out.length);
    controller.enqueue(out);
  };
  /** The chunk with CR before every LF that ends a row; quote state carries over between chunks. */
  const crlf = (chunk: Buffer): Buffer => {
    const out = Buffer.allocUnsafe(chunk.length * 2);
    let used = 0;
    let from = 0;
    // Quotes are counted up to here: quotes come in pairs inside a cell ("" for one), so an odd
    // count before an LF means it is inside a quoted cell.
    let scanned = 0;
    for (let lf = chunk.indexOf(0x0a); lf !== -1; lf = chunk.indexOf(0x0a, lf + 1)) {
      for (let q = chunk.indexOf(0x22, scanned); q !== -1 && q < lf; q = chunk.indexOf(0x22, q + 1)) quoted = !quoted;
      scanned = lf + 1;
      if (quoted) continue;
      used += chunk.copy(out, used, from, lf);
      out[used++] = 0x0d;
      out[used++] = 0x0a;
      from = lf + 1;
      rows++;
    }
    for (let q = chunk.indexOf(0x22, scanned); q !== -1; q = chunk.indexOf(0x22, q + 1)) quoted = !quoted;
    used += chunk.copy(out, used, from);
    return out.subarray(0, used);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      send(controller, Buffer.from(`${spec.encoding === 'utf8-bom' ? '\ufeff' : ''}${spec.header}`, 'utf8'));
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (!done) return send(controller, crlf(Buffer.from(value.buffer, value.byteOffset, value.byteLength)));
        // A cancelled source also ends with done; an abandoned download is not an export.
        if (cancelled) return;
        await spec.finish({ rows, bytes, sha256: hash.digest('hex') });
        controller.close();
      } catch (error) {
        // A read cut short by the client's cancel fails too: that cancel records the end.
        if (!cancelled) await aborted({ rows, bytes, cause: 'failed' });
        throw error;
      }
    },
    async cancel(reason) {
      cancelled = true;
      const sent = { rows, bytes };
      await reader.cancel(reason);
      return aborted({ ...sent, cause: 'client_closed' });
    },
  });
}

interface Sink {
  write(text: string): void;
  /** The bytes written since the last call. */
  take(): Uint8Array[];
}

const CHUNK = 1 << 20;

/**
 * UTF-8 written line by line into 1 MB buffers, handed out as views of what was written since the
 * last take: concatenating many lines into one string and encoding that costs several times more
 * (V8 must first flatten the long rope).
 */
function utf8Sink(): Sink {
  const chunks: Uint8Array[] = [];
  let buffer = Buffer.allocUnsafe(CHUNK);
  let start = 0;
  let used = 0;
  return {
    write(text) {
      // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
      const room = text.length * 3;
      if (buffer.length - used < room) {
        if (used > start) chunks.push(buffer.subarray(start, used));
        buffer = Buffer.allocUnsafe(Math.max(CHUNK, room));
        start = used = 0;
      }
      used += buffer.write(text, used);
    },
    take() {
      if (used > start) chunks.push(buffer.subarray(start, used));
      start = used;
      return chunks.splice(0);
    },
  };
}

function shiftJisSink(): Sink {
  let lines: string[] = [];
  return {
    write(text) {
      lines.push(text);
    },
    take() {
      const text = lines.join('');
      lines = [];
      return text ? [iconv.encode(text, 'Shift_JIS')] : [];
    },
  };
}

export interface BufferedExport {
  finish(summary: Omit<ExportSummary, 'rows'>): Promise<unknown>;
  abort(summary: Omit<AbortSummary, 'rows'>): Promise<unknown>;
}

/**
 * A file made in memory (an evidence bundle) handed out in pieces, so that its end, or the client
 * going away before it, is known and recorded like any streamed export's.
 */
export function streamBuffer(file: Uint8Array, spec: BufferedExport): ReadableStream<Uint8Array> {
  const PIECE = 256 * 1024;
  const hash = createHash('sha256');
  let bytes = 0;
  const aborted = onceAborted((s) => spec.abort({ bytes: s.bytes, cause: s.cause }));
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (bytes < file.length) {
        const piece = file.subarray(bytes, Math.min(bytes + PIECE, file.length));
        hash.update(piece);
        bytes += piece.length;
        metrics().exportBytes.inc(piece.length);
        controller.enqueue(piece);
        return;
      }
      await spec.finish({ bytes, sha256: hash.digest('hex') });
      controller.close();
    },
    cancel() {
      return aborted({ rows: 0, bytes, cause: 'client_closed' });
    },
  });
}
