import { expect, test, type Browser } from '@playwright/test';
import { login } from './helpers';

/** Logs in as a sakura login and returns the main site's orders and members paths. */
async function sakuraMainSite(browser: Browser, loginId: string) {
  const page = await (await browser.newContext()).newPage();
  await login(page, loginId);
  const tenantId = (await (await page.request.get('/api/v1/me')).json()).tenant.id as string;
  await page.goto(`/t/${tenantId}`);
  const site = page.getByTestId('site').filter({ hasText: '公式オンラインストア' });
  const orders = new URL((await site.getByTestId('site-orders').getAttribute('href'))!, page.url()).pathname;
  const members = new URL((await site.getByTestId('site-members').getAttribute('href'))!, page.url()).pathname;
  expect(orders).toMatch(/^\/t\/[0-9a-f-]{36}\/sites\/[0-9a-f-]{36}\/orders$/);
  return { page, tenantId, orders, members };
}

test('orders and members are listed masked; a revealed record opens in a panel that hides itself and is audited', async ({
  browser,
}) => {
  // Two logins with TOTP codes, each code usable once: allow for waiting on the next time step.
  test.setTimeout(120_000);
  const { page, tenantId, orders, members } = await sakuraMainSite(browser, 'sakura.operator');
  // The browser's clock is driven by the test from here, so a record's 30 seconds need not be waited out.
  await page.clock.install();

  expect((await page.goto(members))?.status()).toBe(200);
  await expect(page.getByTestId('member-row')).toHaveCount(50);
  for (const email of await page.getByTestId('masked-email').allTextContents())
    expect(email.trim()).toMatch(/^\S?\*\*\*@mail\.example\.jp$/);
  // A member opens in a panel named by its number; the close button hides it and gives focus back.
  const member = page.getByTestId('member-row').first();
  const memberNo = (await member.getByTestId('member-no').textContent())!.trim();
  const revealMember = member.getByRole('button', { name: 'Show in full' });
  await revealMember.click();
  const memberPanel = page.getByRole('dialog', { name: `Member ${memberNo}` });
  await expect(memberPanel.getByTestId('revealed-email')).toHaveText(/^\S+@mail\.example\.jp$/);
  await memberPanel.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('revealed-record')).toHaveCount(0);
  await expect(revealMember).toBeFocused();

  expect((await page.goto(orders))?.status()).toBe(200);
  await expect(page.getByTestId('orders-title')).toContainText('Orders');
  await expect(page.getByTestId('pii-note')).toContainText('recorded in the audit trail');
  const rows = page.getByTestId('order-row');
  await expect(rows).toHaveCount(50);
  for (const email of await page.getByTestId('masked-email').allTextContents())
    expect(email.trim()).toMatch(/^\S?\*\*\*@mail\.example\.jp$/);
  for (const phone of await page.getByTestId('masked-phone').allTextContents())
    expect(phone.trim()).toMatch(/^0\d{1,3}-\*+-\d{4}$/);
  await expect(page.getByTestId('next-page')).toBeVisible();
  await expect(page.getByTestId('revealed-record')).toHaveCount(0);

  const row = rows.first();
  const orderNo = (await row.getByTestId('order-no').textContent())!.trim();
  const masked = (await row.getByTestId('masked-email').textContent())!.trim();
  const reveal = row.getByRole('button', { name: 'Show in full' });
  await reveal.click();
  // The record opens in a panel outside the table, named by the order, with focus in it.
  const record = page.getByTestId('revealed-record');
  await expect(page.getByRole('dialog', { name: `Order ${orderNo}` })).toBeVisible();
  await expect(row.getByTestId('revealed-record')).toHaveCount(0);
  await expect.poll(() => record.evaluate((panel) => panel.contains(document.activeElement))).toBe(true);
  await expect(record).toContainText(orderNo);
  await expect(record).toContainText('recorded in the audit trail');
  const email = (await record.getByTestId('revealed-email').textContent())!.trim();
  expect(email).toMatch(/^\S+@mail\.example\.jp$/);
  expect(masked).toBe(`${email[0]}***@mail.example.jp`);
  // The list itself stays masked.
  await expect(row.getByTestId('masked-email')).toHaveText(masked);
  // Escape hides it early; focus is back on the row's button.
  await page.keyboard.press('Escape');
  await expect(record).toHaveCount(0);
  await expect(reveal).toBeFocused();
  await expect(page.getByText(email)).toHaveCount(0);

  // Left open, it hides itself after 30 seconds, and the record is gone from the page.
  await reveal.click();
  await expect(record).toBeVisible();
  // From here the browser's clock stands still unless the test moves it.
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));
  await expect(record.getByTestId('reveal-countdown')).toContainText(/Hidden again in \d+ s/);
  await page.clock.fastForward(26_000);
  await expect(record.getByTestId('reveal-countdown')).toContainText(/Hidden again in [1-3] s/);
  await expect(record).toBeVisible();
  await page.clock.fastForward(4_000);
  await expect(record).toHaveCount(0);
  await expect(page.getByText(email)).toHaveCount(0);
  await expect(reveal).toBeFocused();

  // The operator may not read the audit trail; an admin finds the reveal there, without the data.
  const admin = await (await browser.newContext()).newPage();
  await login(admin, 'sakura.admin');
  await admin.goto(`/t/${tenantId}/audit?action=order.revealed&actor=sakura.operator`);
  const action = admin.getByTestId('audit-action').first();
  await expect(action.getByTestId('audit-action-id')).toHaveText('order.revealed');
  await action.click();
  const detail = admin.getByTestId('audit-detail').first();
  await expect(detail).toContainText(orderNo);
  await expect(detail).not.toContainText(email);
  await admin.goto(`/t/${tenantId}/audit?action=orders.listed,members.listed&actor=sakura.operator`);
  await expect(admin.getByTestId('audit-action-id').first()).toHaveText(/^(orders|members)\.listed$/);
});

test("another company's admin gets 404 for the orders and members lists", async ({ browser }) => {
  test.setTimeout(120_000);
  const { orders, members } = await sakuraMainSite(browser, 'sakura.operator');
  const aoba = await (await browser.newContext()).newPage();
  await login(aoba, 'aoba.admin');
  for (const path of [orders, members]) {
    expect((await aoba.goto(path))?.status()).toBe(404);
    await expect(aoba.getByTestId('masked-email')).toHaveCount(0);
  }
  // Nor through its own company with sakura's site.
  const aobaTenant = (await (await aoba.request.get('/api/v1/me')).json()).tenant.id as string;
  const foreignSite = orders.replace(/^\/t\/[0-9a-f-]{36}\//, `/t/${aobaTenant}/`);
  expect((await aoba.goto(foreignSite))?.status()).toBe(404);
  expect((await aoba.goto(foreignSite.replace(/orders$/, 'members')))?.status()).toBe(404);
  await expect(aoba.getByTestId('order-row')).toHaveCount(0);
});
