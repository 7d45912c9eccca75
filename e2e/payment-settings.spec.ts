import { expect, test, type Browser, type Page } from '@playwright/test';
import { clickSensitive, enrollTotp, hasTotp, login } from './helpers';

/** Logs in as sakura.admin (with TOTP, for the step-up) and opens the main site's payment page. */
async function openSakuraPayment(browser: Browser): Promise<{ page: Page; tenantId: string; url: string }> {
  const page = await (await browser.newContext()).newPage();
  await login(page, 'sakura.admin');
  if (!hasTotp('sakura.admin')) await enrollTotp(page, 'sakura.admin');
  const tenantId = (await (await page.request.get('/api/v1/me')).json()).tenant.id as string;
  await page.goto(`/t/${tenantId}`);
  await page.getByTestId('site').filter({ hasText: '公式オンラインストア' }).getByTestId('site-payment').click();
  await expect(page).toHaveURL(/\/sites\/[0-9a-f-]{36}\/payment$/);
  await expect(page.getByTestId('payment-title')).toContainText('Payment settings');
  return { page, tenantId, url: new URL(page.url()).pathname };
}

test('an admin reveals a payment secret after a step-up and with a reason; it hides after 30 seconds and is audited', async ({
  browser,
}) => {
  const { page, tenantId } = await openSakuraPayment(browser);
  // The browser's clock is driven by the test from here, so the 30 seconds need not be waited out.
  await page.clock.install();
  await page.reload();
  const masked = (await page.getByTestId('masked-secret').textContent())!.trim();
  expect(masked).toMatch(/^•{8}.{4}$/);

  await page.getByTestId('reveal-secret').click();
  const form = page.getByTestId('reveal-form');
  // Without a reason nothing is revealed.
  await form.getByRole('button', { name: 'Show for 30 seconds' }).click();
  await expect(page.getByTestId('revealed-value')).toHaveCount(0);
  await form.getByLabel('Reason for revealing').fill('Gateway support asked us to confirm the hash key');
  await clickSensitive(page, 'sakura.admin', form.getByRole('button', { name: 'Show for 30 seconds' }));

  const value = page.getByTestId('revealed-value');
  await expect(value).toBeVisible();
  // From here the browser's clock stands still unless the test moves it.
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));
  const secret = (await value.textContent())!.trim();
  expect(secret.length).toBeGreaterThan(8);
  expect(secret.endsWith(masked.slice(-4))).toBe(true);
  await expect(page.getByTestId('reveal-countdown')).toContainText(/Hidden again in \d+ s/);
  expect(page.url()).not.toContain(secret);
  const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
  expect(stored).not.toContain(secret);

  await page.clock.fastForward(26_000);
  await expect(page.getByTestId('reveal-countdown')).toContainText(/Hidden again in [1-3] s/);
  await expect(value).toBeVisible();
  await page.clock.fastForward(4_000);
  await expect(value).toBeHidden();
  await expect(page.getByTestId('reveal-hidden')).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);

  await page.goto(`/t/${tenantId}/audit?action=payment_settings.revealed`);
  await expect(page.getByTestId('audit-action-id').first()).toHaveText('payment_settings.revealed');
  await page.goto(`/t/${tenantId}`);
  await expect(page.getByTestId('payment-change').first()).toContainText('revealed the secret');
});

test("another company's admin gets 404 on the payment page, and so does an operator without the permission", async ({
  browser,
}) => {
  // Three logins with TOTP codes, each code usable once: allow for waiting on the next time step.
  test.setTimeout(120_000);
  const { url } = await openSakuraPayment(browser);
  const aoba = await (await browser.newContext()).newPage();
  await login(aoba, 'aoba.admin');
  const response = await aoba.goto(url);
  expect(response?.status()).toBe(404);
  await expect(aoba.getByTestId('masked-secret')).toHaveCount(0);
  const operator = await (await browser.newContext()).newPage();
  await login(operator, 'sakura.operator');
  expect((await operator.goto(url))?.status()).toBe(404);
});
