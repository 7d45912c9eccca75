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

test('export the filtered trail as CSV that round-trips through a strict parser', async ({ page }) => {
  const { parseCsv } = await import('../lib/http/csv');
  await login(page, 'sakura.admin');
  const me = await (await page.request.get('/api/v1/me')).json();
  const res = await page.request.get(`/api/v1/tenants/${me.tenant.id}/audit/export?action=login.succeeded&format=csv&encoding=utf8`);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-disposition']).toContain('attachment');
  expect(res.headers()['cache-control']).toContain('no-store');
  const rows = parseCsv(await res.text());
  expect(rows[0]).toEqual(['seq', 'occurred_at_utc', 'actor_login_id', 'actor_operator_id', 'action', 'outcome', 'target_type', 'target_id', 'ip', 'user_agent', 'session_id', 'details', 'hash']);
  expect(rows.length).toBeGreaterThan(1);
  for (const r of rows.slice(1)) expect(r[4]).toBe('login.succeeded');
});

test('a SIEM reads audit events with an API token created after step-up; other networks and junk tokens are refused', async ({ browser, request }) => {
  const { clickSensitive, enrollTotp } = await import('./helpers');
  const admin = await (await browser.newContext()).newPage();
  await login(admin, 'sakura.admin');
  const me = await (await admin.request.get('/api/v1/me')).json();
  await enrollTotp(admin, 'sakura.admin');
  await admin.goto(`/t/${me.tenant.id}/api-tokens`);
  await admin.getByLabel('Name', { exact: true }).fill('SIEM collector');
  await clickSensitive(admin, 'sakura.admin', admin.getByRole('button', { name: 'Create token' }));
  const token = (await admin.getByTestId('api-token').textContent())!.trim();
  expect(token).toMatch(/^mmr_/);

  const ok = await request.get('/api/v1/audit-events?action=login.succeeded', { headers: { authorization: `Bearer ${token}` } });
  expect(ok.status()).toBe(200);
  const body = await ok.json();
  expect(body.events.length).toBeGreaterThan(0);
  expect(body.events.every((e: { tenantId: string }) => e.tenantId === me.tenant.id)).toBe(true);
  expect((await request.get('/api/v1/audit-events', { headers: { authorization: 'Bearer mmr_nope' } })).status()).toBe(401);
  expect((await request.get('/api/v1/audit-events')).status()).toBe(401);
  const openapi = await (await request.get('/api/v1/openapi.json')).json();
  expect(openapi.openapi).toBe('3.1.0');
  await admin.reload();
  await expect(admin.getByTestId('token-row').first()).toContainText('SIEM collector');
});
