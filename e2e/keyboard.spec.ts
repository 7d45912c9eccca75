import { expect, test, type Locator, type Page } from '@playwright/test';
import { clickSensitive, ensureTotp, login, nextCode, presentationSpec } from './helpers';

presentationSpec();

// Each flow is done with the keyboard alone: Tab to move, typing, Space to tick, Enter to submit.
// Setting up the company around it may use the mouse.

const stamp = Date.now().toString(36);

/** Presses Tab until the target has focus: proves it is reachable in the tab order. */
async function tabTo(page: Page, target: Locator, max = 120) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`not reachable with Tab: ${target}`);
}

/**
 * A sensitive action asks for a code when the last one is older than the step-up window (short
 * in tests): the field then has focus, and the code and Enter go on.
 */
async function codeIfAsked(page: Page, loginId: string, done: Locator) {
  const prompt = page.getByTestId('step-up').locator('input');
  await expect(prompt.or(done)).toBeVisible();
  if (await prompt.isVisible()) {
    await expect(prompt).toBeFocused();
    await page.keyboard.type(await nextCode(loginId));
    await page.keyboard.press('Enter');
  }
}

const code = `kb-${stamp}`;
const adminLogin = `${code}.admin`;
const firstPassword = 'first light on the keys';
let tenantId = '';

// A company of its own, set up with the mouse: the campaign below puts every operator of it under
// rotation, which the demo companies' other tests must not see.
test.describe.serial('by keyboard alone', () => {
  test.beforeAll(async ({ browser }) => {
    const staff = await (await browser.newContext()).newPage();
    await login(staff, 'platform.admin');
    await staff.goto('/platform/tenants/new');
    await staff.getByLabel('Company name').fill('株式会社キーボード商会');
    await staff.getByLabel('Code (a-z, 0-9, -)').fill(code);
    await staff.getByRole('button', { name: 'Create tenant' }).click();
    await expect(staff.getByTestId('tenant-title')).toHaveText('株式会社キーボード商会');
    tenantId = new URL(staff.url()).pathname.split('/')[2];
    await staff.getByRole('link', { name: 'New operator', exact: true }).click();
    await staff.getByLabel('Login ID', { exact: true }).fill(adminLogin);
    await staff.getByLabel('Name', { exact: true }).fill('鍵盤 太郎');
    await staff.getByLabel('Role').selectOption('tenant_admin');
    await clickSensitive(staff, 'platform.admin', staff.getByRole('button', { name: 'Create operator' }));
    const temporary = (await staff.getByTestId('temporary-password').textContent())!.trim();
    const admin = await (await browser.newContext()).newPage();
    await admin.goto('/login');
    await admin.getByLabel('Login ID', { exact: true }).fill(adminLogin);
    await admin.getByLabel('Password', { exact: true }).fill(temporary);
    await admin.getByRole('button', { name: 'Log in' }).click();
    await admin.getByLabel('Current password').fill(temporary);
    await admin.getByLabel('New password', { exact: true }).fill(firstPassword);
    await admin.getByLabel('New password again').fill(firstPassword);
    await admin.getByRole('button', { name: 'Change password' }).click();
    await expect(admin.getByTestId('whoami')).toContainText(adminLogin);
    await ensureTotp(admin, adminLogin);
  });

  test('log in with a password and a TOTP code', async ({ page }) => {
    await page.goto('/login');
    // The login ID has focus on arrival.
    await expect(page.getByLabel('Login ID', { exact: true })).toBeFocused();
    await page.keyboard.type(adminLogin);
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
    await page.keyboard.type(firstPassword);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/login\/verify/);
    await expect(page.getByLabel(/code/i).first()).toBeFocused();
    await page.keyboard.type(await nextCode(adminLogin));
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('whoami')).toContainText(adminLogin);
  });

  test('start a rotation that includes my own password, then edit the allowlist', async ({ page: admin }) => {
    await login(admin, adminLogin, firstPassword);
    // The campaign: the form, the summary dialog, the step-up code inside it.
    await admin.goto(`/t/${tenantId}/rotation`);
    await tabTo(admin, admin.getByLabel('Reason', { exact: true }));
    await admin.keyboard.type('keyboard drill');
    // The date-time field takes its parts in order (day, month, year, hour, minute) and moves on by itself.
    await admin.keyboard.press('Tab');
    const deadline = admin.getByRole('group', { name: 'Deadline (JST)', exact: true });
    await expect(deadline.getByRole('spinbutton').first()).toBeFocused();
    await admin.keyboard.type('310120301800');
    // The zone is part of the field (GMT+9 in English), and the moment is spelled out under it.
    await expect(deadline).toContainText('GMT+9');
    await expect(admin.getByText('31 Jan 2030, 18:00 JST')).toBeVisible();
    await tabTo(admin, admin.getByLabel('Also end all their sessions now'));
    await admin.keyboard.press('Space');
    await expect(admin.getByLabel('Also end all their sessions now')).toBeChecked();
    await tabTo(admin, admin.getByRole('button', { name: 'Review…' }));
    await admin.keyboard.press('Enter');
    const dialog = admin.getByRole('alertdialog');
    await expect(dialog.getByTestId('includes-self')).toContainText('Your own password is included');
    await tabTo(admin, dialog.getByRole('button', { name: 'Start campaign' }));
    await admin.keyboard.press('Enter');
    await codeIfAsked(admin, adminLogin, admin.getByTestId('must-change'));

    // The starter is told the campaign started and that their own change comes first.
    await expect(admin).toHaveURL(/\/account\/password\?rotation=1/);
    await expect(admin.getByTestId('must-change')).toContainText('The rotation campaign has started');
    await tabTo(admin, admin.getByLabel('Current password'));
    await admin.keyboard.type('first light on the keys');
    await admin.keyboard.press('Tab');
    await admin.keyboard.type('second wind over keys');
    await tabTo(admin, admin.getByLabel('New password again'));
    await admin.keyboard.type('second wind over keys');
    await admin.keyboard.press('Enter');
    // Then back to the campaign's progress, which says it started.
    await expect(admin.getByTestId('campaign-started')).toContainText('The campaign has started');
    await expect(admin.getByRole('heading', { name: 'keyboard drill' })).toBeVisible();

    // The allowlist: type the networks, save with Enter on the button (a fresh step-up is still fresh).
    await admin.goto(`/t/${tenantId}/ip-allowlist`);
    await tabTo(admin, admin.getByLabel(/Allowed networks/));
    await admin.keyboard.type('127.0.0.1 head office');
    await admin.keyboard.press('Enter');
    await admin.keyboard.type('::1 loopback');
    await tabTo(admin, admin.getByRole('button', { name: 'Save list' }));
    await admin.keyboard.press('Enter');
    await codeIfAsked(admin, adminLogin, admin.getByTestId('allowlist-editor').getByText('Saved 2 entries'));
    await expect(admin.getByTestId('allowlist-editor')).toContainText('Saved 2 entries');
  });
});
