import { getLocale, getTranslations } from 'next-intl/server';
import { requireAccess } from '@/lib/auth/guard';
import { publishedSigningKey } from '@/lib/audit/published-signing-key';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { listStreams } from '@/lib/streams/list-streams';
import { MAX_STREAMS } from '@/lib/streams/stream-input';
import { CreateStreamForm, StreamControls } from './forms';

/**
 * The company's (or, for staff, the platform's) audit streams to SIEMs: where each stands, its
 * controls, and a new one while fewer than three exist. The signing key a receiver verifies with.
 */
export default async function AuditStreamsPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/audit-streams/page.tsx', { tenantId });
  const [t, locale, streams, key] = await Promise.all([
    getTranslations('streams'),
    getLocale() as Promise<Locale>,
    listStreams(ctx),
    publishedSigningKey(tenantId),
  ]);
  const nf = new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-GB');
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <p className="max-w-3xl text-sm text-slate-600">{t('intro')}</p>
      {streams.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="no-streams">
          {t('none')}
        </p>
      ) : (
        <ul className="space-y-3">
          {streams.map((s) => {
            const failing = s.lastError !== null;
            return (
              <li
                key={s.id}
                className="rounded-lg border border-slate-200 bg-white p-4"
                data-testid="stream"
                aria-labelledby={`stream-${s.id}`}
              >
                <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                  <h2 id={`stream-${s.id}`} className="font-medium">
                    {s.name}
                  </h2>
                  <span
                    className={`rounded px-2 py-0.5 text-xs font-medium ${
                      s.status === 'paused'
                        ? 'bg-slate-100 text-slate-800'
                        : failing
                          ? 'bg-red-100 text-red-900'
                          : 'bg-green-100 text-green-900'
                    }`}
                    data-testid="stream-state"
                  >
                    {s.status === 'paused' ? t('paused') : failing ? t('failing') : t('running')}
                  </span>
                  <span className="text-sm text-slate-600">
                    {t(`kinds.${s.kind}`)} · {t(`formats.${s.format}`)} ·{' '}
                    <span className="break-all font-mono text-xs">{s.host}</span>
                  </span>
                </div>
                <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-3">
                  <div>
                    <dt className="text-slate-500">{t('delivered')}</dt>
                    <dd data-testid="stream-delivered">
                      {s.deliveredEventAt
                        ? t('deliveredUpTo', {
                            seq: nf.format(s.deliveredSeq),
                            at: formatJst(s.deliveredEventAt, locale),
                          })
                        : t('nothingYet', { seq: nf.format(s.deliveredSeq) })}
                    </dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">{t('lag')}</dt>
                    <dd data-testid="stream-lag">
                      {s.lagEvents === 0
                        ? t('caughtUp')
                        : t('behind', { events: s.lagEvents, seconds: nf.format(s.lagSeconds) })}
                    </dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">{t('lastError')}</dt>
                    <dd data-testid="stream-error">
                      {s.lastError ? (
                        <>
                          {t(`errors.${s.lastError}`)}
                          {s.failingSince && (
                            <span className="block text-xs text-slate-600">
                              {t('failingSince', {
                                at: formatJst(s.failingSince, locale),
                                next: formatJst(s.nextAttemptAt, locale),
                              })}
                            </span>
                          )}
                          {s.lastErrorDetail && (
                            <code className="mt-1 block break-all text-xs text-slate-600">{s.lastErrorDetail}</code>
                          )}
                        </>
                      ) : (
                        t('noError')
                      )}
                    </dd>
                  </div>
                </dl>
                <p className="mt-2 text-xs text-slate-500">
                  {t('createdBy', { login: s.createdByLoginId, at: formatJst(s.createdAt, locale) })}
                  {s.backfillFrom && ` · ${t('backfilledFrom', { at: formatJst(s.backfillFrom, locale) })}`}
                </p>
                <div className="mt-3">
                  <StreamControls tenantId={tenantId} streamId={s.id} name={s.name} status={s.status} />
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <section className="max-w-md rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="new-stream">
        <h2 className="mb-2 font-medium" id="new-stream">
          {t('createTitle')}
        </h2>
        {streams.length >= MAX_STREAMS ? (
          <p className="text-sm text-slate-600">{t('limit', { n: MAX_STREAMS })}</p>
        ) : (
          <CreateStreamForm tenantId={tenantId} />
        )}
      </section>
      <details className="max-w-3xl text-xs text-slate-600">
        <summary className="cursor-pointer">{t('verifyTitle')}</summary>
        <p className="mt-1">{t('verifyHelp')}</p>
        <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-2">
          npm run audit:verify -- --stream copy.jsonl --public-key mamori-audit.pem
        </pre>
        {key && <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-2">{key.publicKeyPem}</pre>}
      </details>
    </div>
  );
}
