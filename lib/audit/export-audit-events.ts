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
const BATCH = { postgres: 10_000, pglite: 2_000 };
// Rows formatted between two turns of the event loop.
const SLICE = 500;
const COLUMNS = ['seq', 'occurred_at_utc', 'actor_login_id', 'actor_operator_id', 'action', 'outcome', 'target_type', 'target_id', 'ip', 'user_agent', 'session_id', 'details', 'hash'];

// occurred_at in UTC to the microsecond: exact, so a row's value can be the next batch's keyset.
const AT = `to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
const TEXTS = 'actor_login_id, action, outcome, target_type, target_id, ip, user_agent';

/** The CSV's columns as PostgreSQL renders them (no Date or JSON object per row), one field each. */
const PLAIN_CSV = `seq::text, ${AT}, actor_login_id, actor_operator_id::text, action, outcome, target_type, target_id, ip, user_agent, session_id::text, details::text, encode(hash, 'hex')`;

/**
 * The same columns packed into one text per row, which is how the export fetches them: the pg
 * client spends about half a microsecond on each field it decodes, more than formatting the row.
 * Fields are joined by 0x1f with `||` (concat() costs PostgreSQL a type lookup per argument):
 * seq, at, operator and session ('' for none), hash, details (jsonb escapes control characters,
 * so none of these can hold 0x1f), then the free texts. For CSV they come as they are, '' for
 * null (the same cell); JSON Lines, which tells null from '', gets them as one JSON array.
 */
const SEPARATOR = '\x1f';
const JOIN = ` || E'\\x1f' || `;
const HEAD = [`seq::text`, AT, `coalesce(actor_operator_id::text, '')`, `coalesce(session_id::text, '')`, `encode(hash, 'hex')`, `details::text`].join(JOIN);
const PACKED = {
  csv: [HEAD, ...TEXTS.split(', ').map((c) => `coalesce(${c}, '')`)].join(JOIN),
  jsonl: [HEAD, `json_build_array(${TEXTS})::text`, `tenant_id::text`, `id::text`].join(JOIN),
};
// CSV fields: 6 of the head, 7 texts. More means a text holds 0x1f (only a hand-made row could).
const CSV_FIELDS = 13;

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
const csvLine = (f: (string | null)[]) =>
  `${f[0]},${iso(f[1]!)},${csvText(f[6])},${f[2]},${csvText(f[7])},${csvText(f[8])},${csvText(f[9])},${csvText(f[10])},${csvText(f[11])},${csvText(f[12])},${f[3]},${detailsCell(compactJsonb(f[5]!))},${f[4]}\r\n`;
// An object's JSON text cannot start with a formula character or end in space, nor hold a raw
// line break, so of csvText's rules only quoting can apply.
const detailsCell = (json: string) => (json[0] !== '{' || json.at(-1) !== '}' ? csvText(json) : json.includes('"') || json.includes(',') ? `"${json.replaceAll('"', '""')}"` : json);
const uuidJson = (v: string) => (v === '' ? 'null' : `"${v}"`);
const str = JSON.stringify;
// The keys and their order are those the export has always written.
const jsonLine = (f: string[]) => {
  const [loginId, action, outcome, targetType, targetId, ip, userAgent] = JSON.parse(f[6]) as (string | null)[];
  return `{"tenantId":"${f[7]}","seq":${f[0]},"id":"${f[8]}","occurredAt":"${iso(f[1])}","actorOperatorId":${uuidJson(f[2])},"actorLoginId":${str(loginId)},"action":${str(action)},"targetType":${str(targetType)},"targetId":${str(targetId)},"outcome":${str(outcome)},"ip":${str(ip)},"userAgent":${str(userAgent)},"sessionId":${uuidJson(f[3])},"details":${compactJsonb(f[5])},"hash":"${f[4]}"}\n`;
};

/** One event's free texts, for the CSV row whose packed form could not be split. */
async function textsOf(chain: string, seq: string): Promise<(string | null)[]> {
  const [row] = await withOwnerTx(
    chain,
    async (tx) => rowsOf<{ t: string }>(await tx.execute(sql`select json_build_array(${sql.raw(TEXTS)})::text as t from audit_events where tenant_id = ${chain} and seq = ${seq}::bigint`)),
    { readOnly: true },
  );
  if (!row) throw new Error(`audit event ${seq} disappeared during the export`);
  return JSON.parse(row.t) as (string | null)[];
}

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
  const columns = `${PACKED[options.format]} as r`;
  const fetchBatch = (after?: Cursor) => {
    const batch = withOwnerTx(chain, async (tx) => rowsOf<{ r: string }>(await tx.execute(select(columns, tenantId, query, after, size))), { readOnly: true });
    // A cancelled download leaves the last prefetch unread; its failure must not go unhandled.
    batch.catch(() => {});
    return batch;
  };
  let pending: Promise<{ r: string }[]> | null = null;
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
      const batch = await pending!;
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
        const fields = batch[i].r.split(SEPARATOR);
        if (options.format === 'jsonl') sink.write(jsonLine(fields));
        else sink.write(csvLine(fields.length === CSV_FIELDS ? fields : [...fields.slice(0, 6), ...(await textsOf(chain, fields[0]))]));
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
