import { fromDate, parseDateTime, toCalendarDateTime, toZoned, type CalendarDateTime } from '@internationalized/date';
import { UUID } from '@/db';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { parseCidr } from '@/lib/ip/ip';
import { expandActionTerm, type AuditAction } from './audit-actions';

/**
 * The time zone the console shows every time in and reads a date-time typed without an offset
 * in. Japan has kept +09:00 without daylight saving since 1951, but the conversion goes through
 * the zone database all the same.
 */
export const VIEWER_TIME_ZONE = 'Asia/Tokyo';
/** Its offset from UTC, the same all year (a unit test holds the zone database to it). */
export const VIEWER_UTC_OFFSET = '+09:00';

/**
 * Where a filter comes from. The console's date-time fields give wall-clock times, read in the
 * viewer's time zone; the API and the export URLs take ISO 8601 with an offset or `Z` only, so a
 * script can never mean one instant and get another.
 */
export type FilterSource = 'console' | 'api';

/** A checked audit filter: every field the caller gave, each valid, times as instants. */
export interface AuditFilter {
  from?: Date;
  to?: Date;
  actor?: string;
  action?: AuditAction[];
  outcome?: 'success' | 'failure' | 'denied';
  ip?: string;
  target?: string;
  session?: string;
  tenant?: string;
  before?: string;
}

export const AUDIT_FILTER_FIELDS = [
  'from',
  'to',
  'actor',
  'action',
  'outcome',
  'ip',
  'target',
  'session',
  'tenant',
  'before',
] as const;
export type AuditFilterField = (typeof AUDIT_FILTER_FIELDS)[number];
type Field = AuditFilterField;

export type FilterResult = { ok: true; filter: AuditFilter } | { ok: false; fieldErrors: Record<string, string[]> };

const MAX_ACTION_TERMS = 20;
// The database stores years 1 to 9999 here; a cursor's milliseconds stay within them too.
const MIN_MS = -62_135_596_800_000;
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const CONTROL = /[\u0000-\u001f\u007f]/;
const NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;
const ABSOLUTE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;

/** The instant a wall-clock date-time names when read at UTC (years 1 to 99 included). */
function utcMsOf(dt: CalendarDateTime): number {
  const d = new Date(0);
  d.setUTCFullYear(dt.year, dt.month - 1, dt.day);
  d.setUTCHours(dt.hour, dt.minute, dt.second, dt.millisecond);
  return d.getTime();
}

/** An instant from the field's text, or the message key saying why not. */
function parseInstant(value: string, source: FilterSource): Date | string {
  const invalid = source === 'api' ? 'invalid_instant' : 'invalid_datetime';
  const absolute = ABSOLUTE.exec(value);
  if (!absolute && !NAIVE.test(value)) return invalid;
  if (!absolute && source === 'api') return 'offset_required';
  let ms: number;
  try {
    // parseDateTime checks the calendar (no 30 February, no 25th hour), which Date does not.
    // Instants are kept to the millisecond: finer digits (RFC 3339 allows nine) are cut off.
    const wall = parseDateTime((absolute ? absolute[1] : value).replace(/(\.\d{3})\d+$/, '$1'));
    const zone = absolute?.[2].toUpperCase();
    const offsetMs =
      zone === undefined
        ? toZoned(wall, VIEWER_TIME_ZONE).offset
        : zone === 'Z'
          ? 0
          : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    ms = utcMsOf(wall) - offsetMs;
  } catch {
    return invalid;
  }
  if (Number.isNaN(ms) || ms < MIN_MS || ms > MAX_MS) return 'out_of_range';
  return new Date(ms);
}

/** Free text that PostgreSQL can compare: no control characters (NUL would fail the query). */
function parseText(value: string): string | string[] {
  const v = value.trim();
  if (v.length > 256) return ['too_long:256'];
  if (CONTROL.test(v)) return ['invalid'];
  return v;
}

function parseActions(value: string): { actions: AuditAction[] } | { errors: string[] } {
  const terms = [
    ...new Set(
      value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  if (terms.length > MAX_ACTION_TERMS) return { errors: [`too_many:${MAX_ACTION_TERMS}`] };
  const out = new Set<AuditAction>();
  const unknown: string[] = [];
  for (const term of terms) {
    const expanded = expandActionTerm(term);
    if (!expanded) unknown.push(term);
    else for (const a of expanded) out.add(a);
  }
  // The term is shown back in the message: kept short and free of the key's separator.
  if (unknown.length > 0) return { errors: unknown.map((t) => `unknown_action:${t.slice(0, 64).replaceAll(':', '')}`) };
  return { actions: [...out] };
}

const CURSOR = /^(\d{1,15}):(\d{1,15})$/;
const OUTCOMES = ['success', 'failure', 'denied'] as const;

/**
 * Reads an audit filter from query parameters. Every field that is present must be valid: an
 * invalid one is an error for that field (never dropped, which would widen the result), and from
 * the API an unknown parameter is one too (`extra` names parameters the caller reads itself).
 * Empty values count as absent, as a form sends its blank fields.
 */
export interface FilterOptions {
  /** Parameters the caller reads itself (an export's format). */
  extra?: readonly string[];
  /** Filter fields that mean nothing here and are refused (a token's API has no tenant choice). */
  without?: readonly AuditFilterField[];
}

export function parseAuditFilter(
  params: URLSearchParams | Record<string, string | string[] | undefined>,
  source: FilterSource,
  options: FilterOptions = {},
): FilterResult {
  const { extra = [], without = [] } = options;
  const entries: [string, string][] =
    params instanceof URLSearchParams
      ? [...params.entries()]
      : Object.entries(params).flatMap(([k, v]) =>
          v === undefined
            ? []
            : Array.isArray(v)
              ? v.map((x): [string, string] => [k, x])
              : [[k, v] as [string, string]],
        );
  const errors: Record<string, string[]> = {};
  const fail = (field: string, ...keys: string[]) => {
    errors[field] = [...(errors[field] ?? []), ...keys];
  };
  const values = new Map<Field, string>();
  for (const [key, value] of entries) {
    if ((AUDIT_FILTER_FIELDS as readonly string[]).includes(key) && !without.includes(key as Field)) {
      const field = key as Field;
      if (value.trim() === '') continue;
      // Several actions may come as repeated parameters; any other field only once.
      if (values.has(field)) {
        if (field === 'action') values.set(field, `${values.get(field)},${value}`);
        else fail(field, 'repeated');
      } else values.set(field, value);
    } else if ((source === 'api' || without.includes(key as Field)) && !extra.includes(key))
      fail(key, 'unknown_parameter');
  }
  const filter: AuditFilter = {};
  for (const [field, value] of values) {
    switch (field) {
      case 'from':
      case 'to': {
        const at = parseInstant(value.trim(), source);
        if (typeof at === 'string') fail(field, at);
        else filter[field] = at;
        break;
      }
      case 'actor':
      case 'target': {
        const text = parseText(value);
        if (Array.isArray(text)) fail(field, ...text);
        else filter[field] = text;
        break;
      }
      case 'action': {
        const parsed = parseActions(value);
        if ('errors' in parsed) fail(field, ...parsed.errors);
        else if (parsed.actions.length > 0) filter.action = parsed.actions;
        break;
      }
      case 'outcome':
        if ((OUTCOMES as readonly string[]).includes(value)) filter.outcome = value as AuditFilter['outcome'];
        else fail(field, 'invalid_choice');
        break;
      case 'ip': {
        const v = value.trim();
        if (v.length <= 64 && parseCidr(v).ok) filter.ip = v;
        else fail(field, 'invalid_ip');
        break;
      }
      case 'session':
      case 'tenant':
        if (UUID.test(value.trim())) filter[field] = value.trim().toLowerCase();
        else fail(field, 'invalid_uuid');
        break;
      case 'before': {
        const m = CURSOR.exec(value);
        if (m && Number(m[1]) <= MAX_MS) filter.before = value;
        else fail(field, 'invalid_cursor');
        break;
      }
    }
  }
  if (filter.from && filter.to && filter.to.getTime() <= filter.from.getTime()) fail('to', 'not_after_from');
  return Object.keys(errors).length > 0 ? { ok: false, fieldErrors: errors } : { ok: true, filter };
}

/** parseAuditFilter for the API and the export URLs: a bad filter is a 400 naming its fields. */
export function requireAuditFilter(params: URLSearchParams, options: FilterOptions = {}): AuditFilter {
  const result = parseAuditFilter(params, 'api', options);
  if (!result.ok) throw new AppError('bad_request', result.fieldErrors);
  return result.filter;
}

/**
 * The filter as the API and the export URLs take it (times as UTC instants), in a fixed order:
 * what the console links to and what every export states it was made with. Without `before`,
 * which is a page position, not part of what was asked.
 */
export function filterParams(filter: AuditFilter): URLSearchParams {
  const out = new URLSearchParams();
  for (const field of AUDIT_FILTER_FIELDS) {
    const v = filter[field];
    if (v === undefined || field === 'before') continue;
    out.set(field, v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.join(',') : v);
  }
  return out;
}

/** An instant as the console's date-time field shows it: the viewer's wall clock, no offset. */
export function viewerLocalInput(at: Date): string {
  return toCalendarDateTime(fromDate(at, VIEWER_TIME_ZONE)).toString();
}

/** The zod form of the API's parameters, for the OpenAPI document (parseAuditFilter does the checking). */
export const auditFilterApiSchema = z.object({
  from: z.iso.datetime({ offset: true }).optional().describe('inclusive; ISO 8601 with an offset or Z'),
  to: z.iso.datetime({ offset: true }).optional().describe('exclusive; ISO 8601 with an offset or Z'),
  actor: z.string().max(256).optional().describe('operator id or login ID'),
  action: z
    .string()
    .optional()
    .describe('comma-separated actions of docs/audit-events.md; `group.*` for a whole group, e.g. `orders.*`'),
  outcome: z.enum(OUTCOMES).optional(),
  ip: z.string().max(64).optional().describe('an address or a CIDR range'),
  target: z.string().max(256).optional(),
  session: z.uuid().optional(),
  before: z.string().regex(CURSOR).optional().describe('the `next` cursor of the previous page'),
});
