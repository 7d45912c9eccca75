import { expect, test } from '@playwright/test';
import { clickSensitive, enrollTotp, fetchFrom, login, problem } from './helpers';

test('tenant admin sets an allowlist (lockout guard, check an IP, monitor mode); real sockets from other addresses are refused', async ({
  browser,
}) => {
  const admin = await (await browser.newContext()).newPage();
  await login(admin, 'aoba.admin');
  const me = await (await admin.request.get('/api/v1/me')).json();
  const operator = await browser.newContext();
  await login(await operator.newPage(), 'aoba.operator');
  const cookie = (await operator.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

  // Changing allowlists needs a second factor: the admin enrolls TOTP first.
  await admin.goto(`/t/${me.tenant.id}/ip-allowlist`);
  await admin.getByLabel(/Allowed networks/).fill('127.0.0.1');
  await clickSensitive(admin, 'aoba.admin', admin.getByRole('button', { name: 'Save list' }));
  await expect(admin.getByText('This needs two-factor authentication')).toBeVisible();
  await enrollTotp(admin, 'aoba.admin');
  await admin.goto(`/t/${me.tenant.id}/ip-allowlist`);
  await expect(admin.getByTestId('current-ip')).toContainText('127.0.0.1');
  const editor = admin.getByLabel(/Allowed networks/);
  await editor.fill('127.0.0.5 branch office');
  await clickSensitive(admin, 'aoba.admin', admin.getByRole('button', { name: 'Save list' }));
  await expect(admin.getByTestId('error-entries')).toContainText('lock you out');
  // The message belongs to the field: a screen reader reads it with the field, which has focus.
  await expect(editor).toHaveAttribute('aria-invalid', 'true');
  await expect(editor).toHaveAccessibleDescription(/lock you out/);
  await expect(editor).toBeFocused();
  await editor.fill('127.0.0.1 head office\n127.0.0.5 branch office\n010.0.0.1');
  await clickSensitive(admin, 'aoba.admin', admin.getByRole('button', { name: 'Save list' }));
  await expect(admin.getByTestId('error-entries')).toContainText('Line 3');
  await editor.fill('127.0.0.1 head office\n127.0.0.5 branch office');
  await clickSensitive(admin, 'aoba.admin', admin.getByRole('button', { name: 'Save list' }));
  await expect(admin.getByTestId('allowlist-editor')).toContainText('Saved 2 entries');

  // Check an IP, against the saved rules and a draft.
  const check = admin.getByTestId('check-ip');
  await check.getByLabel('Address').fill('127.0.0.9');
  await check.getByRole('button', { name: 'Check' }).click();
  await expect(admin.getByTestId('verdict-saved')).toContainText('refused by the company list');
  await editor.fill('127.0.0.1 head office\n127.0.0.0/28 lab');
  await check.getByRole('button', { name: 'Check' }).click();
  await expect(admin.getByTestId('verdict-draft')).toContainText('allowed');
  await expect(admin.getByTestId('verdict-saved')).toContainText('refused');

  // Real sockets: the operator's session from several source addresses.
  expect((await fetchFrom('127.0.0.5', '/api/v1/me', cookie)).status).toBe(200);
  const refused = await fetchFrom('127.0.0.9', '/api/v1/me', cookie);
  expect(refused.status).toBe(403);
  expect(JSON.parse(refused.body)).toEqual(problem('ip_denied', 403));
  expect((await fetchFrom('127.0.0.9', '/api/v1/me', cookie, { 'x-forwarded-for': '127.0.0.5' })).status).toBe(403);
  expect((await fetchFrom('::1', '/api/v1/me', cookie)).status).toBe(403);
  const page = await fetchFrom('127.0.0.9', '/', cookie, { 'accept-language': 'en' });
  expect(page.status).toBe(403);
  expect(page.body).toContain('Access from this network is not allowed');
  // Through the trusted proxy (127.0.0.200) the forwarded address counts, both ways.
  expect((await fetchFrom('127.0.0.200', '/api/v1/me', cookie, { 'x-forwarded-for': '127.0.0.5' })).status).toBe(200);
  expect(
    (await fetchFrom('127.0.0.200', '/api/v1/me', cookie, { 'x-forwarded-for': '127.0.0.5, 127.0.0.9' })).status,
  ).toBe(403);

  // Monitor mode: let through, counted; back to enforce.
  await admin.reload();
  await clickSensitive(admin, 'aoba.admin', admin.getByRole('button', { name: 'Switch to monitor only' }));
  await expect(admin.getByTestId('mode')).toContainText('Monitor only');
  expect((await fetchFrom('127.0.0.9', '/api/v1/me', cookie)).status).toBe(200);
  await admin.reload();
  await expect(admin.getByTestId('monitored')).toContainText(/^[1-9]\d* requests/);
  await clickSensitive(admin, 'aoba.admin', admin.getByRole('button', { name: 'Switch to enforce' }));
  await expect(admin.getByTestId('mode')).toContainText('Enforce');
  expect((await fetchFrom('127.0.0.9', '/api/v1/me', cookie)).status).toBe(403);

  // Leave the company unrestricted for the other tests.
  await admin.getByLabel(/Allowed networks/).fill('');
  await clickSensitive(admin, 'aoba.admin', admin.getByRole('button', { name: 'Save list' }));
  await expect(admin.getByTestId('allowlist-editor')).toContainText('Saved 0 entries');
  expect((await fetchFrom('127.0.0.9', '/api/v1/me', cookie)).status).toBe(200);
});

test("another tenant's admin cannot read or change this tenant's allowlist", async ({ browser }) => {
  const aoba = await (await browser.newContext()).newPage();
  await login(aoba, 'aoba.admin');
  const aobaTenant = (await (await aoba.request.get('/api/v1/me')).json()).tenant.id;
  const sakura = await (await browser.newContext()).newPage();
  await login(sakura, 'sakura.admin');
  expect((await sakura.goto(`/t/${aobaTenant}/ip-allowlist`))?.status()).toBe(404);
  const op = await (await browser.newContext()).newPage();
  await login(op, 'sakura.operator');
  const own = (await (await op.request.get('/api/v1/me')).json()).tenant.id;
  expect((await op.goto(`/t/${own}/ip-allowlist`))?.status()).toBe(404);
});

test('two admins editing one list: the later save is refused with a clear message, not written over the first', async ({
  browser,
}) => {
  // Three saves, each confirmed with a fresh TOTP code (a code is used once: up to 30 s apart).
  test.setTimeout(180_000);
  const { ensureTotp } = await import('./helpers');
  const first = await (await browser.newContext()).newPage();
  await login(first, 'aoba.admin');
  await ensureTotp(first, 'aoba.admin');
  const tenantId = (await (await first.request.get('/api/v1/me')).json()).tenant.id;
  const second = await (await browser.newContext()).newPage();
  await login(second, 'aoba.admin');
  await first.goto(`/t/${tenantId}/ip-allowlist`);
  await second.goto(`/t/${tenantId}/ip-allowlist`);

  await first.getByLabel(/Allowed networks/).fill('127.0.0.1 head office');
  await clickSensitive(first, 'aoba.admin', first.getByRole('button', { name: 'Save list' }));
  await expect(first.getByTestId('allowlist-editor')).toContainText('Saved 1 entries');

  await second.getByLabel(/Allowed networks/).fill('127.0.0.0/8 everything local');
  await clickSensitive(second, 'aoba.admin', second.getByRole('button', { name: 'Save list' }));
  await expect(second.getByTestId('form-error')).toContainText('Someone else changed this after you opened the page');
  await second.reload();
  await expect(second.getByLabel(/Allowed networks/)).toHaveValue('127.0.0.1/32 head office');

  // Read afresh, the second admin's save goes through (here: back to no list).
  await second.getByLabel(/Allowed networks/).fill('');
  await clickSensitive(second, 'aoba.admin', second.getByRole('button', { name: 'Save list' }));
  await expect(second.getByTestId('allowlist-editor')).toContainText('Saved 0 entries');
});
