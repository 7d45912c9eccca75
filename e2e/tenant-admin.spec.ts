import { expect, test, type Page } from '@playwright/test';
import { clickSensitive, confirmAction, enrollTotp, ensureTotp, login, openDialog } from './helpers';

const stamp = Date.now().toString(36);

async function loginWithTemporary(page: Page, loginId: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Login ID', { exact: true }).fill(loginId);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
}

async function changePassword(page: Page, current: string, next: string) {
  await page.getByLabel('Current password').fill(current);
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByLabel('New password again').fill(next);
  await page.getByRole('button', { name: 'Change password' }).click();
}

test('platform admin creates a tenant and its admin; the admin rotates the temporary password and creates an operator; suspension ends their sessions', async ({
  browser,
}) => {
  const staff = await (await browser.newContext()).newPage();
  await login(staff, 'platform.admin');
  await staff.goto('/platform/tenants/new');
  // Bad input first: field messages, nothing created.
  await staff.getByLabel('Company name').fill('株式会社ミナト衣料');
  await staff.getByLabel('Code (a-z, 0-9, -)').fill('Bad Code!');
  await staff.getByRole('button', { name: 'Create tenant' }).click();
  await expect(staff.getByTestId('error-code')).toHaveText('Not in the expected format.');
  await staff.getByLabel('Code (a-z, 0-9, -)').fill(`minato-${stamp}`);
  await staff.getByRole('button', { name: 'Create tenant' }).click();
  await expect(staff.getByTestId('tenant-title')).toHaveText('株式会社ミナト衣料');
  const tenantUrl = staff.url();

  await staff.getByRole('link', { name: 'New operator', exact: true }).click();
  await expect(staff.getByRole('heading', { name: 'New operator' })).toBeVisible();
  // Login IDs carry the company's code: the field starts with it.
  await expect(staff.getByLabel('Login ID', { exact: true })).toHaveValue(`minato-${stamp}.`);
  await expect(staff.getByTestId('login-id-hint')).toContainText(`minato-${stamp}.`);
  await staff.getByLabel('Login ID', { exact: true }).fill(`minato-${stamp}.admin`);
  await staff.getByLabel('Name', { exact: true }).fill('港 一郎');
  // Least privilege unless chosen: the form starts on the lowest role and warns about a higher one.
  await expect(staff.getByLabel('Role')).toHaveValue('tenant_operator');
  await expect(staff.getByTestId('elevated-role')).toHaveCount(0);
  await staff.getByLabel('Role').selectOption('tenant_admin');
  await expect(staff.getByTestId('elevated-role')).toContainText('Tenant admin is a higher role');
  await clickSensitive(staff, 'platform.admin', staff.getByRole('button', { name: 'Create operator' }));
  await expect(staff.getByTestId('form-success')).toContainText(`Created minato-${stamp}.admin as Tenant admin.`);
  const temporary = (await staff.getByTestId('temporary-password').textContent())!.trim();
  expect(temporary).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);

  // The same login ID again, in another case: a clear field message.
  await staff.getByLabel('Login ID', { exact: true }).fill(`MINATO-${stamp}.ADMIN`);
  await clickSensitive(staff, 'platform.admin', staff.getByRole('button', { name: 'Create operator' }));
  await expect(staff.getByTestId('error-loginId')).toHaveText('Already in use. Choose another.');
  // Another company's ID cannot even be tried here, so this form tells nothing about other companies.
  await staff.getByLabel('Login ID', { exact: true }).fill('sakura.admin');
  await clickSensitive(staff, 'platform.admin', staff.getByRole('button', { name: 'Create operator' }));
  await expect(staff.getByTestId('error-loginId')).toHaveText(
    'Must start with the company code and a dot, as filled in.',
  );

  // The new admin is held on the change-password page until the password is changed.
  const admin = await (await browser.newContext()).newPage();
  await loginWithTemporary(admin, `minato-${stamp}.admin`, temporary);
  await expect(admin.getByTestId('must-change')).toBeVisible();
  await admin.goto('/');
  await expect(admin).toHaveURL(/\/account\/password$/);
  expect((await admin.request.get('/api/v1/me')).status()).toBe(403);
  await changePassword(admin, temporary, 'short');
  await expect(admin.getByTestId('error-newPassword')).toContainText('At least 12 characters.');
  await changePassword(admin, temporary, 'quiet lanterns drift east');
  await expect(admin.getByTestId('whoami')).toContainText(`minato-${stamp}.admin`);
  // Creating operators needs a second factor: the new admin sets one up first.
  await enrollTotp(admin, `minato-${stamp}.admin`);

  // The admin creates an operator of their own company.
  await admin.goto(tenantUrl);
  await admin.getByRole('link', { name: 'New operator' }).click();
  await expect(admin.getByRole('heading', { name: 'New operator' })).toBeVisible();
  await admin.getByLabel('Login ID', { exact: true }).fill(`minato-${stamp}.op`);
  await admin.getByLabel('Name', { exact: true }).fill('港 花子');
  await clickSensitive(admin, `minato-${stamp}.admin`, admin.getByRole('button', { name: 'Create operator' }));
  await expect(admin.getByTestId('form-success')).toContainText(`Created minato-${stamp}.op as Operator.`);
  const opTemporary = (await admin.getByTestId('temporary-password').textContent())!.trim();
  const operator = await (await browser.newContext()).newPage();
  await loginWithTemporary(operator, `minato-${stamp}.op`, opTemporary);
  await changePassword(operator, opTemporary, 'violet ferries at dawn');
  await expect(operator.getByTestId('whoami')).toContainText(`minato-${stamp}.op`);

  // Platform admin suspends the tenant: the operator's open session is refused on its next click.
  await staff.goto(tenantUrl);
  // The dialog names the company and what suspension does before anything happens.
  await openDialog(staff, staff.getByRole('button', { name: 'Suspend' }));
  await expect(staff.getByRole('alertdialog')).toContainText('Nobody of 株式会社ミナト衣料 can log in');
  await staff.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(staff.getByRole('button', { name: 'Suspend' })).toBeFocused();
  await confirmAction(staff, staff.getByRole('button', { name: 'Suspend' }), {
    reason: 'credential leak 2026-11',
    loginId: 'platform.admin',
  });
  await expect(staff.getByTestId('tenant-suspended')).toContainText('credential leak 2026-11');
  await operator.goto('/account/sessions');
  await expect(operator).toHaveURL(/\/login\?ended=suspended&next=%2Faccount%2Fsessions$/);
  await expect(operator.getByTestId('session-ended')).toContainText('access to this console is suspended');
  await admin.reload();
  await expect(admin).toHaveURL(/\/login\?ended=suspended/);
});

test('a tenant admin disables an operator, whose next request is refused', async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await login(admin, 'aoba.admin');
  await ensureTotp(admin, 'aoba.admin');
  const me = await (await admin.request.get('/api/v1/me')).json();
  await admin.goto(`/t/${me.tenant.id}/operators/new`);
  await admin.getByLabel('Login ID', { exact: true }).fill(`aoba.temp.${stamp}`);
  await admin.getByLabel('Name', { exact: true }).fill('一時 利用者');
  await clickSensitive(admin, 'aoba.admin', admin.getByRole('button', { name: 'Create operator' }));
  const temporary = (await admin.getByTestId('temporary-password').textContent())!.trim();

  const op = await (await browser.newContext()).newPage();
  await loginWithTemporary(op, `aoba.temp.${stamp}`, temporary);

  await admin.goto(`/t/${me.tenant.id}?q=aoba.temp.${stamp}`);
  await admin.getByRole('link', { name: `aoba.temp.${stamp}` }).click();
  await confirmAction(admin, admin.getByRole('button', { name: 'Disable operator' }), { reason: 'contract ended' });
  await expect(admin.getByTestId('operator-actions')).toContainText('1 session ended.');
  await op.reload();
  await expect(op).toHaveURL(/\/login\?ended=disabled/);
  await expect(op.getByTestId('session-ended')).toContainText('Your account is disabled');

  // The last admin guard: an admin cannot disable or demote themselves.
  await admin.goto(`/t/${me.tenant.id}/operators/${me.operatorId}`);
  await expect(admin.getByTestId('role-form')).toHaveCount(0);
});
