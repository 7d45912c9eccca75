import { and, asc, eq, inArray } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, alerts, auditEvents, members, orders } from '@/db/schema';
import type { OperatorContext } from '@/lib/kernel/operator-context';
import { advanceClock, resetClock } from '@/lib/clock';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createOperator, createSite, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { listMembers, listMembersQuery } from './list-members';
import { listOrders, listOrdersQuery } from './list-orders';
import { revealMember } from './reveal-member';
import { revealOrder } from './reveal-order';
import { checkAccess } from '@/lib/auth/guard';

setupTestDatabase();
afterEach(() => resetClock());

const PASSWORD = 'pii-lists-test-password-2026';
const suffix = Date.now().toString(36);
let a: string;
let b: string;
let siteA: string;
let bigSite: string;
let siteB: string;
let opA: OperatorContext;
let opB: OperatorContext;

beforeAll(async () => {
  a = await createTenant(`pii-a-${suffix}`);
  b = await createTenant(`pii-b-${suffix}`);
  siteA = await createSite(a, 'main', { members: 120, orders: 130, customers: 60 });
  bigSite = await createSite(a, 'big', { members: 600, orders: 600, customers: 300 });
  siteB = await createSite(b, 'main');
  opA = contextFor(a, await createOperator(a, `pii-a-${suffix}.op`, PASSWORD), 'tenant_operator', `pii-a-${suffix}.op`);
  opB = contextFor(
    b,
    await createOperator(b, `pii-b-${suffix}.admin`, PASSWORD, 'tenant_admin'),
    'tenant_admin',
    `pii-b-${suffix}.admin`,
  );
});

const eventsOf = (tenantId: string, operatorId: string, actions: string[]) =>
  withPlatformTx((tx) =>
    tx
      .select({ action: auditEvents.action, targetId: auditEvents.targetId, details: auditEvents.details })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.tenantId, tenantId),
          eq(auditEvents.actorOperatorId, operatorId),
          inArray(auditEvents.action, actions),
        ),
      )
      .orderBy(asc(auditEvents.seq)),
  );

const bulkAlerts = (tenantId: string, operatorId: string) =>
  withPlatformTx((tx) =>
    tx
      .select({ details: alerts.details })
      .from(alerts)
      .where(and(eq(alerts.tenantId, tenantId), eq(alerts.operatorId, operatorId), eq(alerts.rule, 'pii_bulk_view'))),
  );

const rawMembers = (siteId: string) =>
  withPlatformTx((tx) => tx.select().from(members).where(eq(members.siteId, siteId)));
const rawOrders = (siteId: string) => withPlatformTx((tx) => tx.select().from(orders).where(eq(orders.siteId, siteId)));

const SITE = 'app/t/[tenantId]/sites/[siteId]';

describe('member and order lists', () => {
  it('mask e-mail and phone and return only the listed columns', async () => {
    const full = new Map((await rawMembers(siteA)).map((m) => [m.id, m]));
    const page = await listMembers(tenantAccess(opA, a, 'members.read'), siteA, {});
    expect(page.site).toMatchObject({ id: siteA, code: 'main' });
    expect(page.rows).toHaveLength(50);
    for (const row of page.rows) {
      expect(Object.keys(row).sort()).toEqual(['email', 'id', 'memberNo', 'name', 'phone', 'registeredAt']);
      const real = full.get(row.id)!;
      expect(row.email).toMatch(/^[a-z]\*\*\*@mail\.example\.jp$/);
      expect(row.email).not.toContain(real.email.split('@')[0]);
      expect(row.phone).toBe(real.phone!.replace(/-\d{4}-/, '-****-'));
      expect(row.phone).toMatch(/^0[789]0-\*\*\*\*-\d{4}$/);
    }

    const fullOrders = new Map((await rawOrders(siteA)).map((o) => [o.id, o]));
    const orderPage = await listOrders(tenantAccess(opA, a, 'orders.read'), siteA, {});
    for (const row of orderPage.rows) {
      expect(Object.keys(row).sort()).toEqual([
        'amount',
        'customerEmail',
        'customerName',
        'customerPhone',
        'hasTracking',
        'id',
        'orderNo',
        'orderedAt',
        'status',
      ]);
      const real = fullOrders.get(row.id)!;
      expect(row.customerEmail).not.toContain(real.customerEmail.split('@')[0]);
      expect(row.customerPhone).toBe(real.customerPhone.replace(/-\d{4}-/, '-****-'));
      expect(row.hasTracking).toBe(real.trackingNo !== null);
    }
    const serialized = JSON.stringify([page, orderPage]);
    for (const m of full.values()) {
      expect(serialized).not.toContain(m.email);
      expect(serialized).not.toContain(m.phone);
    }
  });

  it('page newest first by keyset without overlap until the end, and search exact numbers', async () => {
    for (const [list, total] of [
      [(after?: string) => listMembers(tenantAccess(opA, a, 'members.read'), siteA, { after }), 120],
      [(after?: string) => listOrders(tenantAccess(opA, a, 'orders.read'), siteA, { after }), 130],
    ] as const) {
      const seen: string[] = [];
      const times: number[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await list(after);
        pages++;
        for (const row of page.rows) {
          seen.push(row.id);
          times.push(('registeredAt' in row ? row.registeredAt : row.orderedAt).getTime());
        }
        after = page.next ?? undefined;
      } while (after && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      expect(times).toEqual([...times].sort((x, y) => y - x));
    }
    // A junk cursor starts at the top instead of failing.
    expect((await listMembers(tenantAccess(opA, a, 'members.read'), siteA, { after: 'junk' })).rows).toHaveLength(50);

    // Typed in lower case or full width, as Japanese input methods often do.
    for (const q of ['m0000007', 'Ｍ００００００７']) {
      expect(
        (await listMembers(tenantAccess(opA, a, 'members.read'), siteA, listMembersQuery.parse({ q }))).rows.map(
          (r) => r.memberNo,
        ),
      ).toEqual(['M0000007']);
    }
    expect(
      (await listMembers(tenantAccess(opA, a, 'members.read'), siteA, listMembersQuery.parse({ q: 'M000000' }))).rows,
    ).toEqual([]);
    const [some] = await rawOrders(siteA);
    const order = await listOrders(
      tenantAccess(opA, a, 'orders.read'),
      siteA,
      listOrdersQuery.parse({ q: some.orderNo }),
    );
    expect(order.rows.map((r) => r.id)).toEqual([some.id]);
    const shipped = await listOrders(
      tenantAccess(opA, a, 'orders.read'),
      siteA,
      listOrdersQuery.parse({ status: 'shipped', after: '' }),
    );
    expect(shipped.rows.length).toBeGreaterThan(0);
    expect(shipped.rows.every((r) => r.status === 'shipped' && r.hasTracking)).toBe(true);
    expect(listOrdersQuery.parse({ status: 'DROP', q: '' })).toEqual({
      status: undefined,
      q: undefined,
      after: undefined,
    });
  });

  it('audit each page view with its count', async () => {
    const viewer = contextFor(a, crypto.randomUUID(), 'tenant_operator', 'count.viewer');
    await listMembers(tenantAccess(viewer, a, 'members.read'), siteA, {});
    await listOrders(tenantAccess(viewer, a, 'orders.read'), siteA, listOrdersQuery.parse({ q: 'NOPE' }));
    const events = await eventsOf(a, viewer.operatorId, ['members.listed', 'orders.listed']);
    expect(events).toEqual([
      { action: 'members.listed', targetId: siteA, details: { siteId: siteA, count: 50 } },
      { action: 'orders.listed', targetId: siteA, details: { siteId: siteA, count: 0 } },
    ]);
  });

  it("answer 404 to another tenant's operator, for the lists and the reveals", async () => {
    const [memberA] = await rawMembers(siteA);
    const [orderA] = await rawOrders(siteA);
    for (const attempt of [
      () => listMembers(tenantAccess(opB, b, 'members.read'), siteA, {}),
      () => listOrders(tenantAccess(opB, b, 'orders.read'), siteA, {}),
      () => listOrders(tenantAccess(opB, b, 'orders.read'), 'not-a-uuid', {}),
      () => revealMember(tenantAccess(opB, b, 'members.read'), memberA.id),
      () => revealOrder(tenantAccess(opB, b, 'orders.read'), orderA.id),
      () => revealOrder(tenantAccess(opB, b, 'orders.read'), 'not-a-uuid'),
      // Asking for tenant A itself: the guard refuses before any lib code runs.
      () => checkAccess(opB, `${SITE}/members/page.tsx`, { tenantId: a }),
      () => checkAccess(opB, `${SITE}/orders/page.tsx`, { tenantId: a }),
      () => checkAccess(opB, `${SITE}/members/actions.ts revealMemberAction`, { tenantId: a }),
      () => checkAccess(opB, `${SITE}/orders/actions.ts revealOrderAction`, { tenantId: a }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'not_found', status: 404 });
    }
    // Nothing was listed or revealed, in either tenant's trail.
    const actions = ['members.listed', 'orders.listed', 'member.revealed', 'order.revealed'];
    expect(await eventsOf(a, opB.operatorId, actions)).toEqual([]);
    expect(await eventsOf(b, opB.operatorId, actions)).toEqual([]);
    // Its own site still works.
    expect((await listMembers(tenantAccess(opB, b, 'members.read'), siteB, {})).rows.length).toBe(30);
    // Customer data is the tenant's: platform staff without its grant meet the same wall.
    for (const role of ['platform_auditor', 'platform_admin'] as const) {
      const staff = contextFor(PLATFORM_TENANT_ID, crypto.randomUUID(), role, 'staff');
      for (const page of ['orders', 'members'] as const)
        await expect(checkAccess(staff, `${SITE}/${page}/page.tsx`, { tenantId: a })).rejects.toMatchObject({
          code: 'not_found',
        });
    }
  });

  it('reveal one full record with exactly one audit event that carries no personal data', async () => {
    const viewer = contextFor(a, crypto.randomUUID(), 'tenant_operator', 'reveal.viewer');
    const [memberRow] = (await listMembers(tenantAccess(viewer, a, 'members.read'), siteA, {})).rows;
    const [real] = await withPlatformTx((tx) => tx.select().from(members).where(eq(members.id, memberRow.id)));
    const revealed = await revealMember(tenantAccess(viewer, a, 'members.read'), memberRow.id);
    expect(revealed).toEqual(real);

    const [orderRow] = (await listOrders(tenantAccess(viewer, a, 'orders.read'), siteA, {})).rows;
    const [realOrder] = await withPlatformTx((tx) => tx.select().from(orders).where(eq(orders.id, orderRow.id)));
    expect(await revealOrder(tenantAccess(viewer, a, 'orders.read'), orderRow.id)).toEqual(realOrder);

    const events = await eventsOf(a, viewer.operatorId, ['member.revealed', 'order.revealed']);
    expect(events).toEqual([
      { action: 'member.revealed', targetId: real.id, details: { siteId: siteA, memberNo: real.memberNo } },
      { action: 'order.revealed', targetId: realOrder.id, details: { siteId: siteA, orderNo: realOrder.orderNo } },
    ]);
    const trail = JSON.stringify(
      await eventsOf(a, viewer.operatorId, ['members.listed', 'orders.listed', 'member.revealed', 'order.revealed']),
    );
    for (const value of [
      real.email,
      real.phone!,
      real.name,
      real.address!,
      realOrder.customerEmail,
      realOrder.customerPhone,
      realOrder.shipAddress,
    ]) {
      expect(trail).not.toContain(value);
    }
  });
});

describe('bulk viewing alert', () => {
  it('fires once when an operator lists more than 500 records across both lists within an hour', async () => {
    const viewer = contextFor(
      a,
      await createOperator(a, `pii-a-${suffix}.bulk`, PASSWORD),
      'tenant_operator',
      `pii-a-${suffix}.bulk`,
    );
    let memberCursor: string | undefined;
    let orderCursor: string | undefined;
    const viewMembers = async () => {
      const page = await listMembers(tenantAccess(viewer, a, 'members.read'), bigSite, { after: memberCursor });
      memberCursor = page.next ?? undefined;
      return page;
    };
    const viewOrders = async () => {
      const page = await listOrders(tenantAccess(viewer, a, 'orders.read'), bigSite, { after: orderCursor });
      orderCursor = page.next ?? undefined;
      return page;
    };

    // 300 members and 200 orders: exactly 500 is not over the limit.
    for (let i = 0; i < 6; i++) expect((await viewMembers()).alerted).toBe(false);
    for (let i = 0; i < 4; i++) expect((await viewOrders()).alerted).toBe(false);
    expect(await bulkAlerts(a, viewer.operatorId)).toEqual([]);

    // The view that goes over raises it; the views after it do not.
    expect((await viewOrders()).alerted).toBe(true);
    for (let i = 0; i < 6; i++) expect((await viewMembers()).alerted).toBe(false);
    expect(memberCursor).toBeUndefined();
    expect(await bulkAlerts(a, viewer.operatorId)).toEqual([{ details: { records: 550, windowMinutes: 60 } }]);
    const raised = await withPlatformTx((tx) =>
      tx
        .select({ details: auditEvents.details })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, a), eq(auditEvents.action, 'alert.raised'))),
    );
    expect(
      raised.filter((e) => (e.details as { operatorLoginId?: string }).operatorLoginId === viewer.loginId),
    ).toHaveLength(1);

    // An hour later the earlier views no longer count.
    advanceClock(61 * 60_000);
    expect((await viewOrders()).alerted).toBe(false);
    expect(await bulkAlerts(a, viewer.operatorId)).toHaveLength(1);
  });

  it('fires exactly once when two views cross the limit at the same time', async () => {
    const viewer = contextFor(a, crypto.randomUUID(), 'tenant_operator', 'concurrent.viewer');
    let after: string | undefined;
    for (let i = 0; i < 10; i++)
      after = (await listMembers(tenantAccess(viewer, a, 'members.read'), bigSite, { after })).next ?? undefined;
    const views = await Promise.all([
      listMembers(tenantAccess(viewer, a, 'members.read'), bigSite, { after }),
      listOrders(tenantAccess(viewer, a, 'orders.read'), bigSite, {}),
    ]);
    expect(views.filter((v) => v.alerted)).toHaveLength(1);
    expect(await bulkAlerts(a, viewer.operatorId)).toEqual([{ details: { records: 550, windowMinutes: 60 } }]);
  });

  it('does not fire below the limit, and counts each operator on their own', async () => {
    const first = contextFor(a, crypto.randomUUID(), 'tenant_operator', 'below.one');
    const second = contextFor(a, crypto.randomUUID(), 'tenant_operator', 'below.two');
    for (const viewer of [first, second]) {
      let after: string | undefined;
      for (let i = 0; i < 9; i++) {
        const page = await listMembers(tenantAccess(viewer, a, 'members.read'), bigSite, { after });
        expect(page.alerted).toBe(false);
        after = page.next ?? undefined;
      }
    }
    expect(await bulkAlerts(a, first.operatorId)).toEqual([]);
    expect(await bulkAlerts(a, second.operatorId)).toEqual([]);
  });
});
