import Link from 'next/link';
import { Suspense } from 'react';
import { getLocale, getTranslations } from 'next-intl/server';
import { validationMessage } from '@/app/components/validation-message';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { AUDIT_ACTIONS, isAuditAction } from '@/lib/audit/audit-actions';
import { FILTER_GROUPS } from '@/lib/audit/audit-labels';
import {
  AUDIT_FILTER_FIELDS,
  filterParams,
  parseAuditFilter,
  viewerLocalInput,
  type AuditFilter,
} from '@/lib/audit/audit-filter';
import { AUDIT_PAGE, searchAuditEvents } from '@/lib/audit/search-audit-events';
import { publishedSigningKey } from '@/lib/audit/published-signing-key';
import { alsoOn, onPlatform, requireAccess } from '@/lib/auth/guard';
import { listIncidents } from '@/lib/incidents/list-incidents';
import { ForIncident } from '@/app/components/action-form';
import { AddPivotForm } from '../incidents/forms';
import { VerifyChainForm } from './verify-form';
import { countAuditActions } from '@/lib/audit/count-audit-actions';
import { JstDateTimeField } from '@/app/components/jst-date-time-field';
import { AuditEventDetail } from './audit-event-detail';
import { ContainPanel } from './contain-panel';
import { AcrossTenants } from './across-tenants';
import { recordCrossTenantView } from '@/lib/audit/record-cross-tenant-view';
import { BlastRadiusPending, MeasuredBlastRadius } from './measured-blast-radius';
import { countAuditAcrossTenants } from '@/lib/audit/count-audit-across-tenants';
import { searchAuditAcrossTenants } from '@/lib/audit/search-audit-across-tenants';
import { formatJst, type Locale } from '@/lib/i18n/locale';

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { tenantId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/audit/page.tsx', { tenantId });
  const raw = await searchParams;
  const isPlatform = tenantId === PLATFORM_TENANT_ID;
  // An invalid field is shown as such and nothing is searched or exported: a filter that was
  // dropped would show (and export) more than was asked for.
  const parsed = parseAuditFilter(raw, 'console', {
    without: isPlatform ? [] : ['tenant'],
    extra: isPlatform ? ['across', 'incident'] : ['incident'],
  });
  const filter = parsed.ok ? parsed.filter : null;
  // Platform staff may search every tenant's chain at once (a chosen tenant narrows it to one).
  const acrossAccess = isPlatform && raw.across === 'all' && !filter?.tenant ? onPlatform(ctx, 'audit.read') : null;
  const across = filter && acrossAccess ? { filter, access: acrossAccess } : null;
  // A platform search of a tenant's chain needs the same right on that tenant.
  const chainAccess =
    isPlatform && filter?.tenant
      ? await requireAccess('app/t/[tenantId]/audit/page.tsx', { tenantId: filter.tenant })
      : ctx;
  // A pivot (one session, operator, address or target) also shows what it did, counted by action.
  const pivot = filter && (['session', 'actor', 'ip', 'target'] as const).find((k) => filter[k]);
  const [t, ti, v, locale, result, key, counts] = await Promise.all([
    getTranslations('audit'),
    getTranslations('incidents'),
    getTranslations('validation'),
    getLocale() as Promise<Locale>,
    filter && !across ? searchAuditEvents(tenantId, filter) : null,
    publishedSigningKey(filter?.tenant ?? tenantId),
    filter && pivot && !across ? countAuditActions(tenantId, filter) : null,
  ]);
  const [acrossRows, acrossCounts] = across
    ? await Promise.all([
        searchAuditAcrossTenants(across.access, across.filter),
        pivot ? countAuditAcrossTenants(across.access, across.filter) : null,
        recordCrossTenantView(across.access, across.filter, 'search'),
      ])
    : [null, null];
  // Pivots may join an incident; opened from one, containment here is taken for it.
  const incidentWriter = pivot ? alsoOn(ctx, 'security.write') : null;
  const openIncidents = incidentWriter
    ? (await listIncidents(ctx)).filter((i) => !i.closedAt).map((i) => ({ id: i.id, title: i.title }))
    : [];
  const forIncident = typeof raw.incident === 'string' ? openIncidents.find((i) => i.id === raw.incident) : undefined;
  const fieldErrors = parsed.ok ? {} : parsed.fieldErrors;
  const base = `/t/${tenantId}/audit`;
  const link = (q: Partial<Record<keyof AuditFilter, string>>) => {
    const keep: Record<string, string> = filter?.tenant ? { tenant: filter.tenant } : across ? { across: 'all' } : {};
    if (forIncident) keep.incident = forIncident.id;
    return `${base}?${new URLSearchParams({ ...keep, ...q })}`;
  };
  const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
  // Date-time fields show the viewer's wall clock, also for a link that carried UTC instants.
  const when = (k: 'from' | 'to') => (filter?.[k] ? viewerLocalInput(filter[k]!) : text(k));
  // An action no longer in the catalogue (an old event) is shown by its name alone.
  const actionLabel = (name: string) => (isAuditAction(name) ? t(`actionLabels.${name}`) : null);
  const unknownFields = Object.keys(fieldErrors).filter((k) => !(AUDIT_FILTER_FIELDS as readonly string[]).includes(k));
  const field = (name: string, label: string, input: React.ReactNode, hint?: string) => (
    <div className="text-sm">
      <label htmlFor={`audit-${name}`} className="block font-medium text-slate-700">
        {label}
      </label>
      {input}
      {hint && (
        <p id={`audit-${name}-hint`} className="mt-0.5 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {fieldErrors[name] && (
        <p id={`audit-${name}-error`} className="mt-0.5 text-xs text-red-700" data-testid={`filter-error-${name}`}>
          {fieldErrors[name].map((key) => validationMessage(v, key)).join(' ')}
        </p>
      )}
    </div>
  );
  const inputProps = (name: string, hint?: boolean) => ({
    id: `audit-${name}`,
    name,
    'aria-invalid': fieldErrors[name] ? true : undefined,
    'aria-describedby':
      [hint ? `audit-${name}-hint` : '', fieldErrors[name] ? `audit-${name}-error` : ''].filter(Boolean).join(' ') ||
      undefined,
    className: 'mt-1 w-full rounded border border-slate-300 px-2 py-1 aria-invalid:border-red-500',
  });
  const exportQuery = (extra: Record<string, string>) => {
    const q = filter ? filterParams(filter) : new URLSearchParams();
    for (const [k, val] of Object.entries(extra)) q.set(k, val);
    return q.toString();
  };
  const bundleQuery = () => {
    const q = filter ? filterParams(filter) : new URLSearchParams();
    q.delete('tenant');
    return q.toString();
  };
  // What a pivot touched, as CSV and as a report: in the searched chain, or across tenants.
  const radiusChain = across ? tenantId : chainAccess.granted.tenantId;
  const pivotQuery = (() => {
    const q = filter ? filterParams(filter) : new URLSearchParams();
    q.delete('tenant');
    if (across) q.set('across', 'all');
    return q.toString();
  })();
  // What a pivot offers beside its events: containment, then what it touched.
  const containAndRadius = (
    <>
      {filter && pivot && incidentWriter && (
        <section
          aria-labelledby="incident-pivot-title"
          className="space-y-2 rounded-lg border border-slate-200 bg-white p-3 text-sm"
          data-testid="incident-pivot"
        >
          <h2 id="incident-pivot-title" className="font-medium">
            {ti('pivotTitle')}
          </h2>
          {forIncident && (
            <p role="status" data-testid="for-incident">
              {ti.rich('forIncident', {
                title: forIncident.title,
                link: (chunks) => (
                  <Link className="text-brand-600 underline" href={`/t/${tenantId}/incidents/${forIncident.id}`}>
                    {chunks}
                  </Link>
                ),
              })}
            </p>
          )}
          <AddPivotForm
            tenantId={tenantId}
            filter={pivotQuery}
            open={forIncident ? [forIncident, ...openIncidents.filter((i) => i !== forIncident)] : openIncidents}
          />
        </section>
      )}
      {filter && (pivot === 'session' || pivot === 'actor' || pivot === 'ip' || pivot === 'target') && (
        <ForIncident id={forIncident?.id ?? null}>
          <ContainPanel access={chainAccess} pivot={pivot} value={filter[pivot]!} />
        </ForIncident>
      )}
      {/* What a pivot touched: every matching event counted, in this chain or across tenants. It
          streams in after the search and count, which do not wait for it. */}
      {filter && pivot && (
        <Suspense fallback={<BlastRadiusPending title={t('radius.title')} status={t('radius.counting')} />}>
          <MeasuredBlastRadius
            filter={filter}
            chainAccess={chainAccess}
            acrossAccess={across?.access ?? null}
            csvHref={`/api/v1/tenants/${radiusChain}/audit/blast-radius?${pivotQuery}`}
            reportHref={`/t/${radiusChain}/audit/report?${pivotQuery}`}
          />
        </Suspense>
      )}
    </>
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-4">
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        {result && (
          <a
            className="text-sm text-brand-600 hover:underline"
            href={`/api/v1/tenants/${result.chain}/audit/bundle${bundleQuery() ? `?${bundleQuery()}` : ''}`}
            data-testid="bundle-link"
          >
            {bundleQuery() ? t('bundleFiltered') : t('bundle')}
          </a>
        )}
        {result && <VerifyChainForm tenantId={result.chain} />}
      </div>
      <details className="text-xs text-slate-600">
        <summary className="cursor-pointer" data-testid="signing-key">
          {key ? t('signingKey', { fingerprint: key.fingerprint.slice(0, 32) }) : t('noSigningKey')}
        </summary>
        {key && <pre className="mt-1 rounded bg-slate-50 p-2">{key.publicKeyPem}</pre>}
      </details>
      <form
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-2 lg:grid-cols-4"
        role="search"
        aria-label={t('filters')}
        data-testid="audit-filters"
      >
        {isPlatform &&
          field(
            'tenant',
            t('tenantId'),
            <input {...inputProps('tenant', true)} defaultValue={text('tenant')} />,
            t('tenantIdHint'),
          )}
        {isPlatform && (
          <div className="flex items-end gap-2 text-sm">
            <input
              id="audit-across"
              type="checkbox"
              name="across"
              value="all"
              defaultChecked={raw.across === 'all'}
              className="mb-1.5 size-4"
              aria-describedby="audit-across-hint"
            />
            <div>
              <label htmlFor="audit-across" className="font-medium text-slate-700">
                {t('across.label')}
              </label>
              <p id="audit-across-hint" className="text-xs text-slate-500">
                {t('across.hint')}
              </p>
            </div>
          </div>
        )}
        {(['from', 'to'] as const).map((k) => (
          <JstDateTimeField
            key={k}
            name={k}
            label={t(k)}
            seconds
            defaultValue={when(k)}
            hint={k === 'from' ? t('timeZoneHint') : t('toHint')}
            errors={fieldErrors[k]?.map((key) => validationMessage(v, key))}
          />
        ))}
        {field(
          'actor',
          t('actor'),
          <input {...inputProps('actor', true)} defaultValue={text('actor')} />,
          t('actorHint'),
        )}
        {field(
          'action',
          t('action'),
          <>
            <input
              {...inputProps('action', true)}
              defaultValue={text('action')}
              list="audit-actions"
              autoComplete="off"
            />
            <datalist id="audit-actions">
              {FILTER_GROUPS.map((g) => (
                <option key={g} value={`${g}.*`} label={t(`groupLabels.${g}`)} />
              ))}
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a} label={t(`actionLabels.${a}`)} />
              ))}
            </datalist>
          </>,
          t('actionHint'),
        )}
        {field(
          'outcome',
          t('outcome'),
          <select {...inputProps('outcome')} defaultValue={text('outcome')}>
            <option value="">{t('anyOutcome')}</option>
            {(['success', 'failure', 'denied'] as const).map((o) => (
              <option key={o} value={o}>
                {t(`outcomes.${o}`)}
              </option>
            ))}
          </select>,
        )}
        {field('ip', t('ip'), <input {...inputProps('ip', true)} defaultValue={text('ip')} />, t('ipHint'))}
        {field('target', t('target'), <input {...inputProps('target')} defaultValue={text('target')} />)}
        {field('session', t('session'), <input {...inputProps('session')} defaultValue={text('session')} />)}
        <div className="flex items-end">
          <button className="rounded bg-brand-600 px-3 py-1.5 text-sm text-white">{t('search')}</button>
        </div>
      </form>
      {!parsed.ok && (
        <p
          role="alert"
          className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800"
          data-testid="filter-invalid"
        >
          {t('invalidFilter')}
          {unknownFields.length > 0 && ` ${t('unknownFields', { fields: unknownFields.join(', ') })}`}
        </p>
      )}
      {result && (
        <p className="flex flex-wrap gap-4 text-xs text-slate-500">
          <span>{t('times')}</span>
          {(['csv:utf8', 'csv:sjis', 'jsonl:utf8'] as const).map((f) => {
            const [format, encoding] = f.split(':');
            return (
              <a
                key={f}
                className="text-brand-600 hover:underline"
                href={`/api/v1/tenants/${tenantId}/audit/export?${exportQuery({ format, encoding })}`}
                data-testid={`export-${format}-${encoding}`}
              >
                {t(`export.${format}-${encoding}`)}
              </a>
            );
          })}
        </p>
      )}
      {counts && pivot && (
        <section
          aria-labelledby="pivot-title"
          className="rounded-lg border border-slate-200 bg-white p-3 text-sm"
          data-testid="pivot-counts"
        >
          <h2 id="pivot-title" className="font-medium">
            {t(counts.capped ? 'pivotCountsCapped' : 'pivotCounts', {
              count: counts.total,
              of: t(`pivotOf.${pivot}`),
            })}
          </h2>
          <ul className="mt-2 flex flex-wrap gap-2">
            {counts.actions.map((a) => (
              <li key={a.action}>
                <Link
                  className="inline-flex items-center gap-1 rounded-full border border-slate-300 px-3 py-1 hover:bg-slate-50"
                  href={`${base}?${new URLSearchParams({
                    ...(Object.fromEntries(
                      Object.entries(raw).filter(
                        ([k, val]) => typeof val === 'string' && k !== 'before' && k !== 'action',
                      ),
                    ) as Record<string, string>),
                    action: a.action,
                  })}`}
                >
                  <span>{actionLabel(a.action) ?? a.action}</span>
                  <span className="font-semibold tabular-nums">{a.count}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {!across && containAndRadius}
      {across && acrossRows && (
        <AcrossTenants
          base={base}
          pivot={Object.fromEntries(
            Object.entries(raw).filter(
              ([k, val]) => typeof val === 'string' && val !== '' && k !== 'across' && k !== 'before' && k !== 'tenant',
            ),
          )}
          rows={acrossRows}
          counts={acrossCounts}
          between={containAndRadius}
        />
      )}
      {result && (
        <div className="overflow-x-auto" tabIndex={0}>
          <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
            <thead className="bg-slate-100 text-left">
              <tr>
                <th className="px-2 py-2">{t('columns.when')}</th>
                <th className="px-2 py-2">{t('columns.actor')}</th>
                <th className="px-2 py-2">{t('columns.action')}</th>
                <th className="px-2 py-2">{t('columns.outcome')}</th>
                <th className="px-2 py-2">{t('columns.ip')}</th>
                <th className="px-2 py-2">{t('columns.pivot')}</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((e) => (
                <tr key={e.seq} className="border-t border-slate-100 align-top" data-testid="audit-row">
                  <td className="whitespace-nowrap px-2 py-2">{formatJst(e.occurredAt, locale, { seconds: true })}</td>
                  <td className="px-2 py-2 font-mono">{e.actorLoginId ?? '—'}</td>
                  <td className="px-2 py-2">
                    <details>
                      <summary className="cursor-pointer" data-testid="audit-action">
                        {actionLabel(e.action)}
                        {/* The name itself, for those who filter by it. */}
                        <code className="block text-xs text-slate-500" data-testid="audit-action-id">
                          {e.action}
                        </code>
                      </summary>
                      <AuditEventDetail event={e} t={t} locale={locale} />
                    </details>
                  </td>
                  <td className={`px-2 py-2 ${e.outcome === 'success' ? 'text-green-700' : 'text-red-700'}`}>
                    {t(`outcomes.${e.outcome}`)}
                  </td>
                  <td className="px-2 py-2 font-mono">{e.ip}</td>
                  <td className="space-x-2 px-2 py-2 text-xs">
                    {e.sessionId && (
                      <Link className="text-brand-600 hover:underline" href={link({ session: e.sessionId })}>
                        {t('pivotSession')}
                      </Link>
                    )}
                    {e.actorOperatorId && (
                      <Link className="text-brand-600 hover:underline" href={link({ actor: e.actorOperatorId })}>
                        {t('pivotActor')}
                      </Link>
                    )}
                    {e.targetType === 'api_token' && e.targetId && (
                      <Link className="text-brand-600 hover:underline" href={link({ target: e.targetId })}>
                        {t('pivotToken')}
                      </Link>
                    )}
                    {e.ip && e.ip !== 'unknown' && (
                      <Link className="text-brand-600 hover:underline" href={link({ ip: e.ip })}>
                        {t('pivotIp')}
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
              {result.rows.length === 0 && (
                <tr>
                  <td colSpan={6} className="px-2 py-4 text-center text-slate-500">
                    {t('none')}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {result?.next && (
        <Link
          className="text-sm text-brand-600"
          href={`${base}?${new URLSearchParams({ ...(Object.fromEntries(Object.entries(raw).filter(([k, val]) => typeof val === 'string' && k !== 'before')) as Record<string, string>), before: result.next })}`}
        >
          {t('older', { n: AUDIT_PAGE })}
        </Link>
      )}
    </div>
  );
}
