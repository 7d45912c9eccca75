import { expect, test } from '@playwright/test';
import { login, logout } from './helpers';

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
  await expect(replayPage).toHaveURL(/\/login$/);
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

  await a.reload();
  await expect(a).toHaveURL(/\/login$/);
  await b.goto('/');
  await expect(b.getByTestId('whoami')).toContainText('aoba.operator');
  await first.close();
  await second.close();
});
