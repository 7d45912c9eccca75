import { mkdirSync } from 'node:fs';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { baseURL, receiverPort } from '../playwright.config';
import { clickSensitive, login, openDialog } from './helpers';

const VIEWPORTS = { desktop: { width: 1366, height: 900 }, phone: { width: 390, height: 844 } } as const;
const LOCALES = ['ja', 'en'] as const;
const OUT = process.env.MAMORI_SCREENSHOTS_DIR ?? 'screenshots';
// MAMORI_SHOTS=api-tokens: only the shots whose name holds it (one page after a change).
const ONLY = process.env.MAMORI_SHOTS;

interface Shot {
  name: string;
  path: string;
  /** What to do on the page before the picture: open a dialog, expand a row. */
  act?: (page: Page, locale: (typeof LOCALES)[number]) => Promise<void>;
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
    for (const shot of shots.filter((x) => !ONLY || x.name.includes(ONLY))) {
      for (const [device, size] of Object.entries(VIEWPORTS)) {
        await page.setViewportSize(size);
        await page.goto(shot.path);
        await page.waitForLoadState('networkidle');
        await shot.act?.(page, locale);
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
  await admin.goto(`${t}?q=sakura.operator`);
  const operator = (await admin.getByRole('link', { name: 'sakura.operator' }).getAttribute('href'))!;
  await capture(browser, adminState, 'tenant-admin', [
    { name: 'dashboard', path: '/' },
    { name: 'tenant', path: t },
    { name: 'operator-new', path: `${t}/operators/new` },
    { name: 'operator', path: operator },
    {
      name: 'operator-end-sessions-dialog',
      path: operator,
      act: async (page) => void (await openDialog(page, page.getByTestId('end-sessions-open'))),
    },
    { name: 'audit', path: `${t}/audit` },
    { name: 'audit-pivot', path: `${t}/audit?actor=sakura.admin` },
    {
      name: 'audit-detail',
      path: `${t}/audit`,
      act: (page) => page.getByTestId('audit-action').first().click(),
    },
    { name: 'audit-invalid-filter', path: `${t}/audit?ip=999.1.1.1&action=orders.bogus` },
    { name: 'audit-pivot-ip', path: `${t}/audit?ip=127.0.0.1` },
    { name: 'audit-report', path: `${t}/audit/report?ip=127.0.0.1` },
    {
      name: 'audit-block-dialog',
      path: `${t}/audit?ip=198.51.100.7`,
      act: async (page) => void (await openDialog(page, page.getByTestId('pivot-block-open'))),
    },
    { name: 'security', path: `${t}/security` },
    { name: 'ip-allowlist', path: `${t}/ip-allowlist` },
    { name: 'compromise', path: `${t}/compromise` },
    { name: 'incidents', path: `${t}/incidents` },
    {
      name: 'compromise-declare-dialog',
      path: `${t}/compromise`,
      act: async (page) => void (await openDialog(page, page.getByTestId('declare-compromise-open'))),
    },
    { name: 'rotation', path: `${t}/rotation` },
    {
      name: 'rotation-summary-dialog',
      path: `${t}/rotation`,
      act: async (page, locale) => {
        await page
          .getByLabel(locale === 'ja' ? '理由' : 'Reason', { exact: true })
          .fill('2026年11月の不正アクセスを受けて');
        await page.getByRole('group').getByRole('spinbutton').first().click();
        // The field's parts in the language's order: year first in Japanese, day first in English.
        await page.keyboard.type(locale === 'ja' ? '203001311800' : '310120301800');
        await page.getByRole('button', { name: locale === 'ja' ? '内容を確認…' : 'Review…' }).click();
        await page.getByRole('alertdialog').waitFor();
      },
    },
    { name: 'api-tokens', path: `${t}/api-tokens` },
    { name: 'audit-streams', path: `${t}/audit-streams` },
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

  // The demo incident (played at start), gathered into an incident by a pivot across tenants.
  const { page: staff, state: staffState } = await signedIn(browser, 'platform.admin');
  const platform = '/t/00000000-0000-0000-0000-000000000000';
  const intruder = `${platform}/audit?across=all&ip=203.0.113.66`;
  await staff.goto(intruder);
  const add = staff.getByTestId('add-pivot');
  await add.locator('select[name=into]').selectOption('new');
  await add.locator('input[name=title]').fill('Webサーバーのバックドア');
  await add.getByRole('button').click();
  await staff.getByTestId('pivot-added').click();
  await staff.waitForURL(/\/incidents\//);
  const incident = new URL(staff.url()).pathname;
  await capture(browser, staffState, 'platform-admin', [
    { name: 'alerts', path: '/' },
    { name: 'audit-across-intruder', path: intruder },
    { name: 'incidents', path: `${platform}/incidents` },
    { name: 'incident', path: incident },
    { name: 'incident-report', path: `${platform}/audit/report?incident=${incident.split('/').at(-1)}` },
    { name: 'incident-compromise', path: `${platform}/compromise?incident=${incident.split('/').at(-1)}` },
  ]);

  // A stream of the platform's chain to a SIEM that is not there: it shows how a failing one reads.
  await staff.goto(`${platform}/audit-streams`);
  const form = staff.getByTestId('create-stream');
  // Chosen again until the page is hydrated and shows the token field Splunk needs.
  await expect(async () => {
    await form.locator('select[name=kind]').selectOption('https_json');
    await form.locator('select[name=kind]').selectOption('splunk_hec');
    await expect(form.locator('input[name=token]')).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await form.locator('input[name=name]').fill('SOC Splunk');
  await form.locator('input[name=url]').fill(`http://127.0.0.1:${receiverPort}/services/collector/event`);
  await form.locator('input[name=token]').fill('6a1f0c2e-9b7d-4c1e-8f3a-2d5b7e9c0a14');
  await form.locator('select[name=format]').selectOption('ocsf');
  await clickSensitive(staff, 'platform.admin', form.getByRole('button'));
  await expect(async () => {
    await staff.reload();
    await expect(staff.getByTestId('stream-state')).toHaveClass(/bg-red/, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  await capture(browser, (await signedIn(browser, 'platform.admin')).state, 'platform-admin', [
    { name: 'dashboard', path: '/' },
    { name: 'tenants', path: '/platform/tenants' },
    { name: 'posture', path: '/platform/posture' },
    { name: 'posture-ranges', path: '/platform/posture?totpMax=49&sort=operators&dir=desc' },
    { name: 'audit-streams', path: `${platform}/audit-streams` },
    { name: 'api-tokens', path: `${platform}/api-tokens` },
    { name: 'tenant-new', path: '/platform/tenants/new' },
    { name: 'tenant', path: t },
    { name: 'staff', path: '/platform/staff' },
    { name: 'ip-allowlist', path: '/t/00000000-0000-0000-0000-000000000000/ip-allowlist' },
    {
      name: 'compromise-declare-dialog',
      path: '/t/00000000-0000-0000-0000-000000000000/compromise',
      act: async (page) => void (await openDialog(page, page.getByTestId('declare-compromise-open'))),
    },
    { name: 'audit-across', path: '/t/00000000-0000-0000-0000-000000000000/audit?across=all&ip=127.0.0.1' },
    { name: 'sessions', path: '/platform/sessions' },
    {
      name: 'sessions-end-all-dialog',
      path: '/platform/sessions',
      act: async (page) => void (await openDialog(page, page.getByTestId('end-all-open'))),
    },
  ]);
});
