import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, clickSensitive, login, typeDateTime } from './helpers';

test('platform admin starts a rotation campaign; an operator must rotate past every policy reason; progress moves', async ({
  browser,
}) => {
  // The operator's session from before the campaign.
  const before = await browser.newContext();
  const beforePage = await before.newPage();
  await login(beforePage, 'hikari.operator');
  const staleCookies = await before.cookies();

  const staff = await (await browser.newContext()).newPage();
  await login(staff, 'platform.admin');
  await staff.getByRole('link', { name: 'Password rotation' }).click();
  await staff.getByLabel('Reason', { exact: true }).fill('credential leak 2026-11');
  await typeDateTime(staff, 'Deadline (JST)', '2030-01-31T18:00');
  await staff.getByLabel('Also end all their sessions now').check();
  // No tenant chosen is refused: an empty choice never means "every tenant".
  await staff.getByRole('button', { name: 'Review…' }).click();
  await expect(staff.getByTestId('error-tenantIds')).toHaveText('Choose all tenants or at least one tenant.');
  await expect(staff.getByLabel(/^All \d+ tenants$/)).toBeVisible();
  await staff.getByLabel('Only the tenants I choose').check();
  await staff.getByLabel('Filter by name or code').fill('hikari');
  await staff.getByLabel('株式会社ひかりテキスタイル (hikari)').check();
  await expect(staff.getByText('1 tenant chosen')).toBeVisible();
  await staff.getByRole('button', { name: 'Review…' }).click();
  // The summary says what will happen before anything does.
  const dialog = staff.getByRole('alertdialog');
  await expect(dialog.getByTestId('campaign-summary')).toContainText('1 tenant chosen');
  await expect(dialog.getByTestId('summary-operators')).toContainText(/\d+ operators in 1 tenant must change/);
  await expect(dialog.getByTestId('includes-self')).toHaveCount(0);
  await clickSensitive(staff, 'platform.admin', dialog.getByRole('button', { name: 'Start campaign' }));
  await expect(staff.getByTestId('campaign-started')).toContainText('The campaign has started');
  await expect(staff.getByRole('heading', { name: 'credential leak 2026-11' })).toBeVisible();
  const total = Number(await staff.getByTestId('count-total').locator('div').nth(1).textContent());
  expect(total).toBeGreaterThanOrEqual(2);
  await expect(staff.getByTestId('count-rotated')).toContainText('0');
  await expect(staff.getByTestId('tenant-progress')).toHaveCount(1);

  // The session from before the campaign is gone.
  const replay = await browser.newContext();
  await replay.addCookies(staleCookies);
  expect((await replay.request.get('/api/v1/me')).status()).toBe(401);

  // The operator logs in and is held on the change page until the password complies.
  const op = await (await browser.newContext()).newPage();
  await op.goto('/login');
  await op.getByLabel('Login ID', { exact: true }).fill('hikari.operator');
  await op.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await op.getByRole('button', { name: 'Log in' }).click();
  await expect(op).toHaveURL(/\/account\/password$/);
  const attempt = async (next: string) => {
    await op.getByLabel('Current password').fill(DEMO_PASSWORD);
    await op.getByLabel('New password', { exact: true }).fill(next);
    await op.getByLabel('New password again').fill(next);
    await op.getByRole('button', { name: 'Change password' }).click();
  };
  await attempt('password1234');
  await expect(op.getByTestId('error-newPassword')).toContainText('one of the most common passwords');
  await attempt(DEMO_PASSWORD);
  await expect(op.getByTestId('error-newPassword')).toContainText('You used this password recently');
  await attempt('hikari.operator spring 2027');
  await expect(op.getByTestId('error-newPassword')).toContainText('Do not build it on your login ID');
  await expect(op.getByTestId('strength')).toBeVisible();
  await attempt('tangerine otters ride north');
  await expect(op.getByTestId('whoami')).toContainText('hikari.operator');

  // The campaign page's counts move (it refreshes itself every few seconds).
  await expect(staff.getByTestId('count-rotated')).toContainText('1', { timeout: 15_000 });
  await staff.getByRole('link', { name: '株式会社ひかりテキスタイル' }).click();
  await expect(staff.getByTestId('operator-progress').filter({ hasText: 'hikari.operator' })).toContainText('Changed');

  // The regulator report is formula-safe CSV.
  const csv = await staff.request.get(
    staff.url().replace(/\/t\/([^/]+)\/rotation\/([^/?]+).*/, '/api/v1/tenants/$1/rotation-campaigns/$2/report'),
  );
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-disposition']).toContain('attachment');
  const text = await csv.text();
  expect(text).toContain('hikari.operator');
  expect(text).toMatch(/hikari\.operator,[^\r\n]*,rotated,/);
});

test('a tenant admin cannot start a campaign for another tenant or read its progress', async ({ browser }) => {
  const sakura = await (await browser.newContext()).newPage();
  await login(sakura, 'sakura.admin');
  const aoba = await (await browser.newContext()).newPage();
  await login(aoba, 'aoba.admin');
  const aobaTenant = (await (await aoba.request.get('/api/v1/me')).json()).tenant.id;
  expect((await sakura.goto(`/t/${aobaTenant}/rotation`))?.status()).toBe(404);
  expect((await sakura.goto(`/t/${aobaTenant}/security`))?.status()).toBe(404);
  expect(
    (
      await sakura.request.get(
        `/api/v1/tenants/${aobaTenant}/rotation-campaigns/00000000-0000-4000-8000-000000000000/report`,
      )
    ).status(),
  ).toBe(404);
  expect((await sakura.goto('/t/00000000-0000-0000-0000-000000000000/rotation'))?.status()).toBe(404);
});
