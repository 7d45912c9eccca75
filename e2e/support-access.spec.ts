import { expect, test, type Browser } from '@playwright/test';
import { clickSensitive, enrollTotp, hasTotp, login } from './helpers';

async function tenantAndSite(browser: Browser, loginId: string) {
  const page = await (await browser.newContext()).newPage();
  await login(page, loginId);
  const me = await (await page.request.get('/api/v1/me')).json();
  await page.goto(`/t/${me.tenant.id}`);
  const orders = (await page.getByTestId('site-orders').first().getAttribute('href'))!;
  await page.context().close();
  return { tenantId: me.tenant.id as string, ordersPath: orders, membersPath: orders.replace(/orders$/, 'members') };
}

test("customer data is the tenant's: platform staff need the tenant admin's grant, each use is audited and shown to the tenant, and revoking ends it", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const aoba = await tenantAndSite(browser, 'aoba.admin');
  const sakura = await tenantAndSite(browser, 'sakura.admin');

  // Without a grant: no links, and the pages are the same 404 as a missing tenant, for both staff roles.
  const staff = await (await browser.newContext()).newPage();
  await login(staff, 'platform.admin');
  await staff.goto(`/t/${aoba.tenantId}`);
  await expect(staff.getByTestId('tenant-title')).toBeVisible();
  await expect(staff.getByTestId('site-orders')).toHaveCount(0);
  await expect(staff.getByTestId('site-payment')).toHaveCount(0);
  expect((await staff.goto(aoba.ordersPath))?.status()).toBe(404);
  expect((await staff.goto(aoba.membersPath))?.status()).toBe(404);
  const auditor = await (await browser.newContext()).newPage();
  await login(auditor, 'platform.auditor');
  expect((await auditor.goto(aoba.ordersPath))?.status()).toBe(404);

  // The company's admin grants the platform team orders for one hour (a step-up, a reason).
  const admin = await (await browser.newContext()).newPage();
  await login(admin, 'aoba.admin');
  if (!hasTotp('aoba.admin')) await enrollTotp(admin, 'aoba.admin');
  await admin.goto(`/t/${aoba.tenantId}/security`);
  const form = admin.getByTestId('support-grant');
  await form.getByLabel('Who').selectOption({ label: 'The platform team (every platform admin)' });
  await form.getByLabel(/For how many hours/).fill('1');
  await form.getByLabel(/^Reason/).fill('問い合わせ 2026-1202: 二重請求の確認');
  // Nothing ticked: a message at the group, nothing granted.
  await clickSensitive(admin, 'aoba.admin', form.getByRole('button', { name: 'Grant access' }));
  await expect(form.getByTestId('error-scopes')).toHaveText('Choose at least 1.');
  await form.getByRole('checkbox', { name: /^Orders/ }).check();
  await clickSensitive(admin, 'aoba.admin', form.getByRole('button', { name: 'Grant access' }));
  await expect(form.getByTestId('form-success')).toContainText('Access granted.');
  await admin.reload();
  await expect(admin.getByTestId('support-grant-row').first()).toContainText('The platform team');

  // Now the staff member reads the orders (masked), and nothing else: members stay closed.
  await staff.goto(`/t/${aoba.tenantId}`);
  await expect(staff.getByTestId('site-orders').first()).toBeVisible();
  await expect(staff.getByTestId('site-members')).toHaveCount(0);
  expect((await staff.goto(aoba.ordersPath))?.status()).toBe(200);
  await expect(staff.getByTestId('order-row').first()).toBeVisible();
  expect((await staff.goto(aoba.membersPath))?.status()).toBe(404);
  // The grant is the one tenant's: the same staff member is still refused at another company.
  expect((await staff.goto(sakura.ordersPath))?.status()).toBe(404);
  // The auditor never sees customer data, grant or not.
  expect((await auditor.goto(aoba.ordersPath))?.status()).toBe(404);

  // The company sees it: a notice on the dashboard, an alert, and the uses in its own audit trail.
  await admin.goto('/');
  await expect(admin.getByTestId('support-notice')).toContainText('Platform support can read Orders');
  await expect(admin.locator('[data-testid="alert"][data-rule="support_access_used"]').first()).toBeVisible();
  await admin.goto(`/t/${aoba.tenantId}/audit?action=support_access.*`);
  const actions = await admin.getByTestId('audit-action-id').allTextContents();
  expect(actions).toContain('support_access.used');
  expect(actions).toContain('support_access.granted');

  // Ended by the admin: the staff member's next request is refused.
  await admin.goto(`/t/${aoba.tenantId}/security`);
  await admin.getByTestId('support-grant-row').first().getByRole('button', { name: 'End access' }).click();
  await expect(admin.getByTestId('support-grant-row').first()).toContainText('ended by aoba.admin');
  expect((await staff.goto(aoba.ordersPath))?.status()).toBe(404);
});
