import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { clickSensitive, enrollTotp, hasTotp, login } from './helpers';
import { slowLink } from './slow-link';
import { baseURL } from '../playwright.config';

test('an admin exports order history after seeing its contents and a step-up; the audit trail shows the export with its row count, and platform staff see the alert', async ({
  browser,
}) => {
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
  await expect(page.getByTestId('export-summary')).toHaveText(
    '1,558 orders, 1,095 customers. Includes names, phone numbers.',
  );

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
  expect(table[0]).toEqual([
    'order_no',
    'status',
    'ordered_at',
    'customer_name',
    'customer_phone',
    'amount',
    'tracking_no',
  ]);
  expect(table).toHaveLength(1 + 1558);

  await page.goto(`/t/${me.tenant.id}/audit?action=orders.exported`);
  await expect(page.getByTestId('audit-action-id').first()).toHaveText('orders.exported');
  await page.getByTestId('audit-action').first().click();
  await expect(page.getByTestId('audit-detail').first().locator('[data-detail="rows"] dd')).toHaveText('1558');

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
  const download = await aoba.request.get(
    `/api/v1/tenants/${sakuraTenant}/order-exports/${crypto.randomUUID()}/download`,
  );
  expect(download.status()).toBe(404);
  // An operator without the export permission gets 404 in their own company too.
  const operator = await (await browser.newContext()).newPage();
  await login(operator, 'sakura.operator');
  expect((await operator.goto(exportUrl))?.status()).toBe(404);
});

// On loopback a socket takes ~4 MB before the server feels any back-pressure, and the response is
// compressed, so only a large export can still be leaving the server when the browser gives up. The test makes one with SQL
// beside the console, which only PostgreSQL allows (the embedded database belongs to the server
// process); the abort over real HTTP is covered on both backends by the integration tests.
test('a download the admin cancels half-way is on record with what had left, and raises an alert', async ({
  browser,
}) => {
  const url = process.env.MAMORI_E2E_DATABASE_URL;
  test.skip(!url, 'needs PostgreSQL to make a 200,000-order site beside the console');
  const { Client } = await import('pg');
  const sql = new Client({ connectionString: url });
  await sql.connect();
  // A company no other test uses: its first admin, and its main site grown to 200,040 orders (~80 MB with every column).
  const {
    rows: [company],
  } = await sql.query<{ tenant_id: string; site_id: string; login_id: string }>(
    `select t.id as tenant_id, s.id as site_id, o.login_id from tenants t
       join sites s on s.tenant_id = t.id and s.code = 'main'
       join operators o on o.tenant_id = t.id and o.role = 'tenant_admin'
      where t.kind = 'tenant' and o.login_id not like all (array['sakura.%', 'aoba.%', 'hikari.%'])
      order by t.code, o.login_id limit 1`,
  );
  // Copies of its orders, each with a comment of its own: repeated rows would compress to almost nothing.
  const columns = (
    await sql.query<{ name: string }>(
      `select column_name as name from information_schema.columns where table_name = 'orders' and column_name not in ('id', 'order_no', 'customer_comment')`,
    )
  ).rows
    .map((r) => r.name)
    .join(', ');
  await sql.query(
    `insert into orders (id, order_no, customer_comment, ${columns})
     select gen_random_uuid(), order_no || '-' || g, md5(random()::text) || md5(random()::text) || md5(random()::text), ${columns}
       from orders, generate_series(1, 5000) g where tenant_id = $1 and site_id = $2`,
    [company.tenant_id, company.site_id],
  );
  await sql.query(`update tenants set order_export_daily_quota = 1000000 where id = $1`, [company.tenant_id]);
  const {
    rows: [{ planned }],
  } = await sql.query<{ planned: number }>(
    `select count(*)::int as planned from orders where tenant_id = $1 and site_id = $2`,
    [company.tenant_id, company.site_id],
  );
  await sql.end();

  const link = await slowLink(16 * 1024);
  const page = await (await browser.newContext({ acceptDownloads: true, baseURL: link.url })).newPage();
  await login(page, company.login_id);
  if (!hasTotp(company.login_id)) await enrollTotp(page, company.login_id);
  await page.goto(`/t/${company.tenant_id}`);
  await page.getByTestId('site').filter({ hasText: '公式オンラインストア' }).getByTestId('site-export').click();
  await expect(page.getByTestId('col-customer_name')).toBeVisible();
  for (const box of await page.locator('[data-testid^="col-"]').all()) await box.check();
  await page.getByRole('button', { name: 'Show what the file will contain' }).click();
  await page
    .getByLabel('Reason (recorded)')
    .fill('Address list for the courier, cancelled when the wrong columns were seen');
  await clickSensitive(page, company.login_id, page.getByRole('button', { name: 'Request export' }));
  await expect(page.getByTestId('export-requested')).toContainText('Ready');
  await page.reload();

  // The line turns slow (16 KB/s) as the download starts, and the admin cancels it at once: the
  // server sees the connection go while rows are still being sent.
  link.slowDown();
  const downloading = page.waitForEvent('download');
  await clickSensitive(
    page,
    company.login_id,
    page.getByTestId('export-row').first().getByRole('button', { name: 'Download' }),
  );
  const download = await downloading;
  await download.cancel();
  expect(await download.failure()).toBe('canceled');
  link.close();

  // Straight to the console from here (cookies do not depend on the port). The abort is written
  // when the server notices the closed connection: look until it is there.
  await expect(async () => {
    await page.goto(`${baseURL}/t/${company.tenant_id}/audit?action=orders.export_aborted`);
    await expect(page.getByTestId('audit-action-id').first()).toHaveText('orders.export_aborted', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await page.getByTestId('audit-action').first().click();
  const detail = page.getByTestId('audit-detail').first();
  await expect(detail.locator('[data-detail="cause"] dd')).toHaveText('client_closed');
  await expect(detail.locator('[data-detail="rowsPlanned"] dd')).toHaveText(String(planned));
  const sent = Number(await detail.locator('[data-detail="rowsSent"] dd').textContent());
  expect(sent).toBeGreaterThan(0);
  expect(sent).toBeLessThan(planned);
  await page.goto(`${baseURL}/t/${company.tenant_id}/audit?action=orders.exported`);
  await expect(page.getByTestId('audit-filters')).toBeVisible();
  await expect(page.getByTestId('audit-row')).toHaveCount(0);
  // Names and addresses left: the company's alerts say so.
  await page.goto(`${baseURL}/`);
  await expect(page.locator('[data-testid="alert"][data-rule="export_aborted"]').first()).toContainText(
    'Order export stopped short after personal data had left',
  );
});
