import { expect, test } from '@playwright/test';
import { login } from './helpers';

async function tenantIdOf(browser: import('@playwright/test').Browser, loginId: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, loginId);
  const me = await (await context.request.get('/api/v1/me')).json();
  await context.close();
  return me.tenant.id as string;
}

test("an operator of tenant A opening tenant B's page gets 404, like a tenant that does not exist", async ({
  browser,
  page,
}) => {
  const aobaId = await tenantIdOf(browser, 'aoba.admin');
  await login(page, 'sakura.admin');

  const own = await page.request.get('/api/v1/me');
  const sakuraId = (await own.json()).tenant.id;
  const ownPage = await page.goto(`/t/${sakuraId}`);
  expect(ownPage?.status()).toBe(200);
  await expect(page.getByTestId('tenant-title')).toHaveText('株式会社さくらアパレル');

  const foreign = await page.goto(`/t/${aobaId}`);
  expect(foreign?.status()).toBe(404);
  await expect(page.getByText('This page does not exist, or you do not have access to it.')).toBeVisible();
  await expect(page.getByText('株式会社あおばファッション')).toHaveCount(0);

  const missing = await page.goto('/t/00000000-0000-4000-8000-000000000001');
  expect(missing?.status()).toBe(404);
  const junk = await page.goto('/t/not-a-uuid');
  expect(junk?.status()).toBe(404);

  const apiForeign = await page.request.get(`/api/v1/tenants/${aobaId}`);
  const apiMissing = await page.request.get('/api/v1/tenants/00000000-0000-4000-8000-000000000001');
  expect(apiForeign.status()).toBe(404);
  expect(apiMissing.status()).toBe(404);
  expect(await apiForeign.text()).toBe(await apiMissing.text());
});

test('tenant operators cannot open the platform tenants page; platform staff see every tenant', async ({
  page,
  browser,
}) => {
  await login(page, 'sakura.operator');
  expect((await page.goto('/platform/tenants'))?.status()).toBe(404);

  const staff = await browser.newContext();
  const staffPage = await staff.newPage();
  await login(staffPage, 'platform.auditor');
  await staffPage.goto('/platform/tenants');
  // 43 demo tenants, plus any another test created: one page of 50 holds them all.
  expect(await staffPage.getByTestId('tenant-row').count()).toBeGreaterThanOrEqual(43);
  await staffPage.getByRole('link', { name: '株式会社あおばファッション' }).click();
  await expect(staffPage.getByTestId('tenant-title')).toHaveText('株式会社あおばファッション');
  await staff.close();
});
