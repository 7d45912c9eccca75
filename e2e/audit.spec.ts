import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('search the audit trail with filters and pivot from a login to everything its session did', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await login(page, 'sakura.admin');
  const me = await (await page.request.get('/api/v1/me')).json();
  await page.goto(`/t/${me.tenant.id}/audit`);
  await page.getByLabel('Actions (comma-separated)').fill('login.succeeded');
  await page.getByLabel('Actor (login ID)').fill('sakura.admin');
  await page.getByRole('button', { name: 'Search' }).click();
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toBeVisible();
  await expect(page.getByTestId('audit-action').first()).toHaveText('login.succeeded');
  await page.getByTestId('audit-action').first().click();
  await expect(page.getByTestId('audit-detail').first()).toContainText('"hash"');

  // Pivot: everything this session did.
  await rows.first().getByRole('link', { name: 'session' }).click();
  await expect(page).toHaveURL(/session=[0-9a-f-]{36}/);
  const actions = await page.getByTestId('audit-action').allTextContents();
  expect(actions).toContain('login.succeeded');
  expect(new URL(page.url()).searchParams.get('session')).toBe(me.sessionId);

  // Junk filters are a normal page, not an error.
  expect((await page.goto(`/t/${me.tenant.id}/audit?from=junk&ip=999.1.1.1&action=DROP%20TABLE`))?.status()).toBe(200);
});

test("the audit trail of another tenant is a 404, and operators without audit rights get 404 too", async ({ browser }) => {
  const aoba = await (await browser.newContext()).newPage();
  await login(aoba, 'aoba.operator');
  const aobaTenant = (await (await aoba.request.get('/api/v1/me')).json()).tenant.id;
  expect((await aoba.goto(`/t/${aobaTenant}/audit`))?.status()).toBe(404);
  const sakura = await (await browser.newContext()).newPage();
  await login(sakura, 'sakura.admin');
  expect((await sakura.goto(`/t/${aobaTenant}/audit`))?.status()).toBe(404);
});

test('download the evidence bundle and verify it with the offline CLI', async ({ page }) => {
  await login(page, 'sakura.admin');
  const me = await (await page.request.get('/api/v1/me')).json();
  await page.goto(`/t/${me.tenant.id}/audit`);
  await expect(page.getByTestId('signing-key')).toContainText('fingerprint');
  const download = await page.request.get(`/api/v1/tenants/${me.tenant.id}/audit/bundle`);
  expect(download.status()).toBe(200);
  expect(download.headers()['content-disposition']).toContain('attachment');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mamori-e2e-')), 'bundle.tar');
  writeFileSync(file, await download.body());
  const out = execFileSync(process.execPath, ['scripts/run.mjs', 'scripts/audit-verify.ts', file], { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, DATABASE_URL: '' } });
  expect(out).toMatch(/OK: \d+ events/);
  // The export itself is in the trail.
  await page.goto(`/t/${me.tenant.id}/audit?action=audit.exported`);
  await expect(page.getByTestId('audit-action').first()).toHaveText('audit.exported');
});
