import type { getTranslations } from 'next-intl/server';
import { EVENT_FIELDS, isLabelledDetailKey } from '@/lib/audit/audit-labels';
import type { searchAuditEvents } from '@/lib/audit/search-audit-events';
import { formatJst, type Locale } from '@/lib/i18n/locale';

type AuditEvent = Awaited<ReturnType<typeof searchAuditEvents>>['rows'][number];
type Translate = Awaited<ReturnType<typeof getTranslations<'audit'>>>;

// How the code writes instants into details (Date#toISOString): shown in Japan time like every
// other time on the page, the stored text kept as the title.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Row {
  // An event's own field or a key of its details (which may share a name, e.g. seq).
  kind: 'field' | 'detail';
  key: string;
  label: string;
  value: string;
  title?: string;
  // Ids, codes, hashes and JSON: monospaced, and broken anywhere (they have no word breaks).
  code: boolean;
}

function detailRow(key: string, value: unknown, t: Translate, locale: Locale): Row {
  const base = { kind: 'detail' as const, key, label: isLabelledDetailKey(key) ? t(`detailFields.${key}`) : key };
  if (value === null || value === undefined) return { ...base, value: '—', code: false };
  if (typeof value === 'boolean') return { ...base, value: t(value ? 'yes' : 'no'), code: false };
  if (typeof value === 'string' && INSTANT.test(value))
    return { ...base, value: formatJst(new Date(value), locale, { seconds: true }), title: value, code: false };
  if (typeof value === 'object') return { ...base, value: JSON.stringify(value), code: true };
  return { ...base, value: String(value), code: typeof value === 'string' && /^[\x21-\x7e]+$/.test(value) };
}

/** An event's fields and details as a list of named values, in the viewer's language. */
export function AuditEventDetail({ event, t, locale }: { event: AuditEvent; t: Translate; locale: Locale }) {
  const own: Record<(typeof EVENT_FIELDS)[number], string | null> = {
    seq: String(event.seq),
    id: event.id,
    target: event.targetType ? `${event.targetType}:${event.targetId}` : null,
    session: event.sessionId,
    userAgent: event.userAgent,
    hash: event.hash,
  };
  const details =
    event.details && typeof event.details === 'object' && !Array.isArray(event.details)
      ? Object.entries(event.details)
      : [];
  const rows: Row[] = [
    ...EVENT_FIELDS.map((field) => ({
      kind: 'field' as const,
      key: field,
      label: t(`eventFields.${field}`),
      value: own[field] ?? '—',
      code: field !== 'userAgent' && own[field] !== null,
    })),
    ...details.map(([key, value]) => detailRow(key, value, t, locale)),
  ];
  return (
    <dl className="mt-1 max-w-xl space-y-1 rounded bg-slate-50 p-2 text-xs" data-testid="audit-detail">
      {rows.map((row) => (
        <div
          key={`${row.kind}:${row.key}`}
          // A grid per row: a long id or hash wraps inside its own column, never past the box.
          className="grid grid-cols-[minmax(0,10rem)_minmax(0,1fr)] gap-x-3"
          data-field={row.kind === 'field' ? row.key : undefined}
          data-detail={row.kind === 'detail' ? row.key : undefined}
        >
          <dt className="font-medium text-slate-600">{row.label}</dt>
          <dd className={`min-w-0 ${row.code ? 'break-all font-mono' : 'wrap-anywhere'}`} title={row.title}>
            {row.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
