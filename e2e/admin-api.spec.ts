import { expect, test } from '@playwright/test';
import { clickSensitive, ensureTotp, firstLogin, login, problem } from './helpers';

test('an HR system onboards an operator over the API with a token made in the console; a retry makes no second one, another company is not found', async ({
  browser,
  request,
}) => {
  const admin = await (await browser.newContext()).newPage();
  await login(admin, 'sakura.admin');
  const me = await (await admin.request.get('/api/v1/me')).json();
  const tenantId = me.tenant.id as string;
  await ensureTotp(admin, 'sakura.admin');
  await admin.goto(`/t/${tenantId}/api-tokens`);
  await admin.getByLabel('Name', { exact: true }).fill('HR sync');
  await admin.getByLabel(/^audit:read/).uncheck();
  await admin.getByLabel(/^operators:read/).check();
  await admin.getByLabel(/^operators:write/).check();
  await clickSensitive(admin, 'sakura.admin', admin.getByRole('button', { name: 'Create token' }));
  const token = (await admin.getByTestId('api-token').textContent())!.trim();
  const auth = { authorization: `Bearer ${token}` };

  const loginId = `sakura.api${Date.now().toString(36)}`;
  const create = () =>
    request.post(`/api/v1/tenants/${tenantId}/operators`, {
      headers: { ...auth, 'idempotency-key': `onboard-${loginId}` },
      data: { loginId, displayName: 'API 花子', email: 'hanako@example.jp' },
    });
  const created = await create();
  expect(created.status()).toBe(201);
  expect(created.headers()['cache-control']).toBe('no-store');
  const body = await created.json();
  expect(body.operator).toMatchObject({ loginId, role: 'tenant_operator', mustChangePassword: true });
  const retried = await create();
  expect([retried.status(), retried.headers()['idempotent-replayed'], await retried.json()]).toEqual([
    201,
    'true',
    body,
  ]);
  const listed = await request.get(`/api/v1/tenants/${tenantId}/operators?q=${loginId}`, { headers: auth });
  expect((await listed.json()).operators).toHaveLength(1);

  // The new operator signs in with the temporary password the API handed over, once.
  const { page: newcomer } = await firstLogin(browser, loginId, body.temporaryPassword, 'a long new password 2026');
  await expect(newcomer.getByTestId('whoami')).toContainText(loginId);

  // The change is in the audit trail under the token's name.
  await admin.goto(`/t/${tenantId}/audit?action=operator.created`);
  await expect(admin.getByText('api-token:HR sync').first()).toBeVisible();

  // Without the key, with bad input, or for another company: refused, and nothing is made.
  const noKey = await request.post(`/api/v1/tenants/${tenantId}/operators`, {
    headers: auth,
    data: { loginId: `${loginId}x`, displayName: 'x' },
  });
  expect([noKey.status(), await noKey.json()]).toEqual([
    400,
    problem('bad_request', 400, { 'Idempotency-Key': ['required'] }),
  ]);
  const aoba = await (await browser.newContext()).newPage();
  await login(aoba, 'aoba.admin');
  const aobaId = (await (await aoba.request.get('/api/v1/me')).json()).tenant.id;
  const foreign = await request.get(`/api/v1/tenants/${aobaId}/operators`, { headers: auth });
  expect([foreign.status(), await foreign.json()]).toEqual([404, problem('not_found', 404)]);
  const scope = await request.get(`/api/v1/tenants/${tenantId}/ip-allowlist`, { headers: auth });
  expect([scope.status(), await scope.json()]).toEqual([403, problem('forbidden', 403)]);

  const openapi = await (await request.get('/api/v1/openapi.json')).json();
  expect(Object.keys(openapi.paths)).toEqual(
    expect.arrayContaining(['/api/v1/tenants/{tenantId}/operators', '/api/v1/tenants/{tenantId}/ip-allowlist']),
  );
});
