import 'server-only';
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { sql, type SQL } from 'drizzle-orm';
import { getDatabase, rowsOf, withOwnerTx } from '@/db';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorContext } from '@/lib/auth/load-session';
import { csvRow, csvText } from '@/lib/http/csv';
import { z } from '@/lib/http/zod-messages';
import { auditSearchFilter, type AuditSearchQuery } from './search-audit-events';

export const exportFormat = z.object({
  format: z.enum(['csv', 'jsonl']).catch('csv'),
  encoding: z.enum(['utf8', 'utf8-bom', 'sjis']).catch('utf8'),
});

// Rows per query. PGlite runs a query on this thread, so its batches stay small enough not to
// hold up other requests for long (a 10,000-row batch stalled the event loop for 300 ms).
const BATCH = { postgres: Number(process.env.ZZ_BATCH ?? 10_000), pglite: 2_000 };
// Rows formatted between two turns of the event loop.
const SLICE = Number(process.env.ZZ_SLICE ?? 500);
const COLUMNS = ['seq', 'occurred_at_utc', 'actor_login_id', 'actor_operator_id', 'action', 'outcome', 'target_type', 'target_id', 'ip', 'user_agent', 'session_id', 'details', 'hash'];

// occurred_at in UTC to the microsecond: exact, so a row's value can be the next batch's keyset.
const AT = `to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
const TEXT_COLUMNS = ['actor_login_id', 'action', 'outcome', 'target_type', 'target_id', 'ip', 'user_agent'];
type Texts = [loginId: string | null, action: string, outcome: string, targetType: string | null, targetId: string | null, ip: string | null, userAgent: string | null];

/** The CSV's columns as PostgreSQL renders them (no Date or JSON object per row), one field each. */
const PLAIN_CSV = `seq::text, ${AT}, actor_login_id, actor_operator_id::text, action, outcome, target_type, target_id, ip, user_agent, session_id::text, details::text, encode(hash, 'hex')`;

/**
 * The same columns packed into one text per row, which is how the export fetches them: the pg
 * client spends about half a microsecond on each field it decodes, more than formatting the row.
 * Fields are joined by 0x1f: seq, at, operator and session ('' for none), hash, details (jsonb
 * escapes control characters, so these never hold 0x1f), then the free texts, 0x1e standing for
 * null. A row whose texts hold 0x1e or 0x1f gets them as one JSON array instead.
 */
const SEPARATOR = '\x1f';
const NULL_TEXT = '\x1e';
const HEAD = `seq, ${AT}, coalesce(actor_operator_id::text, ''), coalesce(session_id::text, ''), encode(hash, 'hex'), details::text`;
const TEXTS = TEXT_COLUMNS.join(', ');
const packed = (tail: string) => `case when strpos(concat(${TEXTS}), E'\\x1f') + strpos(concat(${TEXTS}), E'\\x1e') = 0
  then concat_ws(E'\\x1f', ${HEAD}, ${TEXT_COLUMNS.map((c) => `coalesce(${c}, E'\\x1e')`).join(', ')}${tail})
  else concat_ws(E'\\x1f', ${HEAD}, json_build_array(${TEXTS})${tail}) end as r`;
const PACKED = { csv: packed(''), jsonl: packed(', tenant_id, id') };

const nullable = (v: string) => (v === NULL_TEXT ? null : v);

/** A packed row's fields, its texts, and where tenant and id follow them (JSON Lines only). */
function unpack(r: string): [fields: string[], texts: Texts, tail: number] {
  const f = r.split(SEPARATOR);
  if (f.length === 7 || f.length === 9) return [f, JSON.parse(f[6]) as Texts, 7];
  return [f, [nullable(f[6]), f[7], f[8], nullable(f[9]), nullable(f[10]), nullable(f[11]), nullable(f[12])], 13];
}

/** Where the next batch starts: just past the last row sent, in (occurred_at, seq) descending. */
interface Cursor {
  at: string;
  seq: string;
}

// The order names the table's columns: a bare `seq` would be the plain select's text output column.
function select(columns: string, tenantId: string, query: AuditSearchQuery, after?: Cursor, limit?: number): SQL {
  const { where } = auditSearchFilter(tenantId, query);
  return sql`select ${sql.raw(columns)} from audit_events where ${where}
    ${after ? sql`and (occurred_at, seq) < (${`${after.at}Z`}::timestamptz, ${after.seq}::bigint)` : sql``}
    order by audit_events.occurred_at desc, audit_events.seq desc ${limit === undefined ? sql`` : sql`limit ${limit}`}`;
}

/** The CSV export's whole result as plain columns, same filters and order: the benchmark runs it under COPY. */
export const auditExportSelect = (tenantId: string, query: AuditSearchQuery): SQL => select(PLAIN_CSV, tenantId, query);

/**
 * jsonb's text form with the space it puts after every ':' and ',' removed, which is what
 * JSON.stringify writes for the same value; spaces inside strings stay.
 */
function compactJsonb(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x20) {
      out += text.slice(from, i);
      from = i + 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

// The millisecond ISO form the export has always written (Date#toISOString truncates too).
const iso = (at: string) => `${at.slice(0, 23)}Z`;
// seq, uuids, the timestamp and the hex hash cannot trip a CSV rule; every text goes through csvText.
const csvLine = (f: string[], t: Texts) =>
  `${f[0]},${iso(f[1])},${csvText(t[0])},${f[2]},${csvText(t[1])},${csvText(t[2])},${csvText(t[3])},${csvText(t[4])},${csvText(t[5])},${csvText(t[6])},${f[3]},${detailsCell(compactJsonb(f[5]))},${f[4]}\r\n`;
// An object's JSON text cannot start with a formula character or end in space, nor hold a raw
// line break, so of csvText's rules only quoting can apply.
const detailsCell = (json: string) => (json[0] !== '{' || json.at(-1) !== '}' ? csvText(json) : json.includes('"') || json.includes(',') ? `"${json.replaceAll('"', '""')}"` : json);
const uuidJson = (v: string) => (v === '' ? 'null' : `"${v}"`);
const str = JSON.stringify;
// The keys and their order are those the export has always written.
const jsonLine = (f: string[], t: Texts, tail: number) =>
  `{"tenantId":"${f[tail]}","seq":${f[0]},"id":"${f[tail + 1]}","occurredAt":"${iso(f[1])}","actorOperatorId":${uuidJson(f[2])},"actorLoginId":${str(t[0])},"action":${str(t[1])},"targetType":${str(t[3])},"targetId":${str(t[4])},"outcome":${str(t[2])},"ip":${str(t[5])},"userAgent":${str(t[6])},"sessionId":${uuidJson(f[3])},"details":${compactJsonb(f[5])},"hash":"${f[4]}"}\n`;

/**
 * Any filtered audit result as CSV (UTF-8, UTF-8 with BOM or Shift_JIS for Japanese Excel;
 * formula-safe, RFC 4180) or JSON Lines, streamed in keyset batches so memory stays flat however
 * many rows. Each batch is its own short transaction (RLS applies; other requests run in between),
 * and the next one is fetched while this one is formatted. When the stream ends, `audit.exported`
 * records the filter, rows, bytes and sha256.
 */
export function exportAuditEvents(ctx: OperatorContext, tenantId: string, query: AuditSearchQuery, options: z.infer<typeof exportFormat>): ReadableStream<Uint8Array> {
  const { chain } = auditSearchFilter(tenantId, query);
  const hash = createHash('sha256');
  let bytes = 0;
  let rows = 0;
  let size = 0;
  const columns = PACKED[options.format];
  const fetchBatch = (after?: Cursor) => {
    const g = globalThis as any; const t0 = performance.now();
    const batch = withOwnerTx(chain, async (tx) => { const t1 = performance.now(); const res = rowsOf<{ r: string }>(await tx.execute(select(columns, tenantId, query, after, size))); g.zzq = (g.zzq ?? 0) + performance.now() - t1; g.zzb = (g.zzb ?? 0) + t1 - t0; return res; }, { readOnly: true });
    // A cancelled download leaves the last prefetch unread; its failure must not go unhandled.
    batch.catch(() => {});
    return batch;
  };
  let pending: Promise<{ r: string }[]> | null = null;
  const format = options.format === 'csv' ? csvLine : jsonLine;
  const sink = options.encoding === 'sjis' ? shiftJisSink() : utf8Sink();
  const emit = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    for (const chunk of sink.take()) {
      hash.update(chunk);
      bytes += chunk.length;
      controller.enqueue(chunk);
    }
  };
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      size = BATCH[(await getDatabase()).kind];
      pending = fetchBatch();
      if (options.encoding === 'utf8-bom') sink.write('\ufeff');
      if (options.format === 'csv') sink.write(csvRow(COLUMNS));
      emit(controller);
    },
    async pull(controller) {
      const g = globalThis as any; const tw = performance.now();
      const batch = await pending!;
      g.zzw = (g.zzw ?? 0) + performance.now() - tw; g.zzn = (g.zzn ?? 0) + 1;
      if (batch.length === size) {
        const [seq, at] = batch[size - 1].r.split(SEPARATOR, 2);
        pending = fetchBatch({ at, seq });
      } else pending = null;
      for (let i = 0; i < batch.length; i++) {
        if (i > 0 && i % SLICE === 0) {
          emit(controller);
          // Lets the prefetch's round trips and rows in: otherwise its query would only start, and
          // PostgreSQL only send, once this batch is done.
          await new Promise((resolve) => setImmediate(resolve));
        }
        const [fields, texts, tail] = unpack(batch[i].r);
        sink.write(format(fields, texts, tail));
      }
      emit(controller);
      rows += batch.length;
      if (pending) return;
      const { before: _cursor, ...filter } = query;
      await withOwnerTx(chain, (tx) =>
        recordAudit(tx, {
          tenantId: chain,
          action: 'audit.exported',
          outcome: 'success',
          ...byOperator(ctx),
          target: { type: 'tenant', id: chain },
          details: { format: options.format, encoding: options.encoding, filter: JSON.parse(JSON.stringify(filter)), rows, bytes, sha256: hash.copy().digest('hex') },
        }),
      );
      controller.close();
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
