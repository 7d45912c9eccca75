import { expect, test } from '@playwright/test';
import { ensureTotp, firstLogin, login, newCompany, newOperator } from './helpers';

const stamp = Date.now().toString(36);
const code = `ps-${stamp}`;
const adminLogin = `${code}.admin`;

// A company of its own: its one admin enrols TOTP, and the platform's figure moves.
test('a company admin sees what to fix next; enrolling TOTP moves the platform’s posture figure', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const staff = await (await browser.newContext()).newPage();
  await login(staff, 'platform.admin');
  const tenantId = await newCompany(staff, '株式会社態勢確認', code);
  const temporary = await newOperator(staff, tenantId, adminLogin, '態勢 花子', 'tenant_admin');
  const { page: admin } = await firstLogin(browser, adminLogin, temporary, 'posture is a habit');

  // The admin's dashboard: the score and what keeps it below 100, each linked to its page.
  await admin.goto('/');
  const own = admin.getByTestId('own-posture');
  await expect(own).toContainText('1 operator without TOTP');
  await expect(own).toContainText('No IP allowlist');
  await expect(own.getByRole('link', { name: /No IP allowlist/ })).toHaveAttribute(
    'href',
    `/t/${tenantId}/ip-allowlist`,
  );
  await expect(admin.getByTestId('trend-logins')).toContainText('Sign-ins');

  // The platform's page shows the company at 0 % TOTP.
  const row = staff.getByTestId('posture-row').filter({ hasText: code });
  await staff.goto(`/platform/posture?q=${code}`);
  await expect(row.getByTestId('posture-totp')).toContainText('0%');
  await expect(row).toContainText('Operators without TOTP');

  await ensureTotp(admin, adminLogin);
  await admin.goto('/');
  await expect(admin.getByTestId('own-posture')).not.toContainText('without TOTP');
  await staff.goto(`/platform/posture?q=${code}`);
  await expect(row.getByTestId('posture-totp')).toContainText('100%');

  // Filtered by what falls short, sorted, and as CSV.
  await staff.goto(`/platform/posture?q=${code}&reason=totp`);
  await expect(staff.getByTestId('posture-row')).toHaveCount(0);
  // A range on a column, through the form: TOTP up to 99 % leaves the company out, from 100 % in.
  await staff.goto(`/platform/posture?q=${code}`);
  await staff.getByText('Ranges').click();
  await staff.getByLabel('TOTP (%) to').fill('99');
  await staff.getByRole('button', { name: 'Apply' }).click();
  await expect(staff).toHaveURL(/totpMax=99/);
  await expect(staff.getByTestId('posture-row')).toHaveCount(0);
  await staff.getByLabel('TOTP (%) to').fill('');
  await staff.getByLabel('TOTP (%) from').fill('100');
  await staff.getByLabel('Score to').fill('100');
  await staff.getByRole('button', { name: 'Apply' }).click();
  await expect(staff).toHaveURL(/totpMin=100/);
  await expect(row).toHaveCount(1);
  await staff.getByRole('link', { name: 'Clear filters' }).click();
  await expect(staff).toHaveURL(/\/platform\/posture$/);
  await staff.goto(`/platform/posture?q=${code}&reason=allowlist_none&sort=totp&dir=desc`);
  await expect(row).toHaveCount(1);
  const csv = await staff.request.get(`/api/v1/posture?q=${code}`);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain(`,${code},株式会社態勢確認,active,`);

  // A company's admin reaches neither the page nor its CSV.
  expect((await admin.goto('/platform/posture'))?.status()).toBe(404);
  expect((await admin.request.get('/api/v1/posture')).status()).toBe(404);
});
