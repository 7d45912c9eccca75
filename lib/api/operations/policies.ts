import { PLATFORM_MIN_LENGTH } from '@/lib/passwords/policy';
import { z } from '@/lib/http/zod-messages';
import { defineOperation } from '../operation';

const R = 'app/api/v1/tenants/[tenantId]';
const inTenant = z.object({ tenantId: z.uuid() });

const passwordPolicy = z.object({
  minLength: z
    .number()
    .int()
    .min(PLATFORM_MIN_LENGTH)
    .max(64)
    .describe(`characters, at least the platform's ${PLATFORM_MIN_LENGTH}`),
  maxAgeDays: z
    .number()
    .int()
    .min(30)
    .max(3650)
    .nullable()
    .describe('days before a password must be changed; null (recommended): no calendar expiry'),
});

export const getPasswordPolicyOp = defineOperation({
  entry: `${R}/password-policy/route.ts GET`,
  method: 'GET',
  path: '/api/v1/tenants/{tenantId}/password-policy',
  operationId: 'getPasswordPolicy',
  tag: 'policies',
  summary: "The tenant's password policy",
  params: inTenant,
  answer: { status: 200, description: 'The policy', schema: passwordPolicy },
  etag: 'read',
});

export const replacePasswordPolicyOp = defineOperation({
  entry: `${R}/password-policy/route.ts PUT`,
  method: 'PUT',
  path: '/api/v1/tenants/{tenantId}/password-policy',
  operationId: 'replacePasswordPolicy',
  tag: 'policies',
  summary: "Sets the tenant's password policy",
  description: 'Applies to passwords set from now on; a rotation campaign makes everyone set a new one.',
  params: inTenant,
  body: passwordPolicy,
  answer: { status: 200, description: 'The policy as saved, with its new ETag', schema: passwordPolicy },
  etag: 'write',
  problems: ['bad_request'],
});

export const getTotpPolicyOp = defineOperation({
  entry: `${R}/totp-policy/route.ts GET`,
  method: 'GET',
  path: '/api/v1/tenants/{tenantId}/totp-policy',
  operationId: 'getTotpPolicy',
  tag: 'policies',
  summary: "The tenant's TOTP requirement",
  params: inTenant,
  answer: {
    status: 200,
    description: 'The policy',
    schema: z.object({
      required: z.boolean(),
      graceUntil: z.iso.datetime().nullable().describe('until when operators without TOTP may still sign in to enroll'),
    }),
  },
  etag: 'read',
});

export const replaceTotpPolicyOp = defineOperation({
  entry: `${R}/totp-policy/route.ts PUT`,
  method: 'PUT',
  path: '/api/v1/tenants/{tenantId}/totp-policy',
  operationId: 'replaceTotpPolicy',
  tag: 'policies',
  summary: 'Requires TOTP of every operator of the tenant (or stops requiring it)',
  description: 'Operators without TOTP enroll at their next sign-in; the grace period counts from now.',
  params: inTenant,
  body: z.object({
    required: z.boolean(),
    graceDays: z.number().int().min(0).max(90).default(0).describe('days to enroll from now'),
  }),
  answer: {
    status: 200,
    description: 'The policy as saved, with its new ETag',
    schema: z.object({ required: z.boolean(), graceUntil: z.iso.datetime().nullable() }),
  },
  etag: 'write',
  problems: ['bad_request'],
});
