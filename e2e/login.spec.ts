import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, login, logout } from './helpers';

test('log in, see who I am and my previous login, log out', async ({ page }) => {
  // Nothing else logs in as this operator, so this is their first login.
  await login(page, 'hikari.operator');
  await expect(page.getByTestId('tenant-name')).toHaveText('株式会社ひかりテキスタイル');
  await expect(page.getByTestId('previous-login')).toContainText('first login');
  await logout(page);
  await expect(page).toHaveURL(/\/login$/);

  await login(page, 'hikari.operator');
  // The banner now names the previous login: when (JST) and from where.
  await expect(page.getByTestId('previous-login')).toContainText('JST');
  await expect(page.getByTestId('previous-login')).toContainText('IP 127.0.0.1');
});

test('a wrong password gets the same generic error as an unknown login ID', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Login ID').fill('sakura.admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  const alert = page.getByTestId('login-error');
  await expect(alert).toBeVisible();
  const wrongPassword = await alert.textContent();

  await page.getByLabel('Login ID').fill('nobody.at.all');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(alert).toHaveText(wrongPassword!);
  await expect(page).toHaveURL(/\/login$/);
  expect(DEMO_PASSWORD).not.toBe('not-the-password');
});
