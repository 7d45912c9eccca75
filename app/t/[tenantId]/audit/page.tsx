import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { AUDIT_PAGE, auditSearchQuery, searchAuditEvents, type AuditSearchQuery } from '@/lib/audit/search-audit-events';
import { signingKey } from '@/lib/audit/signing-key';
import { requireTenant } from '@/lib/auth/guard';
import { VerifyChainForm } from './verify-form';
import { formatJst, type Locale } from '@/lib/i18n/locale';

export default async function AuditPage({ params, searchParams }: { params: Promise<{ tenantId: string }>; searchParams: Promise<Record<string, string | string[]>> }) {
  const { tenantId } = await params;
  const ctx = await requireTenant(tenantId, 'audit.read');
  const raw = await searchParams;
  const query = auditSearchQuery.parse(raw);
  // A platform search of a tenant's chain needs the same right on that tenant.
  if (tenantId === PLATFORM_TENANT_ID && query.tenant) await requireTenant(query.tenant, 'audit.read');
  const [t, locale, result] = await Promise.all([getTranslations('audit'), getLocale() as Promise<Locale>, searchAuditEvents(ctx, tenantId, query)]);
  const base = `/t/${tenantId}/audit`;
  const link = (q: Partial<Record<keyof AuditSearchQuery, string>>) => {
    const keep = query.tenant ? { tenant: query.tenant } : {};
    return `${base}?${new URLSearchParams({ ...keep, ...q })}`;
  };
  const value = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-4">
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <a className="text-sm text-brand-600 hover:underline" href={`/api/v1/tenants/${result.chain}/audit/bundle`} data-testid="bundle-link">{t('bundle')}</a>
        <VerifyChainForm tenantId={result.chain} />
      </div>
      <details className="text-xs text-slate-600">
        <summary className="cursor-pointer" data-testid="signing-key">{t('signingKey', { fingerprint: signingKey().fingerprint.slice(0, 32) })}</summary>
        <pre className="mt-1 rounded bg-slate-50 p-2">{signingKey().publicKeyPem}</pre>
      </details>
      <form className="grid gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm sm:grid-cols-4" role="search" data-testid="audit-filters">
        {tenantId === PLATFORM_TENANT_ID && <input name="tenant" defaultValue={value('tenant')} placeholder={t('tenantId')} aria-label={t('tenantId')} className="rounded border px-2 py-1" />}
        <input name="from" type="datetime-local" defaultValue={value('from')} aria-label={t('from')} className="rounded border px-2 py-1" />
        <input name="to" type="datetime-local" defaultValue={value('to')} aria-label={t('to')} className="rounded border px-2 py-1" />
        <input name="actor" defaultValue={value('actor')} placeholder={t('actor')} aria-label={t('actor')} className="rounded border px-2 py-1" />
        <input name="action" defaultValue={value('action')} placeholder={t('action')} aria-label={t('action')} className="rounded border px-2 py-1" />
        <select name="outcome" defaultValue={value('outcome')} aria-label={t('outcome')} className="rounded border px-2 py-1">
          <option value="">{t('anyOutcome')}</option>
          <option value="success">success</option>
          <option value="failure">failure</option>
          <option value="denied">denied</option>
        </select>
        <input name="ip" defaultValue={value('ip')} placeholder={t('ip')} aria-label={t('ip')} className="rounded border px-2 py-1" />
        <input name="target" defaultValue={value('target')} placeholder={t('target')} aria-label={t('target')} className="rounded border px-2 py-1" />
        <input name="session" defaultValue={value('session')} placeholder={t('session')} aria-label={t('session')} className="rounded border px-2 py-1" />
        <button className="rounded bg-brand-600 px-3 py-1 text-white">{t('search')}</button>
      </form>
      <p className="flex flex-wrap gap-4 text-xs text-slate-500">
        <span>{t('times')}</span>
        {(['csv:utf8', 'csv:sjis', 'jsonl:utf8'] as const).map((f) => {
          const [format, encoding] = f.split(':');
          const params = new URLSearchParams({ ...(Object.fromEntries(Object.entries(raw).filter(([k, v]) => typeof v === 'string' && k !== 'before')) as Record<string, string>), format, encoding });
          return (
            <a key={f} className="text-brand-600 hover:underline" href={`/api/v1/tenants/${tenantId}/audit/export?${params}`} data-testid={`export-${format}-${encoding}`}>
              {t(`export.${format}-${encoding}`)}
            </a>
          );
        })}
      </p>
      <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
        <thead className="bg-slate-100 text-left">
          <tr>
            <th className="px-2 py-2">{t('when')}</th>
            <th className="px-2 py-2">{t('actor')}</th>
            <th className="px-2 py-2">{t('action')}</th>
            <th className="px-2 py-2">{t('outcome')}</th>
            <th className="px-2 py-2">{t('ip')}</th>
            <th className="px-2 py-2">{t('pivot')}</th>
          </tr>
        </thead>
        <tbody>
          {result.rows.map((e) => (
            <tr key={e.seq} className="border-t border-slate-100 align-top" data-testid="audit-row">
              <td className="whitespace-nowrap px-2 py-2">{formatJst(e.occurredAt, locale)}</td>
              <td className="px-2 py-2 font-mono">{e.actorLoginId ?? '—'}</td>
              <td className="px-2 py-2">
                <details>
                  <summary className="cursor-pointer font-mono" data-testid="audit-action">{e.action}</summary>
                  <pre className="mt-1 max-w-xl overflow-x-auto whitespace-pre-wrap rounded bg-slate-50 p-2 text-xs" data-testid="audit-detail">
                    {JSON.stringify({ seq: e.seq, id: e.id, target: e.targetType ? `${e.targetType}:${e.targetId}` : null, session: e.sessionId, userAgent: e.userAgent, details: e.details, hash: e.hash }, null, 2)}
                  </pre>
                </details>
              </td>
              <td className={`px-2 py-2 ${e.outcome === 'success' ? 'text-green-700' : 'text-red-700'}`}>{e.outcome}</td>
              <td className="px-2 py-2 font-mono">{e.ip}</td>
              <td className="space-x-2 px-2 py-2 text-xs">
                {e.sessionId && <Link className="text-brand-600 hover:underline" href={link({ session: e.sessionId })}>{t('pivotSession')}</Link>}
                {e.actorOperatorId && <Link className="text-brand-600 hover:underline" href={link({ actor: e.actorOperatorId })}>{t('pivotActor')}</Link>}
                {e.ip && e.ip !== 'unknown' && <Link className="text-brand-600 hover:underline" href={link({ ip: e.ip })}>{t('pivotIp')}</Link>}
              </td>
            </tr>
          ))}
          {result.rows.length === 0 && (
            <tr><td colSpan={6} className="px-2 py-4 text-center text-slate-500">{t('none')}</td></tr>
          )}
        </tbody>
      </table>
      {result.next && (
        <Link className="text-sm text-brand-600" href={`${base}?${new URLSearchParams({ ...Object.fromEntries(Object.entries(raw).filter(([k, v]) => typeof v === 'string' && k !== 'before')) as Record<string, string>, before: result.next })}`}>
          {t('older', { n: AUDIT_PAGE })}
        </Link>
      )}
    </div>
  );
}
