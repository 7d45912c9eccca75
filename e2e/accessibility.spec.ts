import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { login, openDialog, presentationSpec } from './helpers';

presentationSpec();

/**
 * axe (WCAG 2.2 A and AA rules) on every page as each role sees it, in both languages: no
 * violation of impact serious or critical, no id used twice on a page, and no sideways scrolling
 * of the page on a 390 px phone.
 */

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
type Findings = Record<string, { serious: string[]; duplicateIds: string[]; phoneOverflow?: number }>;

async function audit(page: Page, path: string, into: Findings) {
  await page.goto(path);
  await page.waitForLoadState('networkidle');
  await auditHere(page, path, into);
}

/** The page as it is now (a dialog open), recorded under `name`. */
async function auditHere(page: Page, name: string, into: Findings) {
  const path = name;
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  const duplicateIds = await page.evaluate(() => {
    const seen = new Map<string, number>();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
  // On a 390 px phone the page itself never scrolls sideways (wide tables scroll in their box).
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize({ width: 1280, height: 720 });
  if (serious.length > 0 || duplicateIds.length > 0 || overflow > 0)
    into[path] = { serious, duplicateIds, ...(overflow > 0 ? { phoneOverflow: overflow } : {}) };
}

/** Signs in (the helper speaks English), then switches the console to `locale`. */
async function as(browser: Browser, loginId: string, locale: string) {
  const page = await (await browser.newContext()).newPage();
  await login(page, loginId);
  await page.context().addCookies([{ name: 'mamori.locale', value: locale, url: baseURL }]);
  return page;
}

for (const locale of ['ja', 'en'] as const) {
  test(`every page: no serious or critical axe violation, no duplicate id, no sideways scroll at 390 px (${locale})`, async ({
    browser,
  }) => {
    // About 45 pages, each read by axe and checked at a phone's width: 2.5 to 3 minutes on 2 cores.
    test.setTimeout(360_000);
    const found: Findings = {};
    const guest = await (await browser.newContext()).newPage();
    await guest.context().addCookies([{ name: 'mamori.locale', value: locale, url: baseURL }]);
    await audit(guest, '/login', found);

    const admin = await as(browser, 'sakura.admin', locale);
    const me = await (await admin.request.get('/api/v1/me')).json();
    const t = `/t/${me.tenant.id}`;
    await admin.goto(t);
    const site = (await admin.getByTestId('site-orders').first().getAttribute('href'))!.replace(/\/orders$/, '');
    const operator = (await admin.getByTestId('operator-row').first().getByRole('link').getAttribute('href'))!;
    for (const path of [
      '/',
      t,
      `${t}/operators/new`,
      operator,
      `${t}/audit`,
      `${t}/audit?ip=999.1.1.1`,
      `${t}/audit?actor=sakura.admin`,
      `${t}/audit?ip=127.0.0.1`,
      `${t}/audit/report?ip=127.0.0.1`,
      `${t}/security`,
      `${t}/ip-allowlist`,
      `${t}/compromise`,
      `${t}/incidents`,
      `${t}/rotation`,
      `${t}/api-tokens`,
      `${t}/audit-streams`,
      `${site}/orders`,
      `${site}/members`,
      `${site}/export`,
      `${site}/payment`,
      '/account/sessions',
      '/account/password',
      '/account/mfa',
    ])
      await audit(admin, path, found);

    // Confirmation dialogs, open: a risky action on an operator, the platform's end-all.
    await admin.goto(`${t}?q=sakura.operator`);
    await admin.getByRole('link', { name: 'sakura.operator' }).click();
    // The operator's page, its title in place, before the dialog is read.
    await expect(admin).toHaveTitle(/\S/);
    await openDialog(admin, admin.getByTestId('end-sessions-open'));
    await auditHere(admin, 'operator#end-sessions-dialog', found);
    // Containment from a pivot: blocking the address it shows.
    await admin.goto(`${t}/audit?ip=198.51.100.7`);
    await openDialog(admin, admin.getByTestId('pivot-block-open'));
    await auditHere(admin, 'audit#block-dialog', found);
    await admin.goto(`${t}/compromise`);
    await openDialog(admin, admin.getByTestId('declare-compromise-open'));
    await auditHere(admin, 'compromise#declare-dialog', found);

    // A page that does not exist (or is not this operator's) answers with the 404 page.
    await audit(admin, '/t/00000000-0000-4000-8000-000000000000', found);

    const operatorPage = await as(browser, 'sakura.operator', locale);
    for (const path of ['/', t, '/account/mfa']) await audit(operatorPage, `${path}#operator`, found);

    const staff = await as(browser, 'platform.admin', locale);
    const platformTrail = '/t/00000000-0000-0000-0000-000000000000';
    for (const path of [
      '/',
      '/platform/tenants',
      '/platform/tenants/new',
      '/platform/staff',
      '/platform/sessions',
      `${platformTrail}/ip-allowlist`,
      `${platformTrail}/compromise`,
      `${platformTrail}/audit?across=all&ip=127.0.0.1`,
      `${platformTrail}/incidents`,
      '/platform/posture',
      '/platform/posture?totpMax=49',
      `${platformTrail}/audit-streams`,
    ])
      await audit(staff, `${path}#platform`, found);
    // An incident of the demo's intruder: its pivot panel, its page, its report, its compromise form.
    await staff.goto(`${platformTrail}/audit?across=all&ip=203.0.113.66`);
    await auditHere(staff, 'audit#incident-pivot', found);
    const add = staff.getByTestId('add-pivot');
    await add.locator('select[name=into]').selectOption('new');
    await add.locator('input[name=title]').fill(`axe ${locale}`);
    await add.getByRole('button').click();
    await staff.getByTestId('pivot-added').click();
    await staff.waitForURL(/\/incidents\//);
    const incident = new URL(staff.url()).pathname;
    const incidentId = incident.split('/').at(-1);
    for (const path of [
      incident,
      `${platformTrail}/audit/report?incident=${incidentId}`,
      `${platformTrail}/compromise?incident=${incidentId}`,
    ])
      await audit(staff, `${path}#platform`, found);
    await staff.goto('/platform/sessions');
    await openDialog(staff, staff.getByTestId('end-all-open'));
    await auditHere(staff, '/platform/sessions#end-all-dialog', found);

    expect(found).toEqual({});
  });
}
