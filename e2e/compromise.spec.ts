import { expect, test } from '@playwright/test';
import {
  changePassword,
  clickSensitive,
  ensureTotp,
  fetchFrom,
  firstLogin,
  login,
  newCompany,
  newOperator,
  openDialog,
} from './helpers';

const stamp = Date.now().toString(36);
const code = `cp-${stamp}`;
const adminLogin = `${code}.admin`;
const opLogin = `${code}.op`;

// A company of its own: compromise mode voids every credential in it.
test('a tenant admin declares compromise mode: sessions and tokens void, passwords changed after TOTP, progress shown, ended explicitly', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const staff = await (await browser.newContext()).newPage();
  await login(staff, 'platform.admin');
  const tenantId = await newCompany(staff, '株式会社侵害対応', code);
  const adminTemporary = await newOperator(staff, tenantId, adminLogin, '対応 一郎', 'tenant_admin');
  const opTemporary = await newOperator(staff, tenantId, opLogin, '対応 二郎');
  const { page: admin } = await firstLogin(browser, adminLogin, adminTemporary, 'first of many passwords');
  await ensureTotp(admin, adminLogin);
  const operator = await firstLogin(browser, opLogin, opTemporary, 'before the breach words');

  await admin.goto(`/t/${tenantId}/compromise`);
  const dialog = await openDialog(admin, admin.getByTestId('declare-compromise-open'));
  await expect(dialog).toContainText(
    'For 株式会社侵害対応, every credential issued before the chosen moment becomes void',
  );
  await dialog.getByLabel(/^Reason/).fill('backdoor found on the web server');
  await clickSensitive(admin, adminLogin, dialog.getByRole('button', { name: 'Declare compromise mode', exact: true }));
  await expect(dialog).toBeHidden();

  // The operator's session is gone at once.
  expect((await fetchFrom('127.0.0.1', '/api/v1/me', operator.cookie)).status).toBe(401);

  // The admin's own password predates the declaration too: the next page asks for a new one first.
  await admin.reload();
  await changePassword(admin, 'first of many passwords', 'after the breach, anew');
  await expect(admin).toHaveURL(new RegExp(`/t/${tenantId}/compromise`));
  const state = admin.getByTestId('compromise-state');
  await expect(state).toContainText('Compromise mode is in force');
  await expect(admin.getByTestId('compromise-voided')).toContainText('2 passwords');
  await expect(admin.getByTestId('compromise-tenant')).toContainText('1 / 2');
  // Nothing issued before it is still live (the admin's own session is kept, and not counted).
  await expect(admin.getByTestId('compromise-tenant').locator('td').nth(3)).toHaveText('0');

  // The operator signs in with the old password: it leads only to the change form.
  const again = await (await browser.newContext()).newPage();
  await again.goto('/login');
  await again.getByLabel('Login ID', { exact: true }).fill(opLogin);
  await again.getByLabel('Password', { exact: true }).fill('before the breach words');
  await again.getByRole('button', { name: 'Log in' }).click();
  await changePassword(again, 'before the breach words', 'after the breach, mine');
  await expect(again.getByTestId('whoami')).toContainText(opLogin);
  await admin.reload();
  await expect(admin.getByTestId('compromise-tenant').locator('td').nth(1)).toContainText('2 / 2');

  // Another company's admin cannot see it.
  const foreign = await (await browser.newContext()).newPage();
  await login(foreign, 'hikari.admin');
  expect((await foreign.goto(`/t/${tenantId}/compromise`))?.status()).toBe(404);

  // It ends only by an explicit step.
  const end = await openDialog(admin, admin.getByTestId('end-compromise-open'));
  await end.getByLabel(/^Reason/).fill('every credential re-established');
  await clickSensitive(admin, adminLogin, end.getByRole('button', { name: 'End compromise mode', exact: true }));
  await expect(end).toBeHidden();
  await expect(state).toContainText(`ended`);
  await expect(admin.getByTestId('declare-compromise-open')).toBeVisible();
});
