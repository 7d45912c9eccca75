import { z } from '@/lib/http/zod-messages';
import { defineOperation } from '../operation';

const R = 'app/api/v1/tenants/[tenantId]/ip-allowlist/route.ts';
const inTenant = z.object({ tenantId: z.uuid() });

const entry = z.object({
  cidr: z
    .string()
    .max(64)
    .regex(/^[^#\s]\S*$/, 'invalid_format')
    .describe('an address or CIDR range, IPv4 or IPv6, e.g. 203.0.113.0/24'),
  label: z
    .string()
    .max(100)
    // Kept as given: words with single spaces between (the editor's text has no other).
    .regex(/^(\S+( \S+)*)?$/, 'invalid_format')
    .default('')
    .describe('what the network is, e.g. "Tokyo office"'),
});

export const getIpAllowlistOp = defineOperation({
  entry: `${R} GET`,
  method: 'GET',
  path: '/api/v1/tenants/{tenantId}/ip-allowlist',
  operationId: 'getIpAllowlist',
  tag: 'ip-allowlist',
  summary: "The tenant's IP allowlist for sign-in and every request",
  description: 'An empty list allows every address. Send the ETag back as If-Match to replace it.',
  params: inTenant,
  answer: {
    status: 200,
    description: 'The list',
    schema: z.object({
      mode: z.enum(['enforce', 'monitor']).describe('monitor: refusals are only recorded (changed in the console)'),
      entries: z.array(
        z.object({ cidr: z.string(), label: z.string(), createdBy: z.string(), createdAt: z.iso.datetime() }),
      ),
      monitoredLast7Days: z.number().int().describe('requests monitor mode let through that enforce would refuse'),
    }),
  },
  etag: 'read',
});

export const replaceIpAllowlistOp = defineOperation({
  entry: `${R} PUT`,
  method: 'PUT',
  path: '/api/v1/tenants/{tenantId}/ip-allowlist',
  operationId: 'replaceIpAllowlist',
  tag: 'ip-allowlist',
  summary: "Replaces the tenant's IP allowlist, or, with dryRun=true, answers what the change would refuse",
  description:
    'Refused with 409 (`lockout:<address>`) when the list would refuse the caller, with 412 when If-Match is stale. Ranges with host bits set, and /0, need their confirmation. A dry run writes nothing and names the active operators it would refuse at the address they last signed in from.',
  params: inTenant,
  query: z.object({
    dryRun: z.enum(['true', 'false']).default('false').describe('true: change nothing, answer what would happen'),
  }),
  body: z.object({
    entries: z.array(entry).max(1000),
    confirmHostBits: z.boolean().default(false).describe('accept ranges normalised by clearing host bits'),
    confirmAnyAddress: z.boolean().default(false).describe('accept an entry that allows every address'),
  }),
  answer: {
    status: 200,
    description: 'The list as saved (with its new ETag), or the dry run',
    schema: z.union([
      z.object({
        dryRun: z.literal(false),
        count: z.number().int(),
        added: z.number().int(),
        removed: z.number().int(),
      }),
      z.object({
        dryRun: z.literal(true),
        mode: z.enum(['enforce', 'monitor']),
        count: z.number().int(),
        added: z.array(z.string()),
        removed: z.array(z.string()),
        callerAllowed: z.boolean().describe('false: saving would be refused as a lockout (in enforce mode)'),
        refusedOperators: z.array(
          z.object({ operatorId: z.uuid(), loginId: z.string(), lastLoginIp: z.string(), refusedBy: z.string() }),
        ),
        refusedOperatorCount: z.number().int(),
      }),
    ]),
  },
  etag: 'write',
  problems: ['bad_request', 'conflict'],
});

/** The editor's text from the API's entries: one "CIDR label" a line. */
export const entriesText = (entries: { cidr: string; label: string }[]) =>
  entries.map((e) => `${e.cidr} ${e.label}`.trim()).join('\n');
