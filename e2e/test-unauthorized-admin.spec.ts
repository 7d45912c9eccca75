import { expect, test, type Page, type Request } from '@playwright/test';
import { login, openDialog } from './helpers';

/** Captures the request a form submit would send, without letting it through. */
async function capture(page: Page, submit: () => Promise<void>): Promise<Request> {
  let captured: Request | undefined;
  await page.route('**/*', async (route) => {
    if (route.request().method() === 'POST' && route.request().headers()['next-action']) {
      captured = route.request();
      return route.abort();
    }
    return route.continue();
  });
  await submit();
  await expect.poll(() => captured).toBeDefined();
  await page.unroute('**/*');
  return captured!;
}

const replay = (page: Page, req: Request, body?: Buffer) =>
  page.request.fetch(req.url(), { method: 'POST', headers: req.headers(), data: body ?? req.postDataBuffer()! });

test('a tenant operator gets 404 for admin pages and for admin actions posted directly', async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await login(admin, 'sakura.admin');
  const me = await (await admin.request.get('/api/v1/me')).json();
  const tenantId = me.tenant.id;

  // One wrong password for the operator, so that there is something to unlock.
  const guess = await (await browser.newContext()).newPage();
  await guess.goto('/login');
  await guess.getByLabel('Login ID', { exact: true }).fill('sakura.operator');
  await guess.getByLabel('Password', { exact: true }).fill('not the password');
  await guess.getByRole('button', { name: 'Log in' }).click();
  await expect(guess.getByRole('alert')).toBeVisible();

  // The admin's own "unlock" request for the tenant's operator, captured.
  await admin.goto(`/t/${tenantId}?q=sakura.operator`);
  await admin.getByRole('link', { name: 'sakura.operator' }).click();
  await openDialog(admin, admin.getByRole('button', { name: /Unlock/ }));
  await admin
    .getByRole('alertdialog')
    .getByLabel(/Reason/)
    .fill('operator called the help desk');
  const unlock = await capture(admin, () =>
    admin
      .getByRole('alertdialog')
      .getByRole('button', { name: /Unlock/ })
      .click(),
  );

  const operator = await (await browser.newContext()).newPage();
  await login(operator, 'sakura.operator');
  for (const path of [
    `/t/${tenantId}/operators/new`,
    `/t/${tenantId}/operators/${me.operatorId}`,
    '/platform/tenants',
    '/platform/tenants/new',
    '/platform/sessions',
    '/platform/staff',
  ]) {
    expect((await operator.goto(path))?.status(), path).toBe(404);
  }
  // The same action bytes under the operator's session: refused as not found.
  const asOperator = await operator.request.fetch(unlock.url(), {
    method: 'POST',
    headers: {
      ...unlock.headers(),
      cookie: (await operator.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; '),
    },
    data: unlock.postDataBuffer()!,
  });
  expect(asOperator.status()).toBe(404);
  // Under the admin's own session the same bytes work, so the refusal was the permission.
  expect((await replay(admin, unlock)).status()).toBe(200);
});

test("a tenant admin cannot act on another tenant's operators, even by editing the request", async ({ browser }) => {
  const aoba = await (await browser.newContext()).newPage();
  await login(aoba, 'aoba.admin');
  const aobaMe = await (await aoba.request.get('/api/v1/me')).json();

  const sakura = await (await browser.newContext()).newPage();
  await login(sakura, 'sakura.admin');
  const sakuraMe = await (await sakura.request.get('/api/v1/me')).json();
  expect((await sakura.goto(`/t/${aobaMe.tenant.id}/operators/${aobaMe.operatorId}`))?.status()).toBe(404);

  // Capture sakura's own "disable" of sakura.operator, then point it at aoba's tenant and admin.
  await sakura.goto(`/t/${sakuraMe.tenant.id}?q=sakura.operator`);
  await sakura.getByRole('link', { name: 'sakura.operator' }).click();
  await openDialog(sakura, sakura.getByRole('button', { name: 'Disable operator' }));
  await sakura
    .getByRole('alertdialog')
    .getByLabel(/Reason/)
    .fill('cross-tenant probe');
  const disable = await capture(sakura, () =>
    sakura.getByRole('alertdialog').getByRole('button', { name: 'Disable operator' }).click(),
  );
  const body = disable.postDataBuffer()!.toString('utf8');
  const operatorIdInForm = /name="[^"]*operatorId"\r\n\r\n([0-9a-f-]{36})/.exec(body)?.[1];
  expect(operatorIdInForm).toBeTruthy();
  const forged = body.replaceAll(sakuraMe.tenant.id, aobaMe.tenant.id).replaceAll(operatorIdInForm!, aobaMe.operatorId);
  expect((await replay(sakura, disable, Buffer.from(forged))).status()).toBe(404);
  // Own tenant id with the other tenant's operator id: also not found.
  const mixed = body.replaceAll(operatorIdInForm!, aobaMe.operatorId);
  expect((await replay(sakura, disable, Buffer.from(mixed))).status()).toBe(404);

  // aoba.admin still works.
  await aoba.goto('/');
  await expect(aoba.getByTestId('whoami')).toContainText('aoba.admin');
});
