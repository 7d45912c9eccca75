import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  DEMO_PASSWORD,
  clickSensitive,
  enrollTotp,
  ensureTotp,
  login,
  logout,
  nextCode,
  rememberSecret,
} from './helpers';

const stamp = Date.now().toString(36);

async function passwordStep(page: import('@playwright/test').Page, loginId: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Login ID', { exact: true }).fill(loginId);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('enroll TOTP from the key on the page, log in with it, a recovery code works once', async ({ page }) => {
  await login(page, 'hikari.admin');
  const codes = await enrollTotp(page, 'hikari.admin');
  await expect(page.getByTestId('whoami')).toContainText('hikari.admin');

  await logout(page);
  // The logout finishes on the sign-in page; navigating sooner would cut it short.
  await expect(page).toHaveURL(/\/login$/);
  await passwordStep(page, 'hikari.admin');
  await expect(page).toHaveURL(/\/login\/verify$/);
  // Nothing is reachable between the two steps.
  expect((await page.request.get('/api/v1/me')).status()).toBe(401);
  await page.getByLabel('Code', { exact: true }).fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('verify-error')).toContainText('not valid');
  await page.getByLabel('Code', { exact: true }).fill(await nextCode('hikari.admin'));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('whoami')).toContainText('hikari.admin');

  await logout(page);
  // The logout finishes on the sign-in page; navigating sooner would cut it short.
  await expect(page).toHaveURL(/\/login$/);
  await passwordStep(page, 'hikari.admin');
  await page.getByLabel('Code', { exact: true }).fill(codes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('whoami')).toContainText('hikari.admin');
  await logout(page);
  // The logout finishes on the sign-in page; navigating sooner would cut it short.
  await expect(page).toHaveURL(/\/login$/);
  await passwordStep(page, 'hikari.admin');
  await page.getByLabel('Code', { exact: true }).fill(codes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('verify-error')).toContainText('not valid');
});

test('an enforced tenant holds an unenrolled operator on the enrollment page; a sensitive action asks for step-up, then completes', async ({
  browser,
}) => {
  // It waits out the 20-second step-up window on purpose.
  test.setTimeout(150_000);
  const admin = await (await browser.newContext()).newPage();
  await login(admin, 'hikari.admin');
  await ensureTotp(admin, 'hikari.admin');
  const me = await (await admin.request.get('/api/v1/me')).json();

  // A new operator of the company, for this test only.
  await admin.goto(`/t/${me.tenant.id}/operators/new`);
  await admin.getByLabel('Login ID', { exact: true }).fill(`hikari.mfa.${stamp}`);
  await admin.getByLabel('Name', { exact: true }).fill('二要素 太郎');
  await clickSensitive(admin, 'hikari.admin', admin.getByRole('button', { name: 'Create operator' }));
  const temporary = (await admin.getByTestId('temporary-password').textContent())!.trim();

  await admin.goto(`/t/${me.tenant.id}/security`);
  await admin.getByTestId('totp-policy').getByLabel('Require TOTP for every operator').check();
  await admin
    .getByTestId('totp-policy')
    .getByLabel(/Grace period/)
    .fill('0');
  await clickSensitive(admin, 'hikari.admin', admin.getByTestId('totp-policy').getByRole('button', { name: 'Save' }));
  await expect(admin.getByTestId('totp-policy')).toContainText('Saved.');

  const op = await (await browser.newContext()).newPage();
  await passwordStep(op, `hikari.mfa.${stamp}`, temporary);
  await expect(op).toHaveURL(/\/account\/password$/);
  await op.getByLabel('Current password').fill(temporary);
  await op.getByLabel('New password', { exact: true }).fill('amber kites over harbour');
  await op.getByLabel('New password again').fill('amber kites over harbour');
  await op.getByRole('button', { name: 'Change password' }).click();
  await expect(op).toHaveURL(/\/account\/mfa$/);
  await expect(op.getByTestId('must-enroll')).toBeVisible();
  await op.goto('/account/sessions');
  await expect(op).toHaveURL(/\/account\/mfa$/);
  expect((await op.request.get('/api/v1/me')).status()).toBe(403);

  // Past the (short, in tests) step-up window, turning enforcement off asks for a fresh code.
  await admin.waitForTimeout(21_000);
  await admin.reload();
  await admin.getByTestId('totp-policy').getByLabel('Require TOTP for every operator').uncheck();
  await admin.getByTestId('totp-policy').getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByTestId('step-up')).toBeVisible();
  // The code field takes the place of the form's button and has focus; a wrong code is announced.
  await expect(admin.getByTestId('step-up').locator('input')).toBeFocused();
  await expect(admin.getByTestId('totp-policy').getByRole('button', { name: 'Save' })).toHaveCount(0);
  await admin.keyboard.type('000000');
  await admin.keyboard.press('Enter');
  await expect(admin.getByTestId('step-up').getByRole('alert')).toHaveText(/not valid|not correct|wrong/i);
  await expect(admin.getByTestId('step-up').locator('input')).toBeFocused();
  await admin
    .getByTestId('step-up')
    .locator('input')
    .fill(await nextCode('hikari.admin'));
  await admin.getByTestId('step-up').getByRole('button').click();
  await expect(admin.getByTestId('totp-policy')).toContainText('Saved.');
  await op.goto('/');
  await expect(op.getByTestId('whoami')).toContainText(`hikari.mfa.${stamp}`);
});

test('TOTP is on by default: an operator without it sees the deadline on every page; the admin sees each factor and the progress', async ({
  browser,
}) => {
  const op = await (await browser.newContext()).newPage();
  await login(op, 'aoba.operator');
  for (const path of ['/', '/account/sessions', '/account/password']) {
    await op.goto(path);
    await expect(op.getByTestId('mfa-grace-banner')).toContainText(
      /Set it up by \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} JST/,
    );
  }
  await op.getByTestId('mfa-grace-banner').getByRole('link', { name: 'Set it up now' }).click();
  await expect(op).toHaveURL(/\/account\/mfa$/);

  const admin = await (await browser.newContext()).newPage();
  await login(admin, 'aoba.admin');
  const me = await (await admin.request.get('/api/v1/me')).json();
  await admin.goto(`/t/${me.tenant.id}`);
  await expect(admin.getByTestId('mfa-enrollment')).toContainText(
    /\d+ of \d+ active operators use an authenticator app/,
  );
  await expect(admin.getByTestId('mfa-policy')).toContainText('Required for everyone');
  const opRow = admin.getByTestId('operator-row').filter({ hasText: 'aoba.operator' });
  await expect(opRow.getByTestId('operator-factor')).toContainText(/Not set up · \d+ days? left/);
});

test('enrollment is a stepper ending on the recovery codes: Done waits for the box, the download holds all ten', async ({
  browser,
}) => {
  const admin = await (await browser.newContext()).newPage();
  await login(admin, 'hikari.admin');
  await ensureTotp(admin, 'hikari.admin');
  const me = await (await admin.request.get('/api/v1/me')).json();

  // A new operator of the company, for this test only: nobody has enrolled it yet.
  const loginId = `hikari.codes.${stamp}`;
  await admin.goto(`/t/${me.tenant.id}/operators/new`);
  await admin.getByLabel('Login ID', { exact: true }).fill(loginId);
  await admin.getByLabel('Name', { exact: true }).fill('控え 花子');
  await clickSensitive(admin, 'hikari.admin', admin.getByRole('button', { name: 'Create operator' }));
  const temporary = (await admin.getByTestId('temporary-password').textContent())!.trim();

  const op = await (await browser.newContext()).newPage();
  await passwordStep(op, loginId, temporary);
  await expect(op).toHaveURL(/\/account\/password$/);
  await op.getByLabel('Current password').fill(temporary);
  await op.getByLabel('New password', { exact: true }).fill('amber kites over harbour');
  await op.getByLabel('New password again').fill('amber kites over harbour');
  await op.getByRole('button', { name: 'Change password' }).click();
  await op.waitForURL((u) => u.pathname !== '/account/password');
  await op.goto('/account/mfa');

  const steps = op.getByRole('list', { name: 'Set-up steps' }).getByRole('listitem');
  await expect(steps).toHaveCount(3);
  await expect(steps.nth(0)).toHaveAttribute('aria-current', 'step');
  await op.getByRole('button', { name: 'Set up authenticator app' }).click();
  await expect(op.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  rememberSecret(loginId, (await op.getByTestId('totp-key').textContent())!.replace(/\s/g, ''));
  await op.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(steps.nth(1)).toHaveAttribute('aria-current', 'step');
  await op.getByLabel('Code', { exact: true }).fill(await nextCode(loginId));
  await op.getByRole('button', { name: 'Confirm' }).click();

  // Only the last step is left: no QR code, key or code field next to the codes.
  await expect(steps.nth(2)).toHaveAttribute('aria-current', 'step');
  await expect(steps.nth(0)).not.toHaveAttribute('aria-current');
  await expect(op.getByRole('img', { name: 'QR code for your authenticator app' })).toHaveCount(0);
  await expect(op.getByTestId('totp-key')).toHaveCount(0);
  await expect(op.getByLabel('Code', { exact: true })).toHaveCount(0);
  await expect(op.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  const codes = await op.getByTestId('recovery-codes').locator('li').allTextContents();

  const done = op.getByRole('button', { name: 'Done', exact: true });
  await expect(done).toBeDisabled();
  const downloading = op.waitForEvent('download');
  await op.getByRole('button', { name: 'Download as text file' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('mamori-recovery-codes.txt');
  const [header, ...lines] = readFileSync(await download.path(), 'utf8')
    .trimEnd()
    .split('\n');
  expect(header).toContain(loginId);
  expect(lines).toEqual(codes);
  await expect(done).toBeDisabled();

  await op.getByLabel('I have saved these codes somewhere safe').check();
  await expect(done).toBeEnabled();
  await done.click();
  await expect(op).toHaveURL(/\/$/);
  await expect(op.getByTestId('whoami')).toContainText(loginId);
});
