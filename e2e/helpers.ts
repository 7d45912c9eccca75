import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'kanri-demo-2026';

export async function login(page: Page, loginId: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Login ID', { exact: true }).fill(loginId);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('whoami')).toContainText(loginId);
}
