import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { UUID } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { isAuditAction } from '@/lib/audit/audit-actions';
import { measureBlastRadius, measureBlastRadiusAcrossTenants } from '@/lib/audit/measure-blast-radius';
import { recordCrossTenantView } from '@/lib/audit/record-cross-tenant-view';
import { alsoOn, onPlatform, requireAccess } from '@/lib/auth/guard';
import { AppError } from '@/lib/http/app-error';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { getIncident } from '@/lib/incidents/get-incident';
import { BlastRadius } from '../../audit/blast-radius';
import { CloseIncidentForm } from '../forms';

const PIVOT_KINDS = ['session', 'actor', 'ip', 'target'] as const;
// What a timeline row says beside its action, when the event has it.
const SUMMARY_KEYS = ['title', 'cidr', 'reason', 'filter', 'loginId'] as const;

/**
 * One incident: its pivots (each opens the audit page's pivot, where containment is taken for the
 * incident), its timeline of what was done for it, its compromise mode, and what its pivots
 * touched (the union), with the CSV, the printable report and each company's evidence bundle.
 */
export default async function IncidentPage({ params }: { params: Promise<{ tenantId: string; incidentId: string }> }) {
  const { tenantId, incidentId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/incidents/[incidentId]/page.tsx', { tenantId });
  if (!UUID.test(incidentId)) notFound();
  const platform = tenantId === PLATFORM_TENANT_ID;
  const staff = platform ? onPlatform(ctx, 'audit.read') : null;
  const [t, ta, locale, got] = await Promise.all([
    getTranslations('incidents'),
    getTranslations('audit'),
    getLocale() as Promise<Locale>,
    getIncident(ctx, incidentId).catch((error) => {
      if (error instanceof AppError) notFound();
      throw error;
    }),
  ]);
  const { incident, pivots, timeline, capped, compromises } = got;
  const filters = pivots.map((p) => p.query);
  const radius = filters.length
    ? staff
      ? (await recordCrossTenantView(staff, filters, 'report'), await measureBlastRadiusAcrossTenants(staff, filters))
      : await measureBlastRadius(ctx, filters)
    : null;
  const writer = alsoOn(ctx, 'security.write');
  const open = !incident.closedAt;
  const chains = radius ? [...new Map(radius.sites.map((s) => [s.tenantId, s.tenantName])).entries()] : [];
  const label = (action: string) => (isAuditAction(action) ? ta(`actionLabels.${action}`) : action);
  const pivotHref = (filter: string) =>
    `/t/${tenantId}/audit?${filter}${platform ? '&across=all' : ''}${open ? `&incident=${incidentId}` : ''}`;
  const section = 'space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm';
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <p className="text-sm">
          <Link className="text-brand-600 hover:underline" href={`/t/${tenantId}/incidents`}>
            {t('title')}
          </Link>
        </p>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold" data-testid="incident-title">
            {incident.title}
          </h1>
          {open ? (
            <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">
              {t('statusOpen')}
            </span>
          ) : (
            <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-800">
              {t('statusClosed')}
            </span>
          )}
        </div>
        <p className="text-sm text-slate-600">
          {t('openedBy', { at: formatJst(incident.openedAt, locale), by: incident.openedByLoginId })}
          {incident.closedAt &&
            ` ${t('closedBy', { at: formatJst(incident.closedAt, locale), by: incident.closedByLoginId ?? '' })}`}
        </p>
        {incident.closingNote && (
          <p className="text-sm" data-testid="incident-note">
            {t('note')}: {incident.closingNote}
          </p>
        )}
        {open && writer && <CloseIncidentForm tenantId={tenantId} incidentId={incidentId} />}
      </div>

      <section aria-labelledby="pivots-title" className={section}>
        <h2 id="pivots-title" className="text-lg font-semibold">
          {t('pivotsTitle')}
        </h2>
        <p className="text-slate-600">{open ? t('pivotsHint') : t('pivotsClosedHint')}</p>
        {pivots.length ? (
          <ul className="space-y-1" data-testid="incident-pivots">
            {pivots.map((p) => {
              const kind = PIVOT_KINDS.find((k) => p.query[k])!;
              return (
                <li key={p.filter} className="flex flex-wrap items-baseline gap-x-2">
                  <Link className="text-brand-600 hover:underline" href={pivotHref(p.filter)}>
                    {t(`pivotKinds.${kind}`)}: <span className="break-all font-mono">{p.query[kind]}</span>
                  </Link>
                  {(p.query.from || p.query.to) && (
                    <span className="text-xs text-slate-600">
                      {p.query.from ? formatJst(p.query.from, locale) : '…'} –{' '}
                      {p.query.to ? formatJst(p.query.to, locale) : '…'}
                    </span>
                  )}
                  <span className="text-xs text-slate-500">
                    {t('addedBy', { at: formatJst(p.addedAt, locale), by: p.addedByLoginId })}
                  </span>
                </li>
              );
            })}
          </ul>
        ) : (
          <p data-testid="incident-no-pivots">{t('noPivots')}</p>
        )}
      </section>

      <section aria-labelledby="compromise-title" className={section}>
        <h2 id="compromise-title" className="text-lg font-semibold">
          {t('compromiseTitle')}
        </h2>
        {compromises.length ? (
          <p data-testid="incident-compromise">
            <Link className="text-brand-600 hover:underline" href={`/t/${tenantId}/compromise`}>
              {compromises.some((c) => !c.endedAt) ? t('compromiseActive') : t('compromiseEnded')}
            </Link>
          </p>
        ) : open && writer ? (
          <p>
            <Link
              className="text-brand-600 hover:underline"
              href={`/t/${tenantId}/compromise?incident=${incidentId}`}
              data-testid="incident-declare-compromise"
            >
              {t('compromiseDeclare')}
            </Link>
          </p>
        ) : (
          <p>{t('compromiseNone')}</p>
        )}
      </section>

      <section aria-labelledby="timeline-title" className="space-y-2">
        <h2 id="timeline-title" className="text-lg font-semibold">
          {t('timelineTitle')}
        </h2>
        <p className="text-sm text-slate-600">
          {capped ? t('timelineCapped', { count: timeline.length }) : t('timelineHint')}
        </p>
        {/* A list, not a table: it reads in time order at any width. */}
        <ol className="space-y-3 border-l-2 border-slate-300 pl-4 text-sm" data-testid="incident-timeline">
          {timeline.map((e) => {
            const summary = SUMMARY_KEYS.filter((k) => typeof e.details[k] === 'string')
              .map((k) => `${ta(`detailFields.${k}`)}: ${String(e.details[k])}`)
              .join(' · ');
            return (
              <li key={`${e.tenantId}:${e.seq}`} className="space-y-0.5" data-testid="timeline-row">
                <p className="text-xs text-slate-600">
                  <time dateTime={e.occurredAt.toISOString()}>
                    {formatJst(e.occurredAt, locale, { seconds: true })}
                  </time>
                  {platform && <> · {e.tenantName}</>} · <span className="font-mono">{e.actorLoginId ?? '—'}</span>
                </p>
                <p>
                  <span className="font-medium">{label(e.action)}</span>{' '}
                  <code className="text-xs text-slate-500">{e.action}</code>
                </p>
                {summary && <p className="break-words text-slate-700">{summary}</p>}
              </li>
            );
          })}
        </ol>
      </section>

      {radius ? (
        <div className="space-y-2">
          <BlastRadius
            radius={radius}
            across={platform}
            csvHref={`/api/v1/tenants/${tenantId}/audit/blast-radius?incident=${incidentId}`}
            reportHref={`/t/${tenantId}/audit/report?incident=${incidentId}`}
          />
          {chains.length > 0 && (
            <p className="flex flex-wrap gap-x-4 gap-y-1 text-sm" data-testid="incident-bundles">
              <span className="text-slate-600">{t('bundles')}</span>
              {chains.map(([id, name]) => (
                <a
                  key={id}
                  className="text-brand-600 hover:underline"
                  href={`/api/v1/tenants/${id}/audit/bundle?incident=${incidentId}`}
                >
                  {name}
                </a>
              ))}
            </p>
          )}
        </div>
      ) : null}
    </div>
  );
}
