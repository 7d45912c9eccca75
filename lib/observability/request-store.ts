import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';

/** What a request's log line says about it beyond the socket: filled in as the request is served. */
export interface RequestStore {
  requestId: string;
  tenantId?: string;
  operatorId?: string;
  /** An API call's token (its id, never its secret). */
  tokenId?: string;
}

// One per process, shared with Next's bundled copy of this module (the server entry starts each
// request in it; the guard, inside Next, notes who is calling).
const holder = globalThis as unknown as { __mamoriRequestStore?: AsyncLocalStorage<RequestStore> };

export function requestStorage(): AsyncLocalStorage<RequestStore> {
  return (holder.__mamoriRequestStore ??= new AsyncLocalStorage<RequestStore>());
}

/** The guard's note of who is calling (an operator's session or an API token), for this request's log line. */
export function noteCaller(caller: Pick<RequestStore, 'tenantId' | 'operatorId' | 'tokenId'>): void {
  const store = requestStorage().getStore();
  if (store) Object.assign(store, caller);
}
