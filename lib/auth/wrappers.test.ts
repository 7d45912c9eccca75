import { NextRequest } from 'next/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/http/app-error';
import { logger } from '@/lib/observability/logger';

/**
 * withAction and withRoute around a stand-in guard: what each wrapper does before and after the
 * guard (same-origin proof, input parsing, the row it hands over, the tenant it names, turning
 * refusals into answers). What the guard decides is tested against the database in
 * guard.int.test.ts.
 */

// next.config.ts turns on authInterrupts (forbidden() for refused addresses); the build sets this.
vi.stubEnv('__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS', 'true');

const state = vi.hoisted(() => ({
  headers: new Headers(),
  authorize: vi.fn(),
  token: vi.fn(),
}));
vi.mock('next/headers', () => ({ headers: async () => state.headers, cookies: async () => new Map() }));
vi.mock('./guard', () => ({ authorize: state.authorize, authorizeToken: state.token }));

const { withAction } = await import('./with-action');
const { withRoute, json } = await import('./with-route');
const { z } = await import('@/lib/http/zod-messages');

const TENANT = '7d3f1c52-8a7e-4f0b-9a51-3b8f4c2d1e60';
const form = (fields: Record<string, string | string[]>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) f.append(k, x);
  return f;
};
/** Next's control-flow throws (redirect, notFound, forbidden) carry their outcome in `digest`. */
const digestOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { digest?: string }) => e.digest ?? String(e),
  );

beforeEach(() => {
  state.headers = new Headers({ host: 'console.example.jp', origin: 'https://console.example.jp' });
  state.authorize.mockReset().mockImplementation(async () => ({ operatorId: 'op-1', granted: { tenantId: TENANT } }));
  state.token.mockReset();
});

describe('withAction', () => {
  const handler = vi.fn(async (access: unknown, input: unknown) => ({ ok: true, data: { access, input } }));
  const action = withAction(
    'app/t/[tenantId]/actions.ts renameSiteAction',
    z.object({ tenantId: z.uuid(), siteId: z.uuid(), name: z.string().min(1).max(100) }),
    handler,
  );
  const good = { tenantId: TENANT, siteId: crypto.randomUUID(), name: '本店' };
  beforeEach(() => handler.mockClear());

  it('hands the parsed input and the row’s access value to the handler, naming the input’s tenant', async () => {
    const r = await action(null, form(good));
    expect(state.authorize).toHaveBeenCalledWith('app/t/[tenantId]/actions.ts renameSiteAction', good);
    expect(r).toEqual({
      ok: true,
      data: { access: { operatorId: 'op-1', granted: { tenantId: TENANT } }, input: good },
    });
  });

  it('refuses a foreign, null or missing Origin before parsing or asking the guard', async () => {
    for (const origin of ['https://evil.example', 'null', 'not a url', undefined]) {
      state.headers = new Headers({ host: 'console.example.jp', ...(origin ? { origin } : {}) });
      expect(await action(null, form(good)), String(origin)).toEqual({ ok: false, error: 'forbidden' });
    }
    expect(state.authorize).not.toHaveBeenCalled();
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers bad input with field errors and changes nothing: neither guard nor handler runs', async () => {
    const r = await action(null, form({ ...good, tenantId: 'x', name: '' }));
    expect(r).toMatchObject({ ok: false, error: 'bad_request', fieldErrors: { tenantId: expect.any(Array) } });
    expect(r?.fieldErrors?.name).toBeDefined();
    expect(state.authorize).not.toHaveBeenCalled();
    expect(handler).not.toHaveBeenCalled();
  });

  it('turns the guard’s refusals into the sign-in redirect, a 404, a 403 or a code for the form', async () => {
    const cases: [AppError, string][] = [
      [new AppError('unauthenticated'), 'NEXT_REDIRECT;replace;/login;307;'],
      [new AppError('not_found'), 'NEXT_HTTP_ERROR_FALLBACK;404'],
      [new AppError('ip_denied'), 'NEXT_HTTP_ERROR_FALLBACK;403'],
    ];
    for (const [error, digest] of cases) {
      state.authorize.mockRejectedValueOnce(error);
      expect(await digestOf(action(null, form(good))), error.code).toBe(digest);
    }
    state.authorize.mockRejectedValueOnce(new AppError('step_up_required'));
    expect(await action(null, form(good))).toEqual({ ok: false, error: 'step_up_required' });
    expect(handler).not.toHaveBeenCalled();
  });

  it('passes a handler’s field errors back to the form, and lets other errors through', async () => {
    handler.mockRejectedValueOnce(new AppError('conflict', { name: ['taken'] }));
    expect(await action(null, form(good))).toEqual({ ok: false, error: 'conflict', fieldErrors: { name: ['taken'] } });
    handler.mockRejectedValueOnce(new Error('boom'));
    await expect(action(null, form(good))).rejects.toThrow('boom');
  });
});

describe('withRoute', () => {
  const req = (path: string, init?: { headers?: Record<string, string> }) =>
    new NextRequest(new URL(path, 'https://console.example.jp'), init);
  const params = (p: Record<string, string>) => ({ params: Promise.resolve(p) });

  it('asks the guard with the route’s row and the tenant of its path, and marks the answer no-store', async () => {
    const route = withRoute('app/api/v1/tenants/[tenantId]/route.ts GET', async (_req, access) => json({ access }));
    const res = await route(req(`/api/v1/tenants/${TENANT}`), params({ tenantId: TENANT }));
    expect(state.authorize).toHaveBeenCalledWith('app/api/v1/tenants/[tenantId]/route.ts GET', { tenantId: TENANT });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ access: { operatorId: 'op-1', granted: { tenantId: TENANT } } });
  });

  it('answers refusals and failures as JSON with their status, never a stack', async () => {
    const route = withRoute('app/api/v1/me/route.ts GET', async () => {
      throw new Error('secret detail');
    });
    state.authorize.mockRejectedValueOnce(new AppError('unauthenticated'));
    let res = await route(req('/api/v1/me'), params({}));
    expect([res.status, res.headers.get('content-type'), await res.json()]).toEqual([
      401,
      'application/problem+json',
      {
        type: 'urn:mamori:problem:unauthenticated',
        title: 'Authentication is required',
        status: 401,
        error: 'unauthenticated',
      },
    ]);
    const logged = vi.spyOn(logger(), 'error').mockImplementation(() => {});
    res = await route(req('/api/v1/me'), params({}));
    const calls = [...logged.mock.calls];
    logged.mockRestore();
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toEqual({
      type: 'urn:mamori:problem:internal',
      title: 'Internal error',
      status: 500,
      error: 'internal',
      id: expect.any(String),
    });
    expect(JSON.stringify(body)).not.toContain('secret detail');
    // The detail goes to the log under the id the answer names, for the operator who reports it.
    expect(calls).toEqual([
      [{ errorId: body.id, err: expect.objectContaining({ message: 'secret detail' }) }, 'unexpected error'],
    ]);
  });

  it('checks a token route’s bearer against the row’s scope, never the session guard', async () => {
    state.token.mockResolvedValueOnce({ token: { id: 't-1', name: 'siem' }, tenantId: TENANT });
    const route = withRoute('app/api/v1/audit-events/route.ts GET', async (_req, token) => json({ token }));
    const res = await route(
      req('/api/v1/audit-events', { headers: { authorization: 'Bearer mamori_abc', 'user-agent': 'siem' } }),
      params({}),
    );
    expect(state.token).toHaveBeenCalledWith('app/api/v1/audit-events/route.ts GET', {
      bearer: 'mamori_abc',
      ip: 'unknown',
      userAgent: 'siem',
      request: 'GET /api/v1/audit-events',
      tenantId: undefined,
    });
    expect(state.authorize).not.toHaveBeenCalled();
    expect(await res.json()).toEqual({ token: { token: { id: 't-1', name: 'siem' }, tenantId: TENANT } });
    state.token.mockRejectedValueOnce(new AppError('unauthenticated'));
    expect((await route(req('/api/v1/audit-events'), params({}))).status).toBe(401);
  });
});
