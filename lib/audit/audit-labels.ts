import { AUDIT_ACTIONS, actionGroup } from './audit-actions';

/**
 * What the console names in both languages (messages `audit.*`, kept complete and in step by
 * audit-labels.test): each action under `actionLabels` (nested by group, so the action itself is
 * the key), each filter group under `groupLabels`, the event's own fields under `eventFields` and
 * the detail keys below under `detailFields`.
 */

/** Groups offered as `group.*` in the action filter: a group of one action is just that action. */
export const FILTER_GROUPS = [...new Set(AUDIT_ACTIONS.map(actionGroup))].filter(
  (g) => AUDIT_ACTIONS.filter((a) => actionGroup(a) === g).length > 1,
);

/** The fields of an event that its expanded row lists before the details, in this order. */
export const EVENT_FIELDS = ['seq', 'id', 'target', 'session', 'userAgent', 'hash'] as const;

/**
 * The keys the code writes into events' details (see docs/audit-events.md). A key not listed is
 * shown as it is: events written before a key was named here stay readable.
 */
export const LABELLED_DETAIL_KEYS = [
  'aboveBase',
  'absoluteTimeoutHours',
  'added',
  'addedCount',
  'after',
  'alert',
  'alertId',
  'at',
  'attempt',
  'before',
  'bytes',
  'blockId',
  'bytesSent',
  'campaignTenantId',
  'cause',
  'cidr',
  'code',
  'columns',
  'consecutiveFailures',
  'contactEmail',
  'count',
  'customers',
  'damage',
  'deadline',
  'displayName',
  'domain',
  'email',
  'encoding',
  'error',
  'events',
  'expiresAt',
  'exportId',
  'factor',
  'failedLoginCount',
  'failures',
  'field',
  'fields',
  'filter',
  'format',
  'from',
  'grantId',
  'grantee',
  'host',
  'idleTimeoutMinutes',
  'ip',
  'keyId',
  'lastSeq',
  'layer',
  'layers',
  'loginAt',
  'loginId',
  'loginIds',
  'maxAgeDays',
  'memberNo',
  'method',
  'monitor',
  'name',
  'newIp',
  'next',
  'notRecordedBefore',
  'of',
  'olderThan',
  'operatorLoginId',
  'operators',
  'orderNo',
  'origin',
  'otherSessionsEnded',
  'passwordChangedAt',
  'path',
  'pending',
  'permission',
  'quota',
  'reason',
  'records',
  'reencrypted',
  'released',
  'removed',
  'removedCount',
  'request',
  'requestedBy',
  'retentionDays',
  'revokeSessions',
  'role',
  'roleChosen',
  'rotationCampaigns',
  'rows',
  'rowsPlanned',
  'rowsSent',
  'rule',
  'scope',
  'scopes',
  'secondFactor',
  'seq',
  'sessionsEnded',
  'sha256',
  'siteId',
  'source',
  'status',
  'tenants',
  'timeZone',
  'to',
  'totpGraceUntil',
  'totpRequired',
  'unknownId',
  'unreadable',
  'upToSeq',
  'use',
  'usedToday',
  'uses',
  'wasLocked',
  'wasTemporary',
  'windowMinutes',
  'withheld',
  'wrongCodes',
] as const;

const LABELLED = new Set<string>(LABELLED_DETAIL_KEYS);

// A set lookup rather than a message lookup: a stored key such as `constructor` or `a.b` must not
// reach the message catalogue's path resolution.
export const isLabelledDetailKey = (key: string) => LABELLED.has(key);
