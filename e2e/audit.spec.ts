import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('search the audit trail with filters and pivot from a login to everything its session did', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await login(page, 'sakura.admin');
  const me = await (await page.request.get('/api/v1/me')).json();
  await page.goto(`/t/${me.tenant.id}/audit`);
  await page.getByLabel('Actions (comma-separated)').fill('login.succeeded');
  await page.getByLabel('Actor (login ID)').fill('sakura.admin');
  await page.getByRole('button', { name: 'Search' }).click();
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toBeVisible();
  await expect(page.getByTestId('audit-action').first()).toHaveText('login.succeeded');
  await page.getByTestId('audit-action').first().click();
  await expect(page.getByTestId('audit-detail').first()).toContainText('"hash"');

  // Pivot: everything this session did.
  await rows.first().getByRole('link', { name: 'session' }).click();
  await expect(page).toHaveURL(/session=[0-9a-f-]{36}/);
  const actions = await page.getByTestId('audit-action').allTextContents();
  expect(actions).toContain('login.succeeded');
  expect(new URL(page.url()).searchParams.get('session')).toBe(me.sessionId);

  // Junk filters are a normal page, not an error.
  expect((await page.goto(`/t/${me.tenant.id}/audit?from=junk&ip=999.1.1.1&action=DROP%20TABLE`))?.status()).toBe(200);
});

test("the audit trail of another tenant is a 404, and operators without audit rights get 404 too", async ({ browser }) => {
  const aoba = await (await browser.newContext()).newPage();
  await login(aoba, 'aoba.operator');
  const aobaTenant = (await (await aoba.request.get('/api/v1/me')).json()).tenant.id;
  expect((await aoba.goto(`/t/${aobaTenant}/audit`))?.status()).toBe(404);
  const sakura = await (await browser.newContext()).newPage();
  await login(sakura, 'sakura.admin');
  expect((await sakura.goto(`/t/${aobaTenant}/audit`))?.status()).toBe(404);
});
