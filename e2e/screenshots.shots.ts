import { mkdirSync } from 'node:fs';
import { test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { login } from './helpers';

const VIEWPORTS = { desktop: { width: 1366, height: 900 }, phone: { width: 390, height: 844 } } as const;
const LOCALES = ['ja', 'en'] as const;
const OUT = process.env.MAMORI_SCREENSHOTS_DIR ?? 'screenshots';

interface Shot {
  name: string;
  path: string;
}

type State = Awaited<ReturnType<BrowserContext['storageState']>>;

async function signedIn(browser: Browser, loginId: string): Promise<{ page: Page; state: State }> {
  const page = await (await browser.newContext({ viewport: VIEWPORTS.desktop })).newPage();
  await login(page, loginId);
  return { page, state: await page.context().storageState() };
}

/**
 * Each page in both languages and both sizes, full length, from one signed-in session; the
 * browser speaks the language too, so its own date and time fields read as a user's would.
 */
async function capture(browser: Browser, state: State | undefined, role: string, shots: Shot[]) {
  for (const locale of LOCALES) {
    const context = await browser.newContext({
      storageState: state,
      locale: locale === 'ja' ? 'ja-JP' : 'en-GB',
      timezoneId: 'Asia/Tokyo',
    });
    await context.addCookies([{ name: 'mamori.locale', value: locale, url: baseURL }]);
    const page = await context.newPage();
    for (const shot of shots) {
      for (const [device, size] of Object.entries(VIEWPORTS)) {
        await page.setViewportSize(size);
        await page.goto(shot.path);
        await page.waitForLoadState('networkidle');
        await page.screenshot({ path: `${OUT}/${role}-${shot.name}-${locale}-${device}.png`, fullPage: true });
      }
    }
    await context.close();
  }
}

test('screenshots of every page', async ({ browser }) => {
  mkdirSync(OUT, { recursive: true });
  await capture(browser, undefined, 'signed-out', [{ name: 'login', path: '/login' }]);

  const { page: admin, state: adminState } = await signedIn(browser, 'sakura.admin');
  const me = await (await admin.request.get('/api/v1/me')).json();
  const t = `/t/${me.tenant.id}`;
  await admin.goto(t);
  const site = (await admin.getByTestId('site-orders').first().getAttribute('href'))!.replace(/\/orders$/, '');
  const operator = (await admin.getByTestId('operator-row').first().getByRole('link').getAttribute('href'))!;
  await capture(browser, adminState, 'tenant-admin', [
    { name: 'dashboard', path: '/' },
    { name: 'tenant', path: t },
    { name: 'operator-new', path: `${t}/operators/new` },
    { name: 'operator', path: operator },
    { name: 'audit', path: `${t}/audit` },
    { name: 'audit-invalid-filter', path: `${t}/audit?ip=999.1.1.1&action=orders.bogus` },
    { name: 'security', path: `${t}/security` },
    { name: 'ip-allowlist', path: `${t}/ip-allowlist` },
    { name: 'rotation', path: `${t}/rotation` },
    { name: 'api-tokens', path: `${t}/api-tokens` },
    { name: 'orders', path: `${site}/orders` },
    { name: 'members', path: `${site}/members` },
    { name: 'export', path: `${site}/export` },
    { name: 'payment', path: `${site}/payment` },
    { name: 'sessions', path: '/account/sessions' },
    { name: 'password', path: '/account/password' },
    { name: 'mfa', path: '/account/mfa' },
  ]);

  await capture(browser, (await signedIn(browser, 'sakura.operator')).state, 'operator', [
    { name: 'dashboard', path: '/' },
    { name: 'tenant', path: t },
  ]);

  await capture(browser, (await signedIn(browser, 'platform.admin')).state, 'platform-admin', [
    { name: 'dashboard', path: '/' },
    { name: 'tenants', path: '/platform/tenants' },
    { name: 'tenant-new', path: '/platform/tenants/new' },
    { name: 'tenant', path: t },
    { name: 'staff', path: '/platform/staff' },
    { name: 'sessions', path: '/platform/sessions' },
  ]);
});
