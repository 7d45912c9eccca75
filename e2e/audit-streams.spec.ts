import { createServer } from 'node:http';
import { expect, test } from '@playwright/test';
import { verifyStreamCopy } from '../lib/audit/verify-stream-copy';
import { receiverPort } from '../playwright.config';
import { clickSensitive, ensureTotp, firstLogin, login, newCompany, newOperator, openDialog } from './helpers';

const stamp = Date.now().toString(36);
const code = `as-${stamp}`;
const adminLogin = `${code}.admin`;

// The company's SIEM, on this machine: it keeps every line it is sent.
const received: string[] = [];
const siem = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (body += c));
  req.on('end', () => {
    received.push(...body.split('\n').filter(Boolean));
    res.writeHead(204).end();
  });
});
test.beforeAll(() => new Promise<void>((resolve) => siem.listen(receiverPort, '127.0.0.1', resolve)));
test.afterAll(() => new Promise<void>((resolve) => siem.close(() => resolve())));

const events = () =>
  received.map((l) => JSON.parse(l)).filter((l: { type: string }) => l.type === 'mamori.audit_event') as {
    seq: number;
    action: string;
  }[];

test('a company admin streams the audit trail to their SIEM: in order, verifiable, paused and resumed', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const staff = await (await browser.newContext()).newPage();
  await login(staff, 'platform.admin');
  const tenantId = await newCompany(staff, '株式会社転送確認', code);
  const temporary = await newOperator(staff, tenantId, adminLogin, '転送 一郎', 'tenant_admin');
  const { page: admin } = await firstLogin(browser, adminLogin, temporary, 'streams never sleep');
  await ensureTotp(admin, adminLogin);

  await admin.goto(`/t/${tenantId}`);
  await admin.getByRole('link', { name: 'Audit streams' }).first().click();
  await expect(admin.getByRole('heading', { name: 'Audit streams', level: 1 })).toBeVisible();
  await expect(admin.getByTestId('no-streams')).toBeVisible();

  // A destination inside the network is refused by name, and nothing is added.
  const form = admin.getByTestId('create-stream');
  await form.getByLabel('Name').fill('SOC');
  await form.getByLabel('Receiver address').fill('https://10.0.0.7/in');
  await clickSensitive(admin, adminLogin, form.getByRole('button', { name: 'Add stream' }));
  await expect(form.getByTestId('error-url')).toContainText('not on the public internet');
  await expect(admin.getByTestId('stream')).toHaveCount(0);

  // The real one, from today: the secret is shown once, and the stream starts.
  await form.getByLabel('Receiver address').fill(`http://127.0.0.1:${receiverPort}/siem`);
  await form
    .getByLabel('Send past events from (optional)')
    .fill(new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10));
  await clickSensitive(admin, adminLogin, form.getByRole('button', { name: 'Add stream' }));
  await expect(admin.getByTestId('stream-secret')).toHaveText(/^whsec_/);
  await expect.poll(() => events().map((e) => e.action)).toContain('audit_stream.created');
  // Backfilled from today: the company's own first events (the admin's first sign-in) come first.
  expect(events()[0].seq).toBe(1);
  expect(events().map((e) => e.action)).toContain('login.succeeded');
  const stream = admin.getByTestId('stream');
  await expect(async () => {
    await admin.reload();
    await expect(stream.getByTestId('stream-lag')).toHaveText('caught up', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(stream.getByTestId('stream-state')).toHaveText('Running');

  // A test line reaches the receiver, and says so.
  await stream.getByRole('button', { name: 'Send a test event' }).click();
  await expect(stream.getByText('The receiver acknowledged the test event.')).toBeVisible();
  expect(received.some((l) => JSON.parse(l).type === 'mamori.test')).toBe(true);

  // Paused, nothing more leaves; resumed, it carries on from where it stopped.
  await clickSensitive(admin, adminLogin, stream.getByRole('button', { name: 'Pause' }));
  await expect(stream.getByTestId('stream-state')).toHaveText('Paused');
  const sent = events().length;
  await admin.reload();
  await expect(async () => {
    await admin.reload();
    await expect(stream.getByTestId('stream-lag')).not.toHaveText('caught up', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  expect(events().length).toBe(sent);
  await clickSensitive(admin, adminLogin, stream.getByRole('button', { name: 'Resume' }));
  await expect.poll(() => events().map((e) => e.action)).toContain('audit_stream.resumed');

  // The receiver's copy verifies offline: every event in order from seq 1, none changed.
  const key = await admin.locator('details pre').last().textContent();
  const seqs = events().map((e) => e.seq);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  const verdict = verifyStreamCopy(received.join('\n'), key ?? '');
  expect(verdict).toMatchObject({ ok: true, chains: [{ tenantId, firstSeq: 1, duplicates: 0 }] });

  // Another company's admin finds no such page; removing the stream asks first and is final.
  const other = await (await browser.newContext()).newPage();
  await login(other, 'sakura.admin');
  expect((await other.goto(`/t/${tenantId}/audit-streams`))?.status()).toBe(404);
  const dialog = await openDialog(admin, stream.getByRole('button', { name: 'Remove' }));
  await expect(dialog).toContainText('Nothing more is sent to “SOC”');
  await clickSensitive(admin, adminLogin, dialog.getByRole('button', { name: 'Remove' }));
  await expect(admin.getByTestId('stream')).toHaveCount(0);
});
