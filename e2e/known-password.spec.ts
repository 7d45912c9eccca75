import { expect, test } from '@playwright/test';
import { clickSensitive, confirmAction, ensureTotp, login } from './helpers';

const stamp = Date.now().toString(36);

test('the right password from a refused network raises an alert; the admin contains it in one action', async ({
  browser,
}) => {
  const admin = await (await browser.newContext()).newPage();
  await login(admin, 'sakura.admin');
  await ensureTotp(admin, 'sakura.admin');
  const me = await (await admin.request.get('/api/v1/me')).json();

  // An operator of the company whose own list admits a branch office only (not this browser's address).
  const loginId = `sakura.branch.${stamp}`;
  await admin.goto(`/t/${me.tenant.id}/operators/new`);
  await admin.getByLabel('Login ID', { exact: true }).fill(loginId);
  await admin.getByLabel('Name', { exact: true }).fill('支店 次郎');
  await clickSensitive(admin, 'sakura.admin', admin.getByRole('button', { name: 'Create operator' }));
  const temporary = (await admin.getByTestId('temporary-password').textContent())!.trim();
  await admin.goto(`/t/${me.tenant.id}?q=${loginId}`);
  await admin.getByRole('link', { name: loginId }).click();
  await admin.getByRole('main').getByRole('link', { name: 'IP allowlist →' }).click();
  await admin.getByLabel(/Allowed networks/).fill('127.0.0.5 branch office');
  await clickSensitive(admin, 'sakura.admin', admin.getByRole('button', { name: 'Save list' }));
  await expect(admin.getByTestId('allowlist-editor')).toContainText('Saved 1 entries');

  // Someone with the password, from elsewhere: refused, and the company is told.
  const intruder = await (await browser.newContext()).newPage();
  await intruder.goto('/login');
  await intruder.getByLabel('Login ID', { exact: true }).fill(loginId);
  await intruder.getByLabel('Password', { exact: true }).fill(temporary);
  await intruder.getByRole('button', { name: 'Log in' }).click();
  await expect(intruder).toHaveURL(/\/login\/blocked/);

  await admin.goto('/');
  const alert = admin.getByTestId('alert').filter({ hasText: loginId });
  await expect(alert).toContainText('The right password from a refused network');
  await expect(alert.getByTestId('alert-detail')).toContainText('From 127.0.0.1, which the operator list refused');
  await confirmAction(admin, alert.getByRole('button', { name: 'Require a new password and end sessions' }), {
    reason: 'password used from an unknown network',
    loginId: 'sakura.admin',
    confirm: 'Require a new password and end sessions',
  });
  // The alert is handled: marked as checked by the admin who acted.
  await expect(alert).toContainText('checked by sakura.admin');
  await expect(alert.getByRole('button')).toHaveCount(0);

  // The trail says what was done and why, against the alert.
  await admin.goto(`/t/${me.tenant.id}/audit?action=password.change_forced`);
  await admin.getByTestId('audit-action').first().click();
  await expect(admin.getByTestId('audit-detail').first()).toContainText('password used from an unknown network');
});
