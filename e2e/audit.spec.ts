import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { login, problem, typeDateTime } from './helpers';

test('search the audit trail with filters and pivot from a login to everything its session did', async ({
  browser,
}) => {
  const page = await (await browser.newContext()).newPage();
  await login(page, 'sakura.admin');
  const me = await (await page.request.get('/api/v1/me')).json();
  await page.goto(`/t/${me.tenant.id}/audit`);
  await page.getByLabel('Actions', { exact: true }).fill('login.succeeded');
  await page.getByLabel('Actor', { exact: true }).fill('sakura.admin');
  await page.getByRole('button', { name: 'Search' }).click();
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toBeVisible();
  // The action by its label, its name beside it; the details as named fields.
  await expect(page.getByTestId('audit-action').first()).toContainText('Signed in');
  await expect(page.getByTestId('audit-action-id').first()).toHaveText('login.succeeded');
  await page.getByTestId('audit-action').first().click();
  const hash = page.getByTestId('audit-detail').first().locator('[data-field="hash"]');
  await expect(hash.locator('dt')).toHaveText('Hash');
  await expect(hash.locator('dd')).toHaveText(/^[0-9a-f]{64}$/);

  // Pivot: everything this session did.
  await rows.first().getByRole('link', { name: 'session' }).click();
  await expect(page).toHaveURL(/session=[0-9a-f-]{36}/);
  const actions = await page.getByTestId('audit-action-id').allTextContents();
  expect(actions).toContain('login.succeeded');
  expect(new URL(page.url()).searchParams.get('session')).toBe(me.sessionId);
  // What the session did, counted by action; each count narrows the pivot to that action.
  const counts = page.getByTestId('pivot-counts');
  await expect(counts.getByRole('heading')).toContainText(/events? of this session, by action/);
  await counts.getByRole('link', { name: /Signed in/ }).click();
  await expect(page).toHaveURL(/action=login\.succeeded/);
  expect(new URL(page.url()).searchParams.get('session')).toBe(me.sessionId);
  expect(new Set(await page.getByTestId('audit-action-id').allTextContents())).toEqual(new Set(['login.succeeded']));

  // Junk filters are named field by field; nothing is searched, and there is nothing to export.
  expect((await page.goto(`/t/${me.tenant.id}/audit?from=junk&ip=999.1.1.1&action=orders.bogus`))?.status()).toBe(200);
  await expect(page.getByTestId('filter-invalid')).toBeVisible();
  await expect(page.getByTestId('filter-error-ip')).toHaveText('Not an IP address or CIDR range.');
  await expect(page.getByTestId('error-from')).toHaveText('Enter a date and time, e.g. 2026-12-02 23:30.');
  await expect(page.getByTestId('filter-error-action')).toContainText('No such action: orders.bogus.');
  await expect(page.getByLabel('IP address', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('audit-row')).toHaveCount(0);
  await expect(page.getByTestId('export-csv-utf8')).toHaveCount(0);
  // A group wildcard is a filter of its own.
  await page.goto(`/t/${me.tenant.id}/audit?action=login.*`);
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  expect(new Set(await page.getByTestId('audit-action-id').allTextContents()).has('login.succeeded')).toBe(true);
  expect((await page.getByTestId('audit-action-id').allTextContents()).every((a) => a.startsWith('login.'))).toBe(true);
});

test('a console filter is read in Japan time; export URLs and the API take instants only and refuse a bad filter with 400', async ({
  page,
}) => {
  await login(page, 'sakura.admin');
  const me = await (await page.request.get('/api/v1/me')).json();
  // The session's own login, searched from the minute it happened on the Japan-time wall clock.
  const loginEvent = await (
    await page.request.get(
      `/api/v1/tenants/${me.tenant.id}/audit/export?format=jsonl&session=${me.sessionId}&action=login.succeeded`,
    )
  ).text();
  const at = new Date(JSON.parse(loginEvent.trim().split('\n')[0]).occurredAt);
  const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  const jst = new Date(minute.getTime() + 9 * 3_600_000).toISOString().slice(0, 16);
  await page.goto(`/t/${me.tenant.id}/audit`);
  await typeDateTime(page, 'From', `${jst}:00`);
  await page.getByLabel('Actions', { exact: true }).fill('login.succeeded');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  expect(new URL(page.url()).searchParams.get('from')).toBe(`${jst}:00`);
  // The export link carries the same filter as an instant, and the file says so on every row.
  const href = (await page.getByTestId('export-csv-utf8').getAttribute('href'))!;
  expect(new URL(href, 'http://x').searchParams.get('from')).toBe(minute.toISOString());
  const csv = await (await page.request.get(href)).text();
  expect(csv.split('\r\n')[1]).toContain(`from=${encodeURIComponent(minute.toISOString())}`);
  expect(csv.split('\r\n')[1]).toContain('Asia/Tokyo');

  for (const [query, field, reason] of [
    [`from=${jst}`, 'from', 'offset_required'],
    ['ip=999.1.1.1', 'ip', 'invalid_ip'],
    ['action=orders.bogus', 'action', 'unknown_action:orders.bogus'],
    ['format=xlsx', 'format', 'invalid_choice'],
    ['acton=login.failed', 'acton', 'unknown_parameter'],
  ]) {
    const res = await page.request.get(`/api/v1/tenants/${me.tenant.id}/audit/export?${query}`);
    expect(res.status(), query).toBe(400);
    expect(await res.json()).toEqual(problem('bad_request', 400, { [field]: [reason] }));
  }
  expect((await page.request.get(`/api/v1/tenants/${me.tenant.id}/audit/bundle?from=${jst}`)).status()).toBe(400);
});

test('the audit trail of another tenant is a 404, and operators without audit rights get 404 too', async ({
  browser,
}) => {
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
  const out = execFileSync(process.execPath, ['scripts/run.mjs', 'scripts/audit-verify.ts', file], {
    encoding: 'utf8',
    stdio: 'pipe',
    env: { ...process.env, DATABASE_URL: '' },
  });
  expect(out).toMatch(/OK: \d+ events/);
  // The export itself is in the trail.
  await page.goto(`/t/${me.tenant.id}/audit?action=audit.exported`);
  await expect(page.getByTestId('audit-action-id').first()).toHaveText('audit.exported');
});

test('export the filtered trail as CSV that round-trips through a strict parser', async ({ page }) => {
  const { parseCsv } = await import('../lib/http/csv');
  await login(page, 'sakura.admin');
  const me = await (await page.request.get('/api/v1/me')).json();
  const res = await page.request.get(
    `/api/v1/tenants/${me.tenant.id}/audit/export?action=login.succeeded&format=csv&encoding=utf8`,
  );
  expect(res.status()).toBe(200);
  expect(res.headers()['content-disposition']).toContain('attachment');
  expect(res.headers()['cache-control']).toContain('no-store');
  const rows = parseCsv(await res.text());
  expect(rows[0]).toEqual([
    'filter',
    'time_zone',
    'seq',
    'occurred_at_utc',
    'occurred_at_local',
    'actor_login_id',
    'actor_operator_id',
    'action',
    'outcome',
    'target_type',
    'target_id',
    'ip',
    'user_agent',
    'session_id',
    'details',
    'hash',
  ]);
  expect(rows.length).toBeGreaterThan(1);
  for (const r of rows.slice(1)) expect(r.slice(0, 2)).toEqual(['action=login.succeeded', 'Asia/Tokyo']);
  for (const r of rows.slice(1)) expect(r[7]).toBe('login.succeeded');
});

test('a SIEM reads audit events with an API token created after step-up; other networks and junk tokens are refused', async ({
  browser,
  request,
}) => {
  const { clickSensitive, ensureTotp } = await import('./helpers');
  const admin = await (await browser.newContext()).newPage();
  await login(admin, 'sakura.admin');
  const me = await (await admin.request.get('/api/v1/me')).json();
  await ensureTotp(admin, 'sakura.admin');
  await admin.goto(`/t/${me.tenant.id}/api-tokens`);
  await admin.getByLabel('Name', { exact: true }).fill('SIEM collector');
  await clickSensitive(admin, 'sakura.admin', admin.getByRole('button', { name: 'Create token' }));
  const token = (await admin.getByTestId('api-token').textContent())!.trim();
  expect(token).toMatch(/^mmr_/);

  const ok = await request.get('/api/v1/audit-events?action=login.succeeded', {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(ok.status()).toBe(200);
  const body = await ok.json();
  expect(body.events.length).toBeGreaterThan(0);
  expect(body.events.every((e: { tenantId: string }) => e.tenantId === me.tenant.id)).toBe(true);
  expect((await request.get('/api/v1/audit-events', { headers: { authorization: 'Bearer mmr_nope' } })).status()).toBe(
    401,
  );
  const naive = await request.get('/api/v1/audit-events?from=2026-12-02T23:30', {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(naive.status()).toBe(400);
  expect(await naive.json()).toEqual(problem('bad_request', 400, { from: ['offset_required'] }));
  expect(
    (
      await request.get(`/api/v1/audit-events?tenant=${me.tenant.id}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).status(),
  ).toBe(400);
  expect((await request.get('/api/v1/audit-events')).status()).toBe(401);
  const openapi = await (await request.get('/api/v1/openapi.json')).json();
  expect(openapi.openapi).toBe('3.1.0');
  await admin.reload();
  await expect(admin.getByTestId('token-row').first()).toContainText('SIEM collector');
  await expect(admin.getByTestId('token-row').first()).toContainText('audit:read');

  // A token bound to other networks than the caller's is refused, and a refused line says why.
  await admin.getByLabel('Name', { exact: true }).fill('Office only');
  await admin.getByLabel(/Networks/).fill('198.51.100.0/24 Tokyo office\n10.0.0.1/33');
  await admin.getByRole('button', { name: 'Create token' }).click();
  await expect(admin.locator('#f-networks')).toHaveAttribute('aria-invalid', 'true');
  await admin.getByLabel(/Networks/).fill('198.51.100.0/24 Tokyo office');
  await admin.getByRole('button', { name: 'Create token' }).click();
  const bound = (await admin.getByTestId('api-token').textContent())!.trim();
  const outside = await request.get('/api/v1/audit-events', { headers: { authorization: `Bearer ${bound}` } });
  expect([outside.status(), await outside.json()]).toEqual([403, problem('ip_denied', 403)]);
});
