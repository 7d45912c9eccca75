import { ROLES } from '@/db/schema';
import { decodeCursor } from '@/lib/http/cursor';
import { reasonSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import { displayNameSchema, loginIdSchema, optionalEmailSchema } from '@/lib/tenancy/schemas';
import { defineOperation } from '../operation';

const R = 'app/api/v1/tenants/[tenantId]/operators';
const inTenant = z.object({ tenantId: z.uuid() });
const onOperator = inTenant.extend({ operatorId: z.uuid() });

export const cursorSchema = z
  .string()
  .max(1000)
  .refine((v) => decodeCursor(v) !== null, 'invalid_cursor')
  .describe('the `next` of the previous page');

const at = z.iso.datetime().nullable();

export const operatorView = z.object({
  id: z.uuid(),
  loginId: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  role: z.enum(ROLES),
  status: z.enum(['active', 'disabled']),
  mustChangePassword: z.boolean(),
  totp: z.enum(['active', 'pending']).nullable().describe('the second factor: active, enrolling, or none'),
  recoveryCodesLeft: z.number().int(),
  failedLoginCount: z.number().int(),
  lockedAt: at.describe('locked after repeated failures; unlock to clear'),
  lastLoginAt: at,
  lastLoginIp: z.string().nullable(),
});

/** The API's view of an operator row: times as ISO 8601 instants. */
export const viewOperator = (row: {
  id: string;
  loginId: string;
  displayName: string;
  email: string | null;
  role: (typeof ROLES)[number];
  status: 'active' | 'disabled';
  mustChangePassword: boolean;
  totp: 'active' | 'pending' | null;
  recoveryCodesLeft: number;
  failedLoginCount: number;
  lockedAt: Date | null;
  lastLoginAt: Date | null;
  lastLoginIp: string | null;
}): z.input<typeof operatorView> => ({
  id: row.id,
  loginId: row.loginId,
  displayName: row.displayName,
  email: row.email,
  role: row.role,
  status: row.status,
  mustChangePassword: row.mustChangePassword,
  totp: row.totp,
  recoveryCodesLeft: row.recoveryCodesLeft,
  failedLoginCount: row.failedLoginCount,
  lockedAt: row.lockedAt?.toISOString() ?? null,
  lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  lastLoginIp: row.lastLoginIp,
});

export const listOperatorsOp = defineOperation({
  entry: `${R}/route.ts GET`,
  method: 'GET',
  path: '/api/v1/tenants/{tenantId}/operators',
  operationId: 'listOperators',
  tag: 'operators',
  summary: "The tenant's operators by login ID, 50 a page",
  params: inTenant,
  query: z.object({
    q: z.string().trim().max(100).optional().describe('part of a login ID or display name'),
    after: cursorSchema.optional(),
  }),
  answer: {
    status: 200,
    description: 'A page of operators; `next` is null on the last page',
    schema: z.object({ operators: z.array(operatorView), next: z.string().nullable() }),
  },
  problems: ['bad_request'],
});

export const createOperatorOp = defineOperation({
  entry: `${R}/route.ts POST`,
  method: 'POST',
  path: '/api/v1/tenants/{tenantId}/operators',
  operationId: 'createOperator',
  tag: 'operators',
  summary: 'Creates an operator with a one-time temporary password',
  description:
    "The login ID starts with the tenant's code and a dot. The role is the tenant's least one: making an admin takes a person with a fresh second factor, in the console (403, `role: admin_needs_person`). The temporary password is in this answer only (and in its idempotent replays for a day, sealed at rest); the operator must replace it at first sign-in.",
  params: inTenant,
  body: z.object({
    loginId: loginIdSchema,
    displayName: displayNameSchema,
    email: optionalEmailSchema.optional(),
    role: z.enum(ROLES).optional(),
  }),
  answer: {
    status: 201,
    description: 'Created',
    schema: z.object({
      operator: operatorView,
      temporaryPassword: z.string().describe('shown once: hand it over out of band'),
    }),
  },
  problems: ['bad_request', 'conflict'],
});

export const getOperatorOp = defineOperation({
  entry: `${R}/[operatorId]/route.ts GET`,
  method: 'GET',
  path: '/api/v1/tenants/{tenantId}/operators/{operatorId}',
  operationId: 'getOperator',
  tag: 'operators',
  summary: 'One operator',
  params: onOperator,
  answer: {
    status: 200,
    description: 'The operator, with its live sessions',
    schema: operatorView.extend({ createdAt: z.iso.datetime(), liveSessions: z.number().int() }),
  },
});

export const updateOperatorOp = defineOperation({
  entry: `${R}/[operatorId]/route.ts PATCH`,
  method: 'PATCH',
  path: '/api/v1/tenants/{tenantId}/operators/{operatorId}',
  operationId: 'updateOperator',
  tag: 'operators',
  summary: "Changes an operator's display name, email or role",
  description:
    'Only the fields given change. A role change comes first: a token may take admin rights away (never from the last active admin), not give them (403, `role: admin_needs_person`). Each change is its own audit event.',
  params: onOperator,
  body: z
    .object({
      displayName: displayNameSchema.optional(),
      email: optionalEmailSchema.optional(),
      role: z.enum(ROLES).optional(),
    })
    .refine((b) => b.displayName !== undefined || b.email !== undefined || b.role !== undefined, {
      message: 'nothing_to_change',
      path: ['displayName'],
    }),
  answer: { status: 200, description: 'The operator as changed', schema: operatorView },
  problems: ['bad_request', 'conflict'],
});

/** The operator actions that take a reason and answer what they ended. */
const action = <E extends string>(entry: E, slug: string, operationId: string, summary: string, description: string) =>
  defineOperation({
    entry,
    method: 'POST',
    path: `/api/v1/tenants/{tenantId}/operators/{operatorId}/${slug}`,
    operationId,
    tag: 'operators',
    summary,
    description,
    params: onOperator,
    body: z.object({ reason: reasonSchema.describe('kept in the audit trail') }),
    answer: {
      status: 200,
      description: 'Done',
      schema: z.object({ operator: operatorView, sessionsEnded: z.number().int() }),
    },
    problems: ['bad_request', 'conflict'],
  });

export const disableOperatorOp = action(
  `${R}/[operatorId]/disable/route.ts POST`,
  'disable',
  'disableOperator',
  'Disables an operator and ends their sessions',
  'Refused for the last active admin. Disabling a disabled operator changes nothing.',
);
export const enableOperatorOp = action(
  `${R}/[operatorId]/enable/route.ts POST`,
  'enable',
  'enableOperator',
  'Enables a disabled operator',
  'Dormancy counts afresh from now.',
);
export const unlockOperatorOp = action(
  `${R}/[operatorId]/unlock/route.ts POST`,
  'unlock',
  'unlockOperator',
  "Clears an operator's failed sign-ins and lock",
  'For an operator locked after repeated failures.',
);
export const forcePasswordChangeOp = action(
  `${R}/[operatorId]/force-password-change/route.ts POST`,
  'force-password-change',
  'forcePasswordChange',
  'Makes an operator change their password at their next request',
  'Their current password still signs in, once, to change it.',
);
export const resetTotpOp = action(
  `${R}/[operatorId]/reset-totp/route.ts POST`,
  'reset-totp',
  'resetTotp',
  "Removes an operator's TOTP and recovery codes and ends their sessions",
  'They enroll again at their next sign-in.',
);
export const endOperatorSessionsOp = action(
  `${R}/[operatorId]/end-sessions/route.ts POST`,
  'end-sessions',
  'endOperatorSessions',
  'Ends every session of an operator',
  'They sign in again; nothing else changes.',
);
