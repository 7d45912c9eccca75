import { expect, test } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { login, logout, signInHere } from './helpers';

test('after logout, the saved session cookie is refused', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, 'sakura.admin');
  const saved = await context.cookies();
  expect(saved.map((c) => c.name)).toContain('mamori.session');
  const session = saved.find((c) => c.name === 'mamori.session')!;
  expect(session.httpOnly).toBe(true);
  expect(session.sameSite).toBe('Lax');
  await logout(page);
  await expect(page).toHaveURL(/\/login$/);

  // Replay the old cookie from a fresh browser: the server-side session is gone.
  const replay = await browser.newContext();
  await replay.addCookies(saved);
  const replayPage = await replay.newPage();
  await replayPage.goto('/');
  await expect(replayPage).toHaveURL(/\/login\?ended=revoked$/);
  const api = await replay.request.get('/api/v1/me');
  expect(api.status()).toBe(401);
  await context.close();
  await replay.close();
});

test('revoking a session from another browser ends it on its next request', async ({ browser }) => {
  const first = await browser.newContext();
  const second = await browser.newContext();
  const a = await first.newPage();
  const b = await second.newPage();
  await login(a, 'aoba.operator');
  await login(b, 'aoba.operator');

  await b.goto('/account/sessions');
  const rows = b.getByTestId('session-row');
  await expect(rows.filter({ has: b.getByText('This session') })).toHaveCount(1);
  const others = rows.filter({ has: b.getByRole('button', { name: 'End session' }) });
  const before = await others.count();
  expect(before).toBeGreaterThanOrEqual(1);
  // End every other session of this operator (the first browser's among them).
  for (let i = 0; i < before; i++) {
    await others.first().getByRole('button', { name: 'End session' }).click();
    await expect(others).toHaveCount(before - i - 1);
  }

  // The first browser, on its next request, learns why and can go back to where it was.
  await a.goto('/account/sessions');
  await expect(a).toHaveURL(/\/login\?ended=revoked&next=%2Faccount%2Fsessions$/);
  await expect(a.getByTestId('session-ended')).toContainText('Your session was ended');
  await expect(a.getByLabel('Login ID', { exact: true })).toBeFocused();
  await a.getByLabel('Login ID', { exact: true }).fill('aoba.operator');
  await a.getByLabel('Password', { exact: true }).fill('wrong-password-123');
  await a.getByRole('button', { name: 'Log in' }).click();
  await expect(a.getByTestId('login-error')).toBeVisible();
  // The wrong password does not stay in the field; the ID does.
  await expect(a.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(a.getByLabel('Login ID', { exact: true })).toHaveValue('aoba.operator');
  await signInHere(a, 'aoba.operator');
  await expect(a).toHaveURL(/\/account\/sessions$/);
  await b.goto('/');
  await expect(b.getByTestId('whoami')).toContainText('aoba.operator');
  await first.close();
  await second.close();
});

test('signed out, a page sends to the sign-in form and back after signing in; a foreign return address is ignored', async ({
  page,
}) => {
  await page.goto('/account/password');
  await expect(page).toHaveURL(/\/login\?next=%2Faccount%2Fpassword$/);
  await signInHere(page, 'aoba.operator');
  await expect(page).toHaveURL(/\/account\/password$/);
  await logout(page);
  await page.goto('/login?next=%2F%2Fevil.example%2F');
  await signInHere(page, 'aoba.operator');
  await expect(page.getByTestId('whoami')).toContainText('aoba.operator');
  expect(new URL(page.url()).origin).toBe(new URL(baseURL).origin);
});

test('a session ended elsewhere: a click inside the console lands on a sign-in page without the signed-in frame', async ({
  browser,
}) => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await login(a, 'aoba.operator');
  await login(b, 'aoba.operator');
  await b.goto('/account/sessions');
  const others = b.getByTestId('session-row').filter({ has: b.getByRole('button', { name: 'End session' }) });
  const count = await others.count();
  for (let i = 0; i < count; i++) {
    await others.first().getByRole('button', { name: 'End session' }).click();
    await expect(others).toHaveCount(count - i - 1);
  }
  // A client-side navigation: the layout would otherwise keep the sidebar and the account menu.
  await a.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My company' }).click();
  await expect(a).toHaveURL(/\/login\?ended=revoked/);
  await expect(a.getByLabel('Login ID', { exact: true })).toBeVisible();
  await expect(a.getByTestId('account-menu')).toHaveCount(0);
  await expect(a.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
});
