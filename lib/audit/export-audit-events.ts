import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, withOwnerTx } from '@/db';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess } from '@/lib/kernel/access';
import { csvRow, csvText } from '@/lib/http/csv';
import { JOIN_SQL, SEPARATOR, streamBatches, utcMicros } from '@/lib/http/stream-export';
import { z } from '@/lib/http/zod-messages';
import { VIEWER_TIME_ZONE, VIEWER_UTC_OFFSET, filterParams, type AuditFilter } from './audit-filter';
import { auditSearchFilter } from './search-audit-events';

export const exportFormat = z.object({
  format: z.enum(['csv', 'jsonl']).default('csv'),
  encoding: z.enum(['utf8', 'utf8-bom', 'sjis']).default('utf8'),
});

// The export's filter and the zone of its local times lead every row, so the file is one table
// that still says what was asked (never a preamble line a CSV reader would take for data).
const COLUMNS = [
  'filter',
  'time_zone',
  'seq',
  'occurred_at_utc',
  'occurred_at_local',
  'actor_login_id',
  'actor_operator_id',
  'action',
  'outcome',
  'target_type',
  'target_id',
  'ip',
  'user_agent',
  'session_id',
  'details',
  'hash',
];

const AT = utcMicros('occurred_at');
// The zone's offset is fixed (see VIEWER_UTC_OFFSET), so PostgreSQL writes it as a constant.
const LOCAL = `to_char(occurred_at at time zone '${VIEWER_TIME_ZONE}', 'YYYY-MM-DD"T"HH24:MI:SS.MS"${VIEWER_UTC_OFFSET}"')`;
const TEXTS = 'actor_login_id, action, outcome, target_type, target_id, ip, user_agent';

/** The CSV's columns as PostgreSQL renders them (no Date or JSON object per row), one field each. */
const PLAIN_CSV = `seq::text, ${AT}, ${LOCAL}, actor_login_id, actor_operator_id::text, action, outcome, target_type, target_id, ip, user_agent, session_id::text, details::text, encode(hash, 'hex')`;

/**
 * The same columns packed into one text per row (see lib/http/stream-export): seq, at (UTC, then
 * local), operator and session
 * ('' for none), hash, details (jsonb escapes control characters, so none of these can hold 0x1f),
 * then the free texts. For CSV they come as they are, '' for null (the same cell); JSON Lines,
 * which tells null from '', gets them as one JSON array.
 */
const HEAD = [
  `seq::text`,
  AT,
  LOCAL,
  `coalesce(actor_operator_id::text, '')`,
  `coalesce(session_id::text, '')`,
  `encode(hash, 'hex')`,
  `details::text`,
].join(JOIN_SQL);
const PACKED = {
  csv: [HEAD, ...TEXTS.split(', ').map((c) => `coalesce(${c}, '')`)].join(JOIN_SQL),
  jsonl: [HEAD, `json_build_array(${TEXTS})::text`, `tenant_id::text`, `id::text`].join(JOIN_SQL),
};
// CSV fields: 7 of the head, 7 texts. More means a text holds 0x1f (only a hand-made row could).
const CSV_FIELDS = 14;

/** Where the next batch starts: just past the last row sent, in (occurred_at, seq) descending. */
interface Cursor {
  at: string;
  seq: string;
}

// The order names the table's columns: a bare `seq` would be the plain select's text output column.
function select(columns: string, tenantId: string, query: AuditFilter, after?: Cursor, limit?: number): SQL {
  const { where } = auditSearchFilter(tenantId, query);
  return sql`select ${sql.raw(columns)} from audit_events where ${where}
    ${after ? sql`and (occurred_at, seq) < (${`${after.at}Z`}::timestamptz, ${after.seq}::bigint)` : sql``}
    order by audit_events.occurred_at desc, audit_events.seq desc ${limit === undefined ? sql`` : sql`limit ${limit}`}`;
}

/** The CSV export's whole result as plain columns, same filters and order: the benchmark runs it under COPY. */
export const auditExportSelect = (tenantId: string, query: AuditFilter): SQL => select(PLAIN_CSV, tenantId, query);

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
const csvLine = (lead: string, f: (string | null)[]) =>
  `${lead}${f[0]},${iso(f[1]!)},${f[2]},${csvText(f[7])},${f[3]},${csvText(f[8])},${csvText(f[9])},${csvText(f[10])},${csvText(f[11])},${csvText(f[12])},${csvText(f[13])},${f[4]},${detailsCell(compactJsonb(f[6]!))},${f[5]}\r\n`;
// An object's JSON text cannot start with a formula character or end in space, nor hold a raw
// line break, so of csvText's rules only quoting can apply.
const detailsCell = (json: string) =>
  json[0] !== '{' || json.at(-1) !== '}'
    ? csvText(json)
    : json.includes('"') || json.includes(',')
      ? `"${json.replaceAll('"', '""')}"`
      : json;
const uuidJson = (v: string) => (v === '' ? 'null' : `"${v}"`);
const str = JSON.stringify;
// The keys and their order are those the export has always written.
const jsonLine = (lead: string, f: string[]) => {
  const [loginId, action, outcome, targetType, targetId, ip, userAgent] = JSON.parse(f[7]) as (string | null)[];
  return `{${lead}"tenantId":"${f[8]}","seq":${f[0]},"id":"${f[9]}","occurredAt":"${iso(f[1])}","occurredAtLocal":"${f[2]}","actorOperatorId":${uuidJson(f[3])},"actorLoginId":${str(loginId)},"action":${str(action)},"targetType":${str(targetType)},"targetId":${str(targetId)},"outcome":${str(outcome)},"ip":${str(ip)},"userAgent":${str(userAgent)},"sessionId":${uuidJson(f[4])},"details":${compactJsonb(f[6])},"hash":"${f[5]}"}\n`;
};

/** One event's free texts, for the CSV row whose packed form could not be split. */
async function textsOf(chain: string, seq: string): Promise<(string | null)[]> {
  const [row] = await withOwnerTx(
    chain,
    async (tx) =>
      rowsOf<{ t: string }>(
        await tx.execute(
          sql`select json_build_array(${sql.raw(TEXTS)})::text as t from audit_events where tenant_id = ${chain} and seq = ${seq}::bigint`,
        ),
      ),
    { readOnly: true },
  );
  if (!row) throw new Error(`audit event ${seq} disappeared during the export`);
  return JSON.parse(row.t) as (string | null)[];
}

/**
 * Any filtered audit result as CSV (UTF-8, UTF-8 with BOM or Shift_JIS for Japanese Excel;
 * formula-safe, RFC 4180) or JSON Lines, streamed in keyset batches (streamBatches) so memory
 * stays flat however many rows. Audited from the first byte: `audit.export_started` before the
 * stream is handed out, then `audit.exported` (rows, bytes, sha256) at its end, or
 * `audit.export_aborted` with what had left when it stopped short.
 */
export async function exportAuditEvents(
  ctx: TenantAccess<'audit.read'>,
  query: AuditFilter,
  options: z.infer<typeof exportFormat>,
): Promise<ReadableStream<Uint8Array>> {
  const tenantId = ctx.granted.tenantId;
  const { chain } = auditSearchFilter(tenantId, query);
  const columns = `${PACKED[options.format]} as r`;
  const filter = filterParams(query).toString();
  const record = (
    action: 'audit.export_started' | 'audit.exported' | 'audit.export_aborted',
    details: Record<string, unknown>,
  ) =>
    withOwnerTx(chain, (tx) =>
      recordAudit(tx, {
        tenantId: chain,
        action,
        outcome: action === 'audit.export_aborted' ? 'failure' : 'success',
        ...byOperator(ctx),
        target: { type: 'tenant', id: chain },
        details: { format: options.format, encoding: options.encoding, filter, timeZone: VIEWER_TIME_ZONE, ...details },
      }),
    );
  await record('audit.export_started', {});
  const lead =
    options.format === 'csv'
      ? `${csvText(filter)},${VIEWER_TIME_ZONE},`
      : `"filter":${str(filter)},"timeZone":"${VIEWER_TIME_ZONE}",`;
  return streamBatches({
    encoding: options.encoding,
    header: options.format === 'csv' ? csvRow(COLUMNS) : undefined,
    fetch: (limit, last) =>
      withOwnerTx(
        chain,
        async (tx) => {
          const [seq, at] = last?.split(SEPARATOR, 2) ?? [];
          return rowsOf<{ r: string }>(
            await tx.execute(select(columns, tenantId, query, last ? { seq, at } : undefined, limit)),
          ).map((row) => row.r);
        },
        { readOnly: true },
      ),
    line: (row) => {
      const fields = row.split(SEPARATOR);
      if (options.format === 'jsonl') return jsonLine(lead, fields);
      return fields.length === CSV_FIELDS
        ? csvLine(lead, fields)
        : textsOf(chain, fields[0]).then((texts) => csvLine(lead, [...fields.slice(0, 7), ...texts]));
    },
    finish: ({ rows, bytes, sha256 }) => record('audit.exported', { rows, bytes, sha256 }),
    abort: ({ rows, bytes, cause }) => record('audit.export_aborted', { cause, rowsSent: rows, bytesSent: bytes }),
  });
}
