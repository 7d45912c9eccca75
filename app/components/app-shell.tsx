import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { currentOperator, navigationOf, onOwnTenant } from '@/lib/auth/guard';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { getTenantOverview } from '@/lib/tenancy/get-tenant-overview';
import { AccountMenu, LanguageSwitch } from './account-menu';
import { PhoneMenu } from './phone-menu';
import { SideNav, type NavGroup } from './side-nav';

/**
 * The console's frame: a sidebar grouped by task (a menu on phones), the account menu, a skip
 * link and the main region. Signed out, only the brand and the language switch.
 */
export async function AppShell({ children }: { children: React.ReactNode }) {
  const [t, locale, ctx] = await Promise.all([getTranslations(), getLocale() as Promise<Locale>, currentOperator()]);
  const skip = (
    <a
      href="#main"
      className="sr-only z-50 rounded bg-white px-3 py-2 text-sm font-medium text-brand-700 shadow focus:not-sr-only focus:absolute focus:top-2 focus:left-2"
    >
      {t('nav.skip')}
    </a>
  );
  const brand = (
    <Link href="/" className="flex items-baseline gap-2 whitespace-nowrap text-lg font-semibold text-brand-700">
      {t('app.name')} <span className="hidden text-sm font-normal text-slate-500 sm:inline">{t('app.tagline')}</span>
    </Link>
  );
  if (!ctx) {
    return (
      <>
        {skip}
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-6xl items-center gap-4 px-4 py-3">
            {brand}
            <div className="ml-auto">
              <LanguageSwitch locale={locale} label={t('nav.language')} />
            </div>
          </div>
        </header>
        <main id="main" className="mx-auto max-w-6xl px-4 py-8">
          {children}
        </main>
      </>
    );
  }
  const groups = await navGroups(ctx, t);
  return (
    <>
      {skip}
      <div data-signed-in-frame className="min-h-screen lg:grid lg:grid-cols-[15rem_minmax(0,1fr)] print:block">
        <aside className="hidden border-r border-slate-200 bg-white lg:block print:hidden">
          <div className="sticky top-0 max-h-screen overflow-y-auto px-3 py-4">
            <Link href="/" className="mb-4 block px-2 text-brand-700">
              <span className="block text-lg font-semibold">{t('app.name')}</span>
              <span className="block text-xs text-slate-500">{t('app.tagline')}</span>
            </Link>
            <SideNav groups={groups} label={t('nav.main')} />
          </div>
        </aside>
        <div className="min-w-0">
          <header className="border-b border-slate-200 bg-white print:hidden">
            <div className="flex items-center gap-3 px-4 py-2">
              <PhoneMenu
                groups={groups}
                labels={{ open: t('nav.menu'), close: t('nav.closeMenu'), nav: t('nav.main') }}
              />
              <div className="lg:hidden">{brand}</div>
              <div className="ml-auto">
                <AccountMenu
                  locale={locale}
                  who={{ name: ctx.displayName, loginId: ctx.loginId, role: t(`roles.${ctx.role}`) }}
                  labels={{
                    account: t('nav.account'),
                    sessions: t('nav.sessions'),
                    password: t('nav.password'),
                    mfa: t('nav.mfa'),
                    language: t('nav.language'),
                    logout: t('nav.logout'),
                  }}
                />
              </div>
            </div>
          </header>
          {ctx.mfaEnrollBy && (
            <div
              role="status"
              className="border-b border-amber-300 bg-amber-50 print:hidden"
              data-testid="mfa-grace-banner"
            >
              <p className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 text-sm text-amber-900">
                <span>{t('mfaGrace.text', { deadline: formatJst(ctx.mfaEnrollBy, locale) })}</span>
                <Link href="/account/mfa" className="font-medium underline">
                  {t('mfaGrace.link')}
                </Link>
              </p>
            </div>
          )}
          <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 outline-none sm:py-8">
            {children}
          </main>
        </div>
      </div>
    </>
  );
}

type Operator = NonNullable<Awaited<ReturnType<typeof currentOperator>>>;
type Translate = Awaited<ReturnType<typeof getTranslations>>;

/** The sidebar's groups, as the guard says this operator may use them. */
async function navGroups(ctx: Operator, t: Translate): Promise<NavGroup[]> {
  const may = navigationOf(ctx);
  const T = `/t/${ctx.tenantId}`;
  const link = (href: string, key: string, exact = false) => ({ href, label: t(`nav.${key}`), exact });
  const group = (key: string, links: ({ href: string; label: string; exact: boolean } | false)[]): NavGroup => ({
    label: t(`nav.groups.${key}`),
    links: links.filter((l) => l !== false),
  });
  if (may.platform) {
    return [
      group('overview', [link('/', 'dashboard', true)]),
      group('platform', [
        may.tenantsList && link('/platform/tenants', 'tenants'),
        may.tenantsList && link('/platform/posture', 'posture'),
        may.operatorsRead && link('/platform/staff', 'staff'),
        may.sessionsManage && link('/platform/sessions', 'endSessions'),
      ]),
      group('policies', [
        may.operatorsRead && link(`${T}/rotation`, 'rotation'),
        may.securityWrite && link(`${T}/ip-allowlist`, 'ipAllowlist'),
        may.securityWrite && link(`${T}/api-tokens`, 'apiTokens'),
      ]),
      group('incident', [
        may.auditRead && link(`${T}/incidents`, 'incidents'),
        may.securityWrite && link(`${T}/compromise`, 'compromise'),
      ]),
      group('evidence', [
        may.auditRead && link(`${T}/audit`, 'audit'),
        may.securityWrite && link(`${T}/audit-streams`, 'auditStreams'),
      ]),
    ].filter((g) => g.links.length > 0);
  }
  const reader = onOwnTenant(ctx, 'tenant.read');
  const sites = reader ? ((await getTenantOverview(reader))?.sites ?? []).filter((s) => s.status === 'open') : [];
  const shops: NavGroup[] = sites.map((s) => {
    const S = `${T}/sites/${s.id}`;
    return group('shops', [
      may.ordersRead && link(`${S}/orders`, 'orders'),
      may.membersRead && link(`${S}/members`, 'members'),
      may.ordersExport && link(`${S}/export`, 'export'),
      may.paymentRead && link(`${S}/payment`, 'payment'),
    ]);
  });
  return [
    group('overview', [link('/', 'dashboard', true), link(T, 'myTenant', true)]),
    group('people', [may.securityWrite && link(`${T}/rotation`, 'rotation')]),
    group('policies', [
      may.securityWrite && link(`${T}/ip-allowlist`, 'ipAllowlist'),
      may.securityWrite && link(`${T}/security`, 'security'),
      may.securityWrite && link(`${T}/api-tokens`, 'apiTokens'),
    ]),
    group('incident', [
      may.auditRead && link(`${T}/incidents`, 'incidents'),
      may.securityWrite && link(`${T}/compromise`, 'compromise'),
    ]),
    group('evidence', [
      may.auditRead && link(`${T}/audit`, 'audit'),
      may.securityWrite && link(`${T}/audit-streams`, 'auditStreams'),
    ]),
    // One group per shop, named after it.
    ...shops.map((g, i) => ({ ...g, label: `${t('nav.groups.shops')}: ${sites[i].name}` })),
  ].filter((g) => g.links.length > 0);
}
