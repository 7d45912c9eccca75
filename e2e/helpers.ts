import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { generate } from 'otplib';
import { baseURL, runId } from '../playwright.config';

export const DEMO_PASSWORD = 'kanri-demo-2026';

/**
 * For specs about how pages read and are operated (axe, the keyboard, languages), which do not
 * depend on the database: CI runs them on one backend and counts them as skipped on the other,
 * whose integration tests and data specs cover the same server code.
 */
export function presentationSpec() {
  test.skip(process.env.MAMORI_E2E_DATA_ONLY === '1', 'presentation spec: ran on the other backend in this CI run');
}

// TOTP secrets the tests enrolled, and the last time step each operator used (each step is
// accepted once per operator), kept in a file so every spec of the run shares them.
const STORE = `.data/e2e-totp-${runId}.json`;
type Store = Record<string, { secret: string; lastStep: number }>;
const load = (): Store => (existsSync(STORE) ? JSON.parse(readFileSync(STORE, 'utf8')) : {});
const save = (s: Store) => {
  mkdirSync('.data', { recursive: true });
  writeFileSync(STORE, JSON.stringify(s));
};

/** The next code this operator has not used yet (waits for the next 30 s step when needed). */
export async function nextCode(loginId: string): Promise<string> {
  const store = load();
  const entry = store[loginId];
  if (!entry) throw new Error(`no TOTP secret for ${loginId}`);
  let current = Math.floor(Date.now() / 30_000);
  let step = Math.max(current - 1, entry.lastStep + 1);
  while (step > current + 1) {
    await new Promise((r) => setTimeout(r, 1000));
    current = Math.floor(Date.now() / 30_000);
  }
  step = Math.max(current - 1, entry.lastStep + 1);
  entry.lastStep = step;
  save(store);
  return generate({ secret: entry.secret, epoch: step * 30 + 1 });
}

export function rememberSecret(loginId: string, secret: string) {
  const store = load();
  store[loginId] = { secret, lastStep: Math.floor(Date.now() / 30_000) };
  save(store);
}

export const hasTotp = (loginId: string) => Boolean(load()[loginId]);

/** Enrolls TOTP for an operator who has none in this run yet: sensitive actions need a second factor. */
export async function ensureTotp(page: Page, loginId: string) {
  if (!hasTotp(loginId)) await enrollTotp(page, loginId);
}

/** Enrolls TOTP on the enrollment page by reading the key from the page. */
export async function enrollTotp(page: Page, loginId: string): Promise<string[]> {
  await page.goto('/account/mfa');
  const start = page.getByRole('button', { name: 'Set up authenticator app' });
  await expect(start.or(page.getByTestId('totp-key'))).toBeVisible();
  if (await start.isVisible()) await start.click();
  const key = (await page.getByTestId('totp-key').textContent())!.replace(/\s/g, '');
  rememberSecret(loginId, key);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByLabel('Code', { exact: true }).fill(await nextCode(loginId));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  const codes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
  await page.getByLabel('I have saved these codes somewhere safe').check();
  await page.getByRole('button', { name: 'Done', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/');
  return codes;
}

/**
 * Logs in through the real form, answering the TOTP step when the operator has TOTP and
 * enrolling first where it is required (platform staff), until the dashboard shows.
 */
export async function login(page: Page, loginId: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  if ((await signInHere(page, loginId, password)) === 'change-password') return;
  await expect(page.getByTestId('whoami')).toContainText(loginId);
}

/**
 * The same, on the sign-in form already shown (which may carry a page to return to): answers the
 * code step and enrollment, and resolves where the login landed.
 */
export async function signInHere(
  page: Page,
  loginId: string,
  password = DEMO_PASSWORD,
): Promise<'console' | 'change-password'> {
  await page.getByLabel('Login ID', { exact: true }).fill(loginId);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  // Where the login lands, by address: the code step, then the console, enrollment or the password change.
  const left = (path: string) => path === '/login/verify' || !path.startsWith('/login');
  await page.waitForURL((u) => left(u.pathname));
  if (new URL(page.url()).pathname === '/login/verify') {
    await page.getByLabel('Code', { exact: true }).fill(await nextCode(loginId));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  }
  // The guard may send on again (enrollment, a temporary password): judge by the page that rendered.
  await expect(page.locator('#main h1').first()).toBeVisible();
  if (await page.getByTestId('change-password').isVisible()) return 'change-password';
  if (await page.getByTestId('must-enroll').isVisible()) await enrollTotp(page, loginId);
  await expect(page.getByTestId('account-menu')).toBeVisible();
  return 'console';
}

/**
 * Clicks a button whose action is sensitive: when the server asks for a fresh second factor
 * (the step-up window is short in these tests), answers it; the action then completes.
 */
export async function clickSensitive(page: Page, loginId: string, button: ReturnType<Page['getByRole']>) {
  await button.click();
  const prompt = page.getByTestId('step-up');
  const asked = await prompt.waitFor({ state: 'visible', timeout: 2500 }).then(
    () => true,
    () => false,
  );
  if (asked) {
    await prompt.locator('input').fill(await nextCode(loginId));
    await prompt.getByRole('button').click();
    await expect(prompt).toBeHidden();
  }
}

/** Opens a dialog by its button; a click that came before the page was interactive is repeated. */
export async function openDialog(page: Page, opener: Locator): Promise<Locator> {
  const dialog = page.getByRole('alertdialog');
  await expect(async () => {
    await opener.click();
    await expect(dialog).toBeVisible({ timeout: 1_000 });
  }).toPass();
  return dialog;
}

/**
 * A risky action: its button opens a confirmation dialog, which takes the reason and is confirmed
 * by its own button (named `confirm`, else like the opener), with a step-up code when asked.
 */
export async function confirmAction(
  page: Page,
  opener: Locator,
  { reason, loginId, confirm }: { reason?: string; loginId?: string; confirm?: string } = {},
) {
  const name = confirm ?? (await opener.innerText()).trim();
  const dialog = await openDialog(page, opener);
  if (reason) await dialog.getByLabel(/^(Reason|理由)/).fill(reason);
  const button = dialog.getByRole('button', { name, exact: true });
  if (loginId) await clickSensitive(page, loginId, button);
  else await button.click();
  await expect(dialog).toBeHidden();
}

/**
 * Types a Japan-time date and time (`2030-01-31T18:00[:ss]`) into the console's date-time field
 * named `label`, part by part as a keyboard user would: day, month, year, hour, minute (second) in
 * the English console.
 */
export async function typeDateTime(page: Page, label: string, value: string) {
  const [date, time] = value.split('T');
  const [year, month, day] = date.split('-');
  const [hour, minute, second] = time.split(':');
  await page.getByRole('group', { name: label, exact: true }).getByRole('spinbutton').first().click();
  await page.keyboard.type(`${day}${month}${year}${hour}${minute}${second ?? ''}`);
}

/** Logs out through the account menu and waits for the sign-in page. */
export async function logout(page: Page) {
  await page.getByTestId('account-menu').click();
  await page.getByRole('menuitem', { name: /^(Log out|ログアウト)$/ }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** A request over a real socket from a chosen source address (127.0.0.0/8 or ::1). */
export function fetchFrom(localAddress: string, path: string, cookie: string, headers: Record<string, string> = {}) {
  const url = new URL(baseURL);
  const host = localAddress === '::1' ? '::1' : '127.0.0.1';
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ host, port: url.port, path, localAddress, headers: { cookie, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Signs in with a temporary password from a fresh browser and sets a password of one's own. */
export async function firstLogin(browser: Browser, loginId: string, temporary: string, password: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Login ID', { exact: true }).fill(loginId);
  await page.getByLabel('Password', { exact: true }).fill(temporary);
  await page.getByRole('button', { name: 'Log in' }).click();
  await changePassword(page, temporary, password);
  await expect(page.getByTestId('whoami')).toContainText(loginId);
  return { page, cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') };
}

/** Changes one's own password on the change form shown now (a forced change), in English. */
export async function changePassword(page: Page, current: string, next: string) {
  await page.getByLabel('Current password').fill(current);
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByLabel('New password again').fill(next);
  await page.getByRole('button', { name: 'Change password' }).click();
}

export async function newOperator(staff: Page, tenantId: string, loginId: string, name: string, role?: string) {
  await staff.goto(`/t/${tenantId}/operators/new`);
  await staff.getByLabel('Login ID', { exact: true }).fill(loginId);
  await staff.getByLabel('Name', { exact: true }).fill(name);
  if (role) await staff.getByLabel('Role').selectOption(role);
  await clickSensitive(staff, 'platform.admin', staff.getByRole('button', { name: 'Create operator' }));
  return (await staff.getByTestId('temporary-password').textContent())!.trim();
}

/** A company created by platform staff (signed in on `staff`); returns its id. */
export async function newCompany(staff: Page, name: string, code: string): Promise<string> {
  await staff.goto('/platform/tenants/new');
  await staff.getByLabel('Company name').fill(name);
  await staff.getByLabel('Code (a-z, 0-9, -)').fill(code);
  await staff.getByRole('button', { name: 'Create tenant' }).click();
  await expect(staff.getByTestId('tenant-title')).toHaveText(name);
  return new URL(staff.url()).pathname.split('/')[2];
}

/** An API refusal as it must arrive: an RFC 9457 problem with the code and, for bad input, the fields. */
export function problem(error: string, status: number, fields?: Record<string, string[]>) {
  return {
    type: `urn:mamori:problem:${error}`,
    title: expect.any(String),
    status,
    error,
    ...(fields ? { fields } : {}),
  };
}
