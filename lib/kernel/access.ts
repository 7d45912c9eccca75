import type { OperatorContext } from './operator-context';
import type { Permission } from './permissions';
import type { ApiScope } from '@/db/schema';

/**
 * Access values: what the guard hands to lib after it checked an entry point's declared access.
 * Types only. The brand cannot be written outside the guard (a test holds every cast to these
 * types to lib/auth/guard.ts and the test helpers), so a lib function that takes a
 * `TenantAccess<'operators.write'>` can only be reached through an entry point that declared
 * that permission for that tenant, and the tenant it acts on is the one the guard checked.
 */
declare const minted: unique symbol;

/** The signed-in operator acting on their own account. */
export type OperatorAccess = OperatorContext & { readonly [minted]: 'operator' };

/** The signed-in operator holding `P` on one tenant (their own, or any for platform staff). */
export type TenantAccess<P extends Permission = Permission> = OperatorContext & {
  readonly [minted]: 'tenant';
  readonly granted: { readonly tenantId: string; readonly permission: P };
};

/** Platform staff holding `P` across the platform. */
export type PlatformAccess<P extends Permission = Permission> = OperatorContext & {
  readonly [minted]: 'platform';
  readonly granted: { readonly permission: P };
};

/** An access whose entry point declared a fresh second factor, verified on this request. */
export type SteppedUp<A> = A & { readonly steppedUp: true };

/**
 * An API token holding scope `S` on its own tenant. A token acts for no person: its audit events
 * name it (`api-token:<name>`, its id in the details), and it has no session. Write scopes were
 * granted under a fresh second factor when the token was made, so they stand in for the step-up
 * the console asks of a person.
 */
export type TokenAccess<S extends ApiScope = ApiScope> = {
  readonly [minted]: 'token';
  readonly token: { readonly id: string; readonly name: string };
  readonly tenantId: string;
  readonly operatorId: null;
  readonly loginId: string;
  readonly sessionId: null;
  readonly ip: string;
  readonly userAgent: string | null;
  readonly incident?: undefined;
  readonly granted: { readonly tenantId: string; readonly scope: S };
};

/** Who may act on a tenant through one lib function: a person holding `P`, or a token holding `S`. */
export type TenantActor<P extends Permission, S extends ApiScope> = TenantAccess<P> | TokenAccess<S>;

/** As TenantActor, for changes the console makes a person confirm with a fresh second factor. */
export type SteppedUpActor<P extends Permission, S extends ApiScope> = SteppedUp<TenantAccess<P>> | TokenAccess<S>;
