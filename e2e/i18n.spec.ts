import { expect, test } from '@playwright/test';
import { presentationSpec } from './helpers';

presentationSpec();

test('Accept-Language picks the default and the switcher changes it', async ({ browser }) => {
  const ja = await browser.newContext({ locale: 'ja-JP', extraHTTPHeaders: { 'accept-language': 'ja,en;q=0.5' } });
  const jaPage = await ja.newPage();
  await jaPage.goto('/login');
  await expect(jaPage.getByRole('heading', { level: 1 })).toHaveText('Mamori にログイン');
  await expect(jaPage.locator('html')).toHaveAttribute('lang', 'ja');
  await ja.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in to Mamori');
  await page.getByRole('button', { name: '日本語' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mamori にログイン');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mamori にログイン');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in to Mamori');
  await context.close();
});

test('an unknown locale cookie falls back instead of failing', async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'mamori.locale', value: 'xx-<script>', url: baseURL! }]);
  const page = await context.newPage();
  const res = await page.goto('/login');
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in to Mamori');
  await context.close();
});
