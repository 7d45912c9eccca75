import type { OperatorContext } from './operator-context';
import type { Permission } from './permissions';

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
