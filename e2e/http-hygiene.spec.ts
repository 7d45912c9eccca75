import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('security headers, and no caching of authenticated pages', async ({ page }) => {
  const res = await page.goto('/login');
  const h = res!.headers();
  expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(h['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(h['x-frame-options']).toBe('DENY');
  expect(h['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['x-powered-by']).toBeUndefined();
  await login(page, 'sakura.admin');
  const dash = await page.goto('/');
  expect(dash!.headers()['cache-control']).toContain('no-store');
  const api = await page.request.get('/api/v1/me');
  expect(api.headers()['cache-control']).toContain('no-store');
});

test('unused methods get 405, never 500 (the breach began with an unneeded PUT)', async ({ request, baseURL }) => {
  // From our own origin, so that what answers is the method check (without it, the write is 403).
  const origin = new URL(baseURL!).origin;
  for (const [method, path] of [
    ['PUT', '/'],
    ['DELETE', '/login'],
    ['PATCH', '/account/sessions'],
    ['PUT', '/api/health'],
    ['DELETE', '/api/v1/me'],
    ['TRACE', '/'],
  ] as const) {
    const res = await request.fetch(path, { method, maxRedirects: 0, headers: { origin } });
    expect(res.status(), `${method} ${path}`).toBe(405);
  }
});

test('junk cookies, spoofed forwarding headers and internal headers change nothing', async ({ page, request }) => {
  const junk = await request.get('/api/v1/me', {
    headers: { cookie: 'mamori.session=%%%garbage%%%; mamori.locale=\u00ff' },
  });
  expect(junk.status()).toBe(401);
  const bypass = await request.get('/api/v1/me', {
    headers: { 'x-middleware-subrequest': 'proxy:proxy:proxy:proxy:proxy' },
  });
  expect(bypass.status()).toBe(401);
  const page404 = await request.get('/platform/tenants', {
    headers: { 'x-middleware-subrequest': 'proxy:proxy:proxy:proxy:proxy' },
    maxRedirects: 0,
  });
  expect([307, 404]).toContain(page404.status());

  await login(page, 'sakura.operator');
  const me = await page.request.get('/api/v1/me', {
    headers: { 'x-forwarded-for': '203.0.113.66', 'x-real-ip': '203.0.113.67', 'x-mamori-client-ip': '203.0.113.68' },
  });
  expect((await me.json()).clientIp).toBe('127.0.0.1');
});

test('a server action posted from a foreign origin is refused and changes nothing', async ({ browser }) => {
  const victim = await browser.newContext();
  const page = await victim.newPage();
  await login(page, 'aoba.admin');
  const other = await browser.newContext();
  await login(await other.newPage(), 'aoba.admin');
  await page.goto('/account/sessions');
  const buttons = page.getByRole('button', { name: 'End session' });
  const before = await buttons.count();
  expect(before).toBeGreaterThan(0);

  // Capture the exact request the button sends, without letting it through.
  let captured: import('@playwright/test').Request | undefined;
  await page.route('**/account/sessions', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    captured = route.request();
    await route.abort();
  });
  await buttons.first().click();
  await expect.poll(() => captured).toBeDefined();
  await page.unroute('**/account/sessions');
  const replay = (origin: string | null) => {
    const headers = { ...captured!.headers() };
    delete headers.origin;
    if (origin) headers.origin = origin;
    return page.request.fetch(captured!.url(), { method: 'POST', headers, data: captured!.postDataBuffer()! });
  };

  expect((await replay('https://evil.example')).status()).toBe(403);
  // Next would let a request without Origin through; the server entry does not.
  expect((await replay(null)).status()).toBe(403);
  await page.reload();
  await expect(buttons).toHaveCount(before);

  // The same bytes from our own origin do work, so the refusal above was the origin check.
  await replay(new URL(captured!.url()).origin);
  await page.reload();
  await expect(buttons).toHaveCount(before - 1);
  await victim.close();
  await other.close();
});

test('the login form posted without proof of our origin is refused before it is read, and the refusal is on record', async ({
  browser,
  request,
}) => {
  const form = { loginId: 'sakura.admin', password: 'kanri-demo-2026' };
  const bare = await request.post('/login', { form, maxRedirects: 0 });
  expect(bare.status()).toBe(403);
  expect(bare.headers()['set-cookie']).toBeUndefined();
  const forged = await request.post('/login', { form, headers: { origin: 'https://evil.example' }, maxRedirects: 0 });
  expect(forged.status()).toBe(403);

  const staff = await (await browser.newContext()).newPage();
  await login(staff, 'platform.admin');
  await staff.goto('/t/00000000-0000-0000-0000-000000000000/audit?action=access.denied_origin');
  const rows = staff.getByTestId('audit-row');
  await expect(rows.filter({ hasText: 'https://evil.example' }).first()).toBeVisible();
  await expect(rows.filter({ hasText: 'no_origin_proof' }).first()).toBeVisible();
});

test('a malformed body is a 400 from the server entry, never a 500 from the framework', async ({
  request,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const part = '--XyZ\r\nContent-Disposition: form-data; name="loginId"\r\n\r\nsakura.admin';
  const post = (contentType: string, data: string) =>
    request.post('/login', {
      headers: { origin, 'content-type': contentType },
      data: Buffer.from(data),
      maxRedirects: 0,
    });
  const noBoundary = await post('multipart/form-data', `${part}\r\n--XyZ--\r\n`);
  expect(noBoundary.status()).toBe(400);
  expect(await noBoundary.text()).toContain('multipart_without_boundary');
  expect((await post('multipart/form-data; boundary=XyZ', part)).status()).toBe(400);
  expect(
    (
      await request.post('/api/v1/audit-events', {
        headers: { authorization: 'Bearer mk_x', 'content-type': 'application/json' },
        data: Buffer.from('{bad'),
        maxRedirects: 0,
      })
    ).status(),
  ).toBe(400);
});
