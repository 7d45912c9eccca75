import { expect, test } from '@playwright/test';
import { changePassword, clickSensitive, ensureTotp, login, openDialog } from './helpers';

const PLATFORM = '00000000-0000-0000-0000-000000000000';
const INTRUDER = '203.0.113.66';
// The demo incident (lib/demo/replay-incident.ts, played at the server's start for these tests)
// happens at the demo's fourth and fifth companies, which no other test uses.
const VICTIM = 'naniwa-fashion.mori.ren';
const COMPANY = '株式会社浪速ファッション';
const OTHER = '株式会社つばさアパレル';
const stamp = Date.now().toString(36);

test('the demo incident, walked: from the alert to a pivot, an incident, containment, compromise mode until every operator has re-established each factor, and a report equal to the facts', async ({
  browser,
}) => {
  // Several step-ups (each waits for a fresh 30-s TOTP step) and every operator of a company.
  test.setTimeout(480_000);
  const staff = await (await browser.newContext()).newPage();
  await login(staff, 'platform.admin');
  await ensureTotp(staff, 'platform.admin');

  // 1. The alert names the operator and the address, and pivots on either.
  await staff.goto('/');
  const alert = staff.getByTestId('alert').filter({ hasText: VICTIM });
  await expect(alert).toContainText('The right password, then wrong two-factor codes');
  await expect(alert.getByTestId('alert-detail')).toContainText(`From ${INTRUDER}, followed by 3 wrong codes`);
  await alert.getByRole('link', { name: `What came from ${INTRUDER}` }).click();
  await staff.waitForURL(/\/audit\?ip=/);
  const tenantId = new URL(staff.url()).pathname.split('/')[2];
  await expect(staff.getByTestId('pivot-counts')).toContainText('Order export completed1');
  await expect(staff.getByTestId('audit-row').first()).toContainText(VICTIM);

  // 2. Across every company the address reached two; the pivot opens a new incident.
  await staff.goto(`/t/${PLATFORM}/audit?across=all&ip=${INTRUDER}`);
  await expect(staff.getByTestId('across-tenant')).toHaveCount(2);
  const addPivot = staff.getByTestId('add-pivot');
  await addPivot.getByLabel('Add this pivot to').selectOption('new');
  await addPivot.getByLabel('Title').fill(`Backdoor on the web server ${stamp}`);
  await addPivot.getByRole('button', { name: 'Add pivot' }).click();
  await staff.getByTestId('pivot-added').click();
  await staff.waitForURL(/\/incidents\//);
  await expect(staff.getByTestId('incident-title')).toHaveText(`Backdoor on the web server ${stamp}`);
  const incidentUrl = staff.url();
  const incidentId = new URL(incidentUrl).pathname.split('/')[4];
  await expect(staff.getByTestId('incident-pivots')).toContainText(`Address: ${INTRUDER}`);

  // 3. The report of what the pivots touched equals the facts the demo played.
  await staff.getByTestId('radius-report-link').click();
  const report = staff.getByTestId('radius-report');
  await expect(report).toContainText(`Incident: Backdoor on the web server ${stamp}`);
  await expect(report).toContainText('2 companies, 3 sites; 2 login IDs were used');
  const facts = staff.getByTestId('report-facts');
  await expect(facts).toContainText(
    'Order history exported: 15,581 rows in 1 file (10,946 customers as counted per file).',
  );
  await expect(facts).toContainText('Member records: 3 shown in full, 450 listed');
  await expect(facts).toContainText('Orders: 0 shown in full, 200 listed.');
  await expect(facts).toContainText('Payment-gateway secrets revealed: 2.');
  await expect(facts).toContainText('Settings changed: 0.');
  const csv = await staff.request.get(`/api/v1/tenants/${PLATFORM}/audit/blast-radius?incident=${incidentId}`);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain(`${COMPANY}`);

  // 4. Contain from the incident's pivot: the address is blocked platform-wide, for the incident.
  await staff.goto(incidentUrl);
  await staff.getByTestId('incident-pivots').getByRole('link').first().click();
  await expect(staff.getByTestId('for-incident')).toContainText(`Backdoor on the web server ${stamp}`);
  const block = await openDialog(staff, staff.getByTestId('pivot-block-open'));
  await block.getByLabel(/^Reason/).fill('the intruder’s address');
  await clickSensitive(staff, 'platform.admin', block.getByRole('button', { name: 'Block this address', exact: true }));
  await expect(block).toBeHidden();
  await expect(staff.getByTestId('pivot-blocked')).toContainText(`Blocked ${INTRUDER}`);

  // 5. Compromise mode for the company whose TOTP seeds leaked, declared for the incident.
  await staff.goto(incidentUrl);
  const timeline = staff.getByTestId('incident-timeline');
  await expect(timeline).toContainText('Incident opened');
  await expect(timeline).toContainText('Address blocked');
  await staff.getByTestId('incident-declare-compromise').click();
  await expect(staff.getByTestId('for-incident')).toContainText(`Backdoor on the web server ${stamp}`);
  const declare = await openDialog(staff, staff.getByTestId('declare-compromise-open'));
  await declare.getByLabel('Only the tenants I choose').check();
  await declare.getByLabel('Filter by name or code').fill('naniwa');
  await declare.getByLabel(COMPANY).check();
  await declare.getByLabel('TOTP seeds may have leaked: everyone enrols TOTP again').check();
  await declare.getByLabel(/^Reason/).fill('TOTP seeds and password hashes taken through the backdoor');
  await clickSensitive(
    staff,
    'platform.admin',
    declare.getByRole('button', { name: 'Declare compromise mode', exact: true }),
  );
  await expect(declare).toBeHidden();
  const row = staff.getByTestId('compromise-tenant');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(COMPANY);
  await expect(row.locator('td').nth(1)).toContainText('0 / ');

  // 6. Every operator of the company signs in, sets a new password and enrols TOTP again.
  await staff.goto(`/t/${tenantId}`);
  await expect(staff.getByTestId('operator-row').first()).toBeVisible();
  const loginIds = (await staff.getByTestId('operator-row').locator('td:first-child').allTextContents()).map((s) =>
    s.trim(),
  );
  expect(loginIds).toContain(VICTIM);
  for (const loginId of loginIds) {
    const page = await (await browser.newContext()).newPage();
    await login(page, loginId);
    await changePassword(page, 'kanri-demo-2026', `re-established ${stamp}`);
    await expect(page.getByTestId('whoami')).toContainText(loginId);
    await ensureTotp(page, loginId);
    await page.context().close();
  }
  await staff.goto(`/t/${PLATFORM}/compromise`);
  const n = loginIds.length;
  await expect(row.locator('td').nth(1)).toContainText(`${n} / ${n} (100%)`);
  await expect(row.locator('td').nth(2)).toContainText(`${n} / ${n} (100%)`);
  await expect(row.locator('td').nth(3)).toHaveText('0');

  // 7. The incident's timeline holds the compromise mode, applied in the company's own chain.
  await staff.goto(incidentUrl);
  await expect(timeline).toContainText('Compromise mode declared');
  await expect(
    timeline.getByTestId('timeline-row').filter({ hasText: 'Compromise applied to the company' }),
  ).toContainText(COMPANY);
  await expect(staff.getByTestId('incident-compromise')).toContainText('is in force');
  // Each company's evidence bundle for the incident.
  const bundles = staff.getByTestId('incident-bundles');
  await expect(bundles.getByRole('link')).toHaveText([COMPANY, OTHER].sort((a, b) => a.localeCompare(b, 'ja')));
  const bundle = await staff.request.get(`/api/v1/tenants/${tenantId}/audit/bundle?incident=${incidentId}`);
  expect(bundle.status()).toBe(200);
  expect((await bundle.body()).includes(Buffer.from('blast-radius.json'))).toBe(true);

  // 8. Ended and closed only by explicit steps.
  await staff.goto(`/t/${PLATFORM}/compromise`);
  const end = await openDialog(staff, staff.getByTestId('end-compromise-open'));
  await end.getByLabel(/^Reason/).fill('every operator re-established both factors');
  await clickSensitive(staff, 'platform.admin', end.getByRole('button', { name: 'End compromise mode', exact: true }));
  await expect(end).toBeHidden();
  await staff.goto(incidentUrl);
  const close = await openDialog(staff, staff.getByTestId('close-incident-open'));
  await close.getByLabel(/^Reason/).fill('contained; notice filed with these figures');
  await close.getByRole('button', { name: 'Close incident', exact: true }).click();
  await expect(close).toBeHidden();
  await staff.reload();
  await expect(staff.getByTestId('incident-note')).toContainText('contained; notice filed with these figures');
  await expect(staff.getByTestId('incident-compromise')).toContainText('has ended');

  // A company's admin reaches none of it.
  const foreign = await (await browser.newContext()).newPage();
  await login(foreign, 'sakura.admin');
  const me = await (await foreign.request.get('/api/v1/me')).json();
  expect((await foreign.goto(`/t/${PLATFORM}/incidents/${incidentId}`))?.status()).toBe(404);
  expect((await foreign.goto(`/t/${me.tenant.id}/incidents/${incidentId}`))?.status()).toBe(404);
  expect((await foreign.goto(`/t/${tenantId}/incidents`))?.status()).toBe(404);
  const foreignBundle = await foreign.request.get(
    `/api/v1/tenants/${me.tenant.id}/audit/bundle?incident=${incidentId}`,
  );
  expect(foreignBundle.status()).toBe(404);
  for (const path of [
    `/api/v1/tenants/${me.tenant.id}/audit/blast-radius?incident=${incidentId}`,
    `/api/v1/tenants/${PLATFORM}/audit/blast-radius?incident=${incidentId}`,
    `/api/v1/tenants/${tenantId}/audit/blast-radius?ip=${INTRUDER}`,
  ])
    expect((await foreign.request.get(path)).status()).toBe(404);
  // Bad input is named, and nothing is measured.
  const bad = async (query: string) => {
    const r = await staff.request.get(`/api/v1/tenants/${PLATFORM}/audit/blast-radius?${query}`);
    return { status: r.status(), body: await r.json() };
  };
  expect(await bad(`incident=${incidentId}&ip=${INTRUDER}`)).toEqual({
    status: 400,
    body: expect.objectContaining({ error: 'bad_request', fields: { incident: ['alone'] } }),
  });
  expect(await bad('incident=not-an-id')).toEqual({
    status: 400,
    body: expect.objectContaining({ error: 'bad_request', fields: { incident: ['invalid_uuid'] } }),
  });
  expect(await bad('across=all&outcome=success')).toEqual({
    status: 400,
    body: expect.objectContaining({ error: 'bad_request', fields: { session: ['required'] } }),
  });
});
