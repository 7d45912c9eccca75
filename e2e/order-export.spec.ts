import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { clickSensitive, enrollTotp, hasTotp, login } from './helpers';

test('an admin exports order history after seeing its contents and a step-up; the audit trail shows the export with its row count, and platform staff see the alert', async ({ browser }) => {
  const { parseCsv } = await import('../lib/http/csv');
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await login(page, 'sakura.admin');
  if (!hasTotp('sakura.admin')) await enrollTotp(page, 'sakura.admin');
  const me = await (await page.request.get('/api/v1/me')).json();
  await page.goto(`/t/${me.tenant.id}`);
  await page.getByTestId('site').filter({ hasText: '公式オンラインストア' }).getByTestId('site-export').click();
  await expect(page.getByRole('heading', { name: 'Export order history' })).toBeVisible();

  // What the file will contain, before anything is produced.
  await page.getByTestId('col-customer_name').check();
  await page.getByTestId('col-customer_phone').check();
  await page.getByRole('button', { name: 'Show what the file will contain' }).click();
  await expect(page.getByTestId('export-summary')).toHaveText('1,558 orders, 1,095 customers. Includes names, phone numbers.');

  await page.getByLabel('Reason (recorded)').fill('Carrier asked for the list of shipments to check a missing parcel');
  await clickSensitive(page, 'sakura.admin', page.getByRole('button', { name: 'Request export' }));
  await expect(page.getByTestId('export-requested')).toContainText('Ready');

  await page.reload();
  const row = page.getByTestId('export-row').first();
  await expect(row.getByTestId('export-status')).toHaveText('Ready');
  const downloading = page.waitForEvent('download');
  await clickSensitive(page, 'sakura.admin', row.getByRole('button', { name: 'Download' }));
  const download = await downloading;
  const table = parseCsv(readFileSync((await download.path())!, 'utf8'));
  expect(table[0]).toEqual(['order_no', 'status', 'ordered_at', 'customer_name', 'customer_phone', 'amount', 'tracking_no']);
  expect(table).toHaveLength(1 + 1558);

  await page.goto(`/t/${me.tenant.id}/audit?action=orders.exported`);
  await expect(page.getByTestId('audit-action').first()).toHaveText('orders.exported');
  await page.getByTestId('audit-action').first().click();
  await expect(page.getByTestId('audit-detail').first()).toContainText('"rows": 1558');

  // The first login from this address was within 24 hours: platform staff see the alert.
  const staff = await (await browser.newContext()).newPage();
  await login(staff, 'platform.admin');
  await expect(staff.getByTestId('alert').filter({ hasText: 'new IP address' }).first()).toContainText('sakura.admin');
});

test("another company's admin gets 404 for the export page and the download", async ({ browser }) => {
  const sakura = await (await browser.newContext()).newPage();
  await login(sakura, 'sakura.admin');
  const sakuraTenant = (await (await sakura.request.get('/api/v1/me')).json()).tenant.id;
  await sakura.goto(`/t/${sakuraTenant}`);
  const exportUrl = (await sakura.getByTestId('site-export').first().getAttribute('href'))!;
  const aoba = await (await browser.newContext()).newPage();
  await login(aoba, 'aoba.admin');
  expect((await aoba.goto(exportUrl))?.status()).toBe(404);
  const download = await aoba.request.get(`/api/v1/tenants/${sakuraTenant}/order-exports/${crypto.randomUUID()}/download`);
  expect(download.status()).toBe(404);
  // An operator without the export permission gets 404 in their own company too.
  const operator = await (await browser.newContext()).newPage();
  await login(operator, 'sakura.operator');
  expect((await operator.goto(exportUrl))?.status()).toBe(404);
});
