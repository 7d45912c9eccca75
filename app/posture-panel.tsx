import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import type { getOwnPosture } from '@/lib/posture/get-own-posture';
import type { PostureReason } from '@/lib/posture/posture-score';

type Posture = NonNullable<Awaited<ReturnType<typeof getOwnPosture>>>;

/**
 * A company's posture on its admins' dashboard: the score, the figures, and what to fix next,
 * each item linked to the page where it is fixed.
 */
export async function PosturePanel({ tenantId, posture: p }: { tenantId: string; posture: Posture }) {
  const [t, locale] = await Promise.all([getTranslations('posture.own'), getLocale() as Promise<Locale>]);
  const T = `/t/${tenantId}`;
  const fix: Record<PostureReason, { text: string; href: string }> = {
    totp: { text: t('fix.totp', { count: p.operators - p.totpEnrolled }), href: T },
    recovery: { text: t('fix.recovery', { count: p.totpEnrolled - p.recoveryCodes }), href: T },
    renewal: {
      text: t('fix.renewal', {
        count: p.operators - p.passwordsRenewed,
        since: formatJst(p.renewalSince, locale),
      }),
      href: `${T}/rotation`,
    },
    allowlist_none: { text: t('fix.allowlistNone'), href: `${T}/ip-allowlist` },
    allowlist_monitor: {
      text: t('fix.allowlistMonitor', {
        days: p.allowlistChangedAt
          ? Math.floor((p.refreshedAt.getTime() - p.allowlistChangedAt.getTime()) / 86_400_000)
          : 0,
      }),
      href: `${T}/ip-allowlist`,
    },
    dormant: { text: t('fix.dormant', { count: p.dormant }), href: T },
    alerts: { text: t('fix.alerts', { count: p.openAlerts }), href: '/' },
    old_tokens: { text: t('fix.oldTokens', { count: p.oldTokens }), href: `${T}/api-tokens` },
    webhook: { text: t('fix.webhook'), href: `${T}/security` },
  };
  const tone =
    p.score >= 80
      ? 'border-green-300 bg-green-50'
      : p.score >= 50
        ? 'border-amber-300 bg-amber-50'
        : 'border-red-300 bg-red-50';
  return (
    <section
      aria-labelledby="posture-title"
      className={`space-y-2 rounded-lg border p-4 text-sm ${tone}`}
      data-testid="own-posture"
    >
      <div className="flex flex-wrap items-baseline gap-3">
        <h2 id="posture-title" className="text-lg font-medium">
          {t('title')}
        </h2>
        <span className="text-2xl font-semibold tabular-nums" data-testid="own-score">
          {t('score', { score: p.score })}
        </span>
      </div>
      <p className="text-slate-700">
        {t('figures', {
          operators: p.operators,
          totp: p.totpEnrolled,
          covered: p.allowlistCovered,
        })}
      </p>
      {p.reasons.length > 0 ? (
        <>
          <h3 className="font-medium">{t('fixTitle')}</h3>
          <ul className="list-disc space-y-1 pl-5" data-testid="fix-next">
            {p.reasons.map((r) => (
              <li key={r}>
                <Link className="text-brand-600 hover:underline" href={fix[r].href}>
                  {fix[r].text}
                </Link>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{t('nothingToFix')}</p>
      )}
    </section>
  );
}
