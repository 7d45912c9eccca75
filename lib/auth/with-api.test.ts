import { NextRequest } from 'next/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppError } from '@/lib/http/app-error';
import { logger } from '@/lib/observability/logger';

/**
 * withApi around a stand-in guard and key store: what it keeps for an Idempotency-Key. The store
 * itself is tested against the database (lib/api/*.int.test.ts).
 */
const state = vi.hoisted(() => ({ guard: vi.fn(), claim: vi.fn(), settle: vi.fn() }));
vi.mock('./guard', () => ({ authorizeToken: state.guard }));
vi.mock('@/lib/api/claim-idempotency-key', () => ({ claimIdempotencyKey: state.claim }));
vi.mock('@/lib/api/settle-idempotency-key', () => ({ settleIdempotencyKey: state.settle }));

const { withApi } = await import('./with-api');
const { defineOperation } = await import('@/lib/api/operation');

const TENANT = '7d3f1c52-8a7e-4f0b-9a51-3b8f4c2d1e60';
const op = defineOperation({
  entry: 'app/api/v1/tenants/[tenantId]/operators/route.ts POST',
  method: 'POST',
  path: '/api/v1/tenants/{tenantId}/operators',
  operationId: 'test',
  tag: 'test',
  summary: 'test',
  params: z.object({ tenantId: z.uuid() }),
  body: z.object({ name: z.string() }),
  answer: { status: 201, description: 'made', schema: z.object({ id: z.string() }) },
});
const post = (key = 'k-1') =>
  new NextRequest(`http://mamori.test/api/v1/tenants/${TENANT}/operators`, {
    method: 'POST',
    headers: { authorization: 'Bearer x', 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ name: 'a' }),
  });
const params = { params: Promise.resolve({ tenantId: TENANT }) };

beforeEach(() => {
  vi.clearAllMocks();
  state.guard.mockResolvedValue({ tenantId: TENANT, token: { id: 'tok', name: 'hr' } });
  state.claim.mockResolvedValue('claimed');
  state.settle.mockResolvedValue(undefined);
});

describe('withApi and Idempotency-Key', () => {
  it('keeps the answer of a change, a refusal and an internal error alike, so a retry never acts twice', async () => {
    const made = await withApi(op, async () => ({ body: { id: 'op-1' } }))(post(), params);
    expect(made.status).toBe(201);
    expect(state.settle).toHaveBeenLastCalledWith(
      expect.objectContaining({ key: 'k-1', tokenId: 'tok' }),
      expect.objectContaining({ status: 201, body: '{"id":"op-1"}' }),
    );
    await withApi(op, async () => {
      throw new AppError('conflict', { loginId: ['taken'] });
    })(post(), params);
    expect(state.settle).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ status: 409 }));
    const quiet = vi.spyOn(logger(), 'error').mockImplementation(() => {});
    const failed = await withApi(op, async () => {
      throw new Error('database went away after the commit');
    })(post(), params);
    quiet.mockRestore();
    expect(failed.status).toBe(500);
    expect(state.settle).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ status: 500 }));
  });

  it('sends a made change’s answer even when it cannot be kept', async () => {
    state.settle.mockRejectedValueOnce(new Error('database down'));
    const quiet = vi.spyOn(logger(), 'warn').mockImplementation(() => {});
    const made = await withApi(op, async () => ({ body: { id: 'op-2' } }))(post(), params);
    quiet.mockRestore();
    expect([made.status, await made.json()]).toEqual([201, { id: 'op-2' }]);
  });

  it('replays a kept answer without running the handler, and claims nothing for bad input', async () => {
    state.claim.mockResolvedValueOnce({
      status: 201,
      contentType: 'application/json',
      headers: {},
      body: '{"id":"op-1"}',
    });
    const handler = vi.fn();
    const again = await withApi(op, handler)(post(), params);
    expect([again.status, again.headers.get('idempotent-replayed'), await again.json()]).toEqual([
      201,
      'true',
      { id: 'op-1' },
    ]);
    expect(handler).not.toHaveBeenCalled();
    const bad = new NextRequest(`http://mamori.test/api/v1/tenants/${TENANT}/operators`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json', 'idempotency-key': 'k-2' },
      body: '{"name": 5}',
    });
    expect((await withApi(op, handler)(bad, params)).status).toBe(400);
    expect(state.claim).toHaveBeenCalledTimes(1);
  });
});
