import { expect, test } from '@playwright/test';
import {
  clickSensitive,
  confirmAction,
  ensureTotp,
  fetchFrom,
  firstLogin,
  login,
  newCompany,
  newOperator,
  openDialog,
  problem,
} from './helpers';

const stamp = Date.now().toString(36);
const code = `ct-${stamp}`;
const adminLogin = `${code}.admin`;
const opLogin = `${code}.op`;
const PLATFORM = '00000000-0000-0000-0000-000000000000';

// A company of its own: its operator's address gets blocked, which no other test may meet.
test('from a pivot in the audit trail, an admin ends a session and blocks an address; both hold on the next request', async ({
  browser,
}) => {
  // A company, two first sign-ins and several second factors (each waits for a fresh 30-s step).
  test.setTimeout(240_000);
  const staff = await (await browser.newContext()).newPage();
  await login(staff, 'platform.admin');
  const tenantId = await newCompany(staff, '株式会社封じ込め商事', code);
  const adminTemporary = await newOperator(staff, tenantId, adminLogin, '封じ 花子', 'tenant_admin');
  const opTemporary = await newOperator(staff, tenantId, opLogin, '込め 次郎');
  const { page: admin } = await firstLogin(browser, adminLogin, adminTemporary, 'hold the line firmly');
  await ensureTotp(admin, adminLogin);
  const first = await firstLogin(browser, opLogin, opTemporary, 'one session too many');
  // The same session used from a second address (a stolen cookie).
  expect((await fetchFrom('127.0.0.9', '/api/v1/me', first.cookie)).status).toBe(200);

  // The operator's sign-in, found in the trail; its session pivot names the session and ends it.
  await admin.goto(`/t/${tenantId}/audit?action=login.succeeded&actor=${opLogin}`);
  await admin.getByRole('link', { name: 'session', exact: true }).first().click();
  await expect(admin.getByTestId('pivot-session')).toContainText(`込め 次郎 (${opLogin})`);
  await expect(admin.getByTestId('pivot-session')).toContainText('Still live.');
  // What it touched, counted: here only the sign-in, by this login ID, at no site.
  await expect(admin.getByTestId('radius-row')).toHaveCount(1);
  await expect(admin.getByTestId('radius-row')).toContainText(opLogin);
  const csv = await admin.request.get((await admin.getByTestId('radius-csv').getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain(`site,${tenantId},株式会社封じ込め商事,,,${opLogin},0,0`);
  // The same as a report laid out like a notice's facts, to print or file.
  await admin.getByTestId('radius-report-link').click();
  await expect(admin.getByRole('heading', { name: 'Blast-radius report' })).toBeVisible();
  await expect(admin.getByTestId('radius-report')).toContainText(`1 company, 0 sites; 1 login ID was used`);
  await expect(admin.getByTestId('report-facts')).toContainText('Order history exported: 0 rows in 0 files');
  await admin.goBack();
  await confirmAction(admin, admin.getByRole('button', { name: 'End this session' }), {
    reason: 'session used from a second address',
    loginId: adminLogin,
  });
  // The page shows the session as it now is (a live region, so it is also heard).
  await expect(admin.getByTestId('pivot-session')).toContainText('Already ended.');
  expect((await fetchFrom('127.0.0.1', '/api/v1/me', first.cookie)).status).toBe(401);
  await expect(admin.getByRole('button', { name: 'End this session' })).toHaveCount(0);

  // The address: pivot on it, block it for a week.
  await admin.goto(`/t/${tenantId}/audit`);
  await admin.getByLabel('IP address').fill('127.0.0.9');
  await admin.getByRole('button', { name: 'Search' }).click();
  await expect(admin.getByTestId('contain')).toContainText('Address 127.0.0.9.');
  const dialog = await openDialog(admin, admin.getByTestId('pivot-block-open'));
  await expect(dialog).toContainText("株式会社封じ込め商事's operators and tokens is refused");
  await dialog.getByLabel('For').selectOption('168');
  await dialog.getByLabel(/^Reason/).fill('the stolen cookie came from here');
  await clickSensitive(admin, adminLogin, dialog.getByRole('button', { name: 'Block this address', exact: true }));
  await expect(dialog).toBeHidden();
  await expect(admin.getByTestId('pivot-blocked')).toContainText('Blocked 127.0.0.9');

  // A new session of the operator: refused from the blocked address, fine from another.
  const operator = await (await browser.newContext()).newPage();
  await login(operator, opLogin, 'one session too many');
  const cookie = (await operator.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const refused = await fetchFrom('127.0.0.9', '/api/v1/me', cookie);
  expect(refused.status).toBe(403);
  expect(JSON.parse(refused.body)).toEqual(problem('ip_denied', 403));
  expect((await fetchFrom('127.0.0.5', '/api/v1/me', cookie)).status).toBe(200);

  // Platform staff see the address across tenants, with this company among them.
  await staff.goto(`/t/${PLATFORM}/audit?across=all&ip=127.0.0.9`);
  const here = staff.getByTestId('across-tenant').filter({ hasText: code });
  await expect(here).toContainText('Access refused from this address');
  await expect(staff.getByTestId('across-rows')).toContainText('株式会社封じ込め商事');

  // The block is listed beside the allowlist and lifted there; the address is let in again.
  await admin.goto(`/t/${tenantId}/ip-allowlist`);
  const row = admin.getByTestId('block-row').filter({ hasText: '127.0.0.9/32' });
  await expect(row).toContainText('the stolen cookie came from here');
  await expect(row).toContainText('Blocked');
  await confirmAction(admin, row.getByRole('button', { name: 'Lift' }), { reason: 'contained', loginId: adminLogin });
  await expect(row).toContainText(`Lifted by ${adminLogin}`);
  expect((await fetchFrom('127.0.0.9', '/api/v1/me', cookie)).status).toBe(200);
});
