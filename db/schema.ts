import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The platform itself is a row in `tenants` (kind = 'platform') with this fixed id, so platform
 * staff and the platform audit chain fit the same tenant-keyed tables as everyone else.
 */
export const PLATFORM_TENANT_ID = '00000000-0000-0000-0000-000000000000';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

// Second wall behind the explicit `where tenant_id = ...` in every query: the app role only sees
// rows of the tenant set for the transaction, or everything when the platform scope is set
// (platform staff and the pre-authentication paths, which are guarded in code).
// The settings are read in sub-selects so PostgreSQL evaluates them once per query (an InitPlan)
// and plans with the real selectivity, instead of once per row with a guessed one.
const tenantPredicate = (column: string) =>
  sql.raw(
    `${column} = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform'`,
  );
const tenantPolicy = (table: string, column = 'tenant_id') =>
  pgPolicy(`${table}_tenant_isolation`, {
    as: 'permissive',
    for: 'all',
    using: tenantPredicate(column),
    withCheck: tenantPredicate(column),
  });

export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['platform', 'tenant'] })
      .notNull()
      .default('tenant'),
    code: text('code').notNull(),
    name: text('name').notNull(),
    contactEmail: text('contact_email'),
    status: text('status', { enum: ['active', 'suspended'] })
      .notNull()
      .default('active'),
    suspendedReason: text('suspended_reason'),
    // Kept by triggers on sites and operators, so the tenants list can sort and page by them
    // with an index instead of counting a million operators per request.
    siteCount: integer('site_count').notNull().default(0),
    operatorCount: integer('operator_count').notNull().default(0),
    lastActivityAt: ts('last_activity_at').notNull().defaultNow(),
    // Password policy: the platform minimum is 12; a tenant may raise it. Calendar expiry is off
    // unless a tenant insists (NIST SP 800-63B advises against it).
    passwordMinLength: integer('password_min_length').notNull().default(12),
    passwordMaxAgeDays: integer('password_max_age_days'),
    // TOTP enforcement: required after the grace period ends (platform staff always need it). On
    // by default: a tenant created without a grace period requires it at once; createTenant and
    // the demo give existing operators 14 days.
    totpRequired: boolean('totp_required').notNull().default(true),
    totpGraceUntil: ts('totp_grace_until'),
    // Audit retention: 5 years by default, never below 1 year (a database check enforces it).
    auditRetentionDays: integer('audit_retention_days').notNull().default(1826),
    // Rows one operator may export per day (JST) before a second admin must approve.
    orderExportDailyQuota: integer('order_export_daily_quota').notNull().default(5000),
    // An operator who has not signed in for this many days is disabled (the platform row's: its
    // staff), warned on the dashboard 7 days before; 30 to 730 (a database check enforces it).
    dormantAfterDays: integer('dormant_after_days').notNull().default(90),
    // Where alerts are POSTed (optional), and the HMAC key that signs them (keyring-encrypted).
    alertWebhookUrl: text('alert_webhook_url'),
    alertWebhookSecretCiphertext: text('alert_webhook_secret_ciphertext'),
    // Bumped with every change to the tenant's blocked addresses (the platform row's for the
    // platform-wide ones): read with each session, so every instance sees a block on its next request.
    ipBlockVersion: bigint('ip_block_version', { mode: 'number' }).notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tenants_code_key').on(t.code),
    index('tenants_name_idx').on(t.kind, t.name, t.id),
    index('tenants_sites_idx').on(t.kind, t.siteCount, t.id),
    index('tenants_operators_idx').on(t.kind, t.operatorCount, t.id),
    index('tenants_status_idx').on(t.kind, t.status, t.id),
    index('tenants_activity_idx').on(t.kind, t.lastActivityAt, t.id),
    tenantPolicy('tenants', 'id'),
  ],
);

export const sites = pgTable(
  'sites',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: uuid('id').notNull().defaultRandom(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    domain: text('domain'),
    status: text('status', { enum: ['open', 'closed'] })
      .notNull()
      .default('open'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('sites_tenant_code_key').on(t.tenantId, t.code),
    tenantPolicy('sites'),
  ],
);

export const ROLES = ['platform_admin', 'platform_auditor', 'tenant_admin', 'tenant_operator'] as const;
export type Role = (typeof ROLES)[number];

export const operators = pgTable(
  'operators',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: uuid('id').notNull().defaultRandom(),
    // As the operator typed it (after NFKC and trimming); `loginIdKey` is the case-folded form
    // that makes login IDs unique platform-wide.
    loginId: text('login_id').notNull(),
    loginIdKey: text('login_id_key').notNull(),
    displayName: text('display_name').notNull(),
    email: text('email'),
    role: text('role', { enum: ROLES }).notNull(),
    status: text('status', { enum: ['active', 'disabled'] })
      .notNull()
      .default('active'),
    passwordHash: text('password_hash').notNull(),
    passwordChangedAt: ts('password_changed_at').notNull().defaultNow(),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    lastFailedLoginAt: ts('last_failed_login_at'),
    lockedAt: ts('locked_at'),
    lastLoginAt: ts('last_login_at'),
    lastLoginIp: text('last_login_ip'),
    // When the operator last became active (created or re-enabled): dormancy counts from the later
    // of this and the last sign-in, so a re-enabled account is not disabled again at once.
    enabledAt: ts('enabled_at').notNull().defaultNow(),
    previousLoginAt: ts('previous_login_at'),
    previousLoginIp: text('previous_login_ip'),
    // Set when a recovery code was used to log in: worth a look by an admin.
    mfaAlertAt: ts('mfa_alert_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('operators_login_id_key').on(t.loginIdKey),
    index('operators_tenant_login_idx').on(t.tenantId, t.loginIdKey),
    tenantPolicy('operators'),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    operatorId: uuid('operator_id').notNull(),
    // sha256 of the random token held in the (encrypted) cookie; the token itself is never stored.
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    revokedReason: text('revoked_reason'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    // When a second factor was last verified on this session (login or step-up).
    mfaVerifiedAt: ts('mfa_verified_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.operatorId],
      foreignColumns: [operators.tenantId, operators.id],
      name: 'sessions_operator_fk',
    }),
    uniqueIndex('sessions_token_hash_key').on(t.tokenHash),
    index('sessions_operator_idx').on(t.tenantId, t.operatorId),
    tenantPolicy('sessions'),
  ],
);

/** Failed logins per client IP, shared by every app instance through the database. */
export const ipThrottles = pgTable('ip_throttles', {
  ip: text('ip').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: ts('window_started_at').notNull(),
  lastFailedAt: ts('last_failed_at').notNull(),
  // A 10-minute count of every failed attempt (throttled ones too), for the alert on bursts.
  burstStartedAt: ts('burst_started_at'),
  burstFailures: integer('burst_failures').notNull().default(0),
});

/**
 * Failed logins per login ID that names no operator, keyed by a keyed hash of the ID (a typed
 * password never lands here readable). An unknown ID is counted and throttled exactly like an
 * operator's failures, so the answer and its timing do not tell whether the ID exists.
 */
export const loginIdThrottles = pgTable('login_id_throttles', {
  keyHash: text('key_hash').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lastFailedAt: ts('last_failed_at').notNull(),
});

export const auditChains = pgTable(
  'audit_chains',
  {
    tenantId: uuid('tenant_id')
      .primaryKey()
      .references(() => tenants.id),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    headHash: bytea('head_hash')
      .notNull()
      .default(sql`'\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea`),
  },
  () => [tenantPolicy('audit_chains')],
);

// What an audit event says, as stored in the chain and while it waits in the inbox.
const eventFields = () => ({
  occurredAt: ts('occurred_at').notNull(),
  actorOperatorId: uuid('actor_operator_id'),
  actorLoginId: text('actor_login_id'),
  action: text('action').notNull(),
  targetType: text('target_type'),
  targetId: text('target_id'),
  outcome: text('outcome', { enum: ['success', 'failure', 'denied'] }).notNull(),
  ip: text('ip'),
  userAgent: text('user_agent'),
  sessionId: uuid('session_id'),
});

export const auditEvents = pgTable(
  'audit_events',
  {
    tenantId: uuid('tenant_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    id: uuid('id').notNull(),
    ...eventFields(),
    details: jsonb('details').notNull().default({}),
    hash: bytea('hash').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.seq] }),
    index('audit_events_tenant_actor_idx').on(t.tenantId, t.actorOperatorId, t.occurredAt),
    index('audit_events_tenant_session_idx').on(t.tenantId, t.sessionId),
    // An incident's timeline: the few events taken as part of one (see incidents).
    index('audit_events_incident_idx')
      .on(sql`(details->>'incidentId')`)
      .where(sql`(details->>'incidentId') is not null`),
    tenantPolicy('audit_events'),
  ],
);

/**
 * Audit events counted per company, day (Japan time), action and outcome, with the order rows an
 * export carried: what the dashboards' 30-day charts read instead of the events themselves. Kept
 * by a background job from each chain's sequence numbers (audit_rollup_marks), so each event is
 * counted once; retention pruning leaves the counts.
 */
export const auditDaily = pgTable(
  'audit_daily',
  {
    tenantId: uuid('tenant_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    action: text('action').notNull(),
    outcome: text('outcome').notNull(),
    events: integer('events').notNull(),
    rows: bigint('rows', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day, t.action, t.outcome] }), tenantPolicy('audit_daily')],
);

/** The same summed over every company, for the platform's charts (one row a day and action). */
export const auditDailyTotal = pgTable(
  'audit_daily_total',
  {
    day: date('day', { mode: 'string' }).notNull(),
    action: text('action').notNull(),
    outcome: text('outcome').notNull(),
    events: integer('events').notNull(),
    rows: bigint('rows', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.action, t.outcome] })],
);

/** How far each chain has been counted into audit_daily. */
export const auditRollupMarks = pgTable(
  'audit_rollup_marks',
  {
    tenantId: uuid('tenant_id').primaryKey(),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
  },
  () => [tenantPolicy('audit_rollup_marks')],
);

/**
 * Events committed while their chain was busy, waiting to be chained (see mamori_append_audit).
 * The sequencer moves them into audit_events in arrival order (`n`), many per transaction, and
 * deletes them here in the same transaction. The app role may only insert.
 */
export const auditInbox = pgTable(
  'audit_inbox',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    n: bigint('n', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    ...eventFields(),
    details: jsonb('details').notNull(),
    digest: bytea('digest').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), tenantPolicy('audit_inbox')],
);

/**
 * The audit door's own settings (one row, owned like the audit tables, out of the app role's
 * reach). `test_clock`: the door honours the tests' clock offset; only a test database sets it.
 */
export const auditSettings = pgTable('audit_settings', {
  id: boolean('id').primaryKey().default(true),
  testClock: boolean('test_clock').notNull().default(false),
});

/** Hashes of an operator's earlier passwords, so the last five cannot be reused. */
export const passwordHistory = pgTable(
  'password_history',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    operatorId: uuid('operator_id').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.operatorId],
      foreignColumns: [operators.tenantId, operators.id],
      name: 'password_history_operator_fk',
    }),
    index('password_history_operator_idx').on(t.tenantId, t.operatorId, t.createdAt),
    tenantPolicy('password_history'),
  ],
);

/**
 * A forced password rotation with a reason and a deadline. Platform campaigns live under the
 * platform tenant and reach operators of many tenants through their targets.
 */
export const rotationCampaigns = pgTable(
  'rotation_campaigns',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: uuid('id').notNull().defaultRandom(),
    reason: text('reason').notNull(),
    deadline: ts('deadline').notNull(),
    revokeSessions: boolean('revoke_sessions').notNull().default(false),
    status: text('status', { enum: ['active', 'cancelled'] })
      .notNull()
      .default('active'),
    startedAt: ts('started_at').notNull(),
    // Null when an API token started it (its name is the login ID).
    startedByOperatorId: uuid('started_by_operator_id'),
    startedByLoginId: text('started_by_login_id').notNull(),
    targetCount: integer('target_count').notNull().default(0),
    tenantCount: integer('tenant_count').notNull().default(0),
    cancelledAt: ts('cancelled_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('rotation_campaigns_started_idx').on(t.tenantId, t.startedAt),
    tenantPolicy('rotation_campaigns'),
  ],
);

/** One operator's part in a campaign, in the operator's own tenant. */
export const rotationTargets = pgTable(
  'rotation_targets',
  {
    tenantId: uuid('tenant_id').notNull(),
    campaignTenantId: uuid('campaign_tenant_id').notNull(),
    campaignId: uuid('campaign_id').notNull(),
    operatorId: uuid('operator_id').notNull(),
    status: text('status', { enum: ['pending', 'rotated', 'locked', 'cancelled'] })
      .notNull()
      .default('pending'),
    deadline: ts('deadline').notNull(),
    rotatedAt: ts('rotated_at'),
    lockedAt: ts('locked_at'),
    // First login after the campaign started (kept by the login path), so progress is counted
    // from this table alone.
    seenAt: ts('seen_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.campaignId, t.operatorId] }),
    foreignKey({
      columns: [t.tenantId, t.operatorId],
      foreignColumns: [operators.tenantId, operators.id],
      name: 'rotation_targets_operator_fk',
    }),
    foreignKey({
      columns: [t.campaignTenantId, t.campaignId],
      foreignColumns: [rotationCampaigns.tenantId, rotationCampaigns.id],
      name: 'rotation_targets_campaign_fk',
    }),
    // Every target query names the campaign's owner too: a campaign id never reaches past its tenant.
    index('rotation_targets_campaign_idx').on(t.campaignTenantId, t.campaignId, t.tenantId, t.status, t.seenAt),
    index('rotation_targets_operator_idx').on(t.tenantId, t.operatorId, t.status),
    index('rotation_targets_overdue_idx')
      .on(t.deadline)
      .where(sql`status = 'pending'`),
    tenantPolicy('rotation_targets'),
  ],
);

/**
 * An IP allowlist: a tenant's (operator_id null; for the platform tenant, platform staff's) or one
 * operator's narrower one. `version` goes up with every change, so every app instance notices on
 * its next request and rebuilds its cached ranges.
 */
export const ipAllowlists = pgTable(
  'ip_allowlists',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: uuid('id').notNull().defaultRandom(),
    operatorId: uuid('operator_id'),
    mode: text('mode', { enum: ['enforce', 'monitor'] })
      .notNull()
      .default('enforce'),
    entryCount: integer('entry_count').notNull().default(0),
    version: bigint('version', { mode: 'number' }).notNull().default(1),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('ip_allowlists_owner_key').on(t.tenantId, t.operatorId).nullsNotDistinct(),
    foreignKey({
      columns: [t.tenantId, t.operatorId],
      foreignColumns: [operators.tenantId, operators.id],
      name: 'ip_allowlists_operator_fk',
    }),
    tenantPolicy('ip_allowlists'),
  ],
);

export const ipAllowlistEntries = pgTable(
  'ip_allowlist_entries',
  {
    tenantId: uuid('tenant_id').notNull(),
    listId: uuid('list_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    cidr: text('cidr').notNull(),
    label: text('label').notNull().default(''),
    createdByLoginId: text('created_by_login_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.listId],
      foreignColumns: [ipAllowlists.tenantId, ipAllowlists.id],
      name: 'ip_allowlist_entries_list_fk',
    }),
    index('ip_allowlist_entries_list_idx').on(t.tenantId, t.listId),
    tenantPolicy('ip_allowlist_entries'),
  ],
);

/** A time-limited exception for one operator from one network, granted by platform staff. */
export const ipBreakGlass = pgTable(
  'ip_break_glass',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    operatorId: uuid('operator_id').notNull(),
    cidr: text('cidr').notNull(),
    reason: text('reason').notNull(),
    expiresAt: ts('expires_at').notNull(),
    grantedByLoginId: text('granted_by_login_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.operatorId],
      foreignColumns: [operators.tenantId, operators.id],
      name: 'ip_break_glass_operator_fk',
    }),
    index('ip_break_glass_operator_idx').on(t.tenantId, t.operatorId, t.expiresAt),
    tenantPolicy('ip_break_glass'),
  ],
);

/**
 * Addresses refused for a while, whatever the allowlists say: containment during an incident.
 * Owned by a tenant (its own operators and tokens) or by the platform row (everyone). A block
 * ends at `expires_at` or when lifted; rows are kept as the record of what was blocked.
 */
export const ipBlocks = pgTable(
  'ip_blocks',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: uuid('id').notNull().defaultRandom(),
    cidr: text('cidr').notNull(),
    reason: text('reason').notNull(),
    createdByLoginId: text('created_by_login_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    liftedAt: ts('lifted_at'),
    liftedByLoginId: text('lifted_by_login_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('ip_blocks_live_idx').on(t.tenantId, t.expiresAt),
    tenantPolicy('ip_blocks'),
  ],
);

/**
 * An incident: what a company (or the platform, across companies) is investigating and
 * containing. It groups pivots (audit filters naming the suspected sessions, operators, addresses
 * and tokens); every action taken in its name carries `incidentId` in its audit event, which
 * makes its timeline. Open until closed with a note.
 */
export const incidents = pgTable(
  'incidents',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: uuid('id').notNull().defaultRandom(),
    title: text('title').notNull(),
    openedAt: ts('opened_at').notNull(),
    openedByLoginId: text('opened_by_login_id').notNull(),
    closedAt: ts('closed_at'),
    closedByLoginId: text('closed_by_login_id'),
    closingNote: text('closing_note'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), tenantPolicy('incidents')],
);

/** A pivot of an incident: an audit filter as its query string (times in UTC), at most once each. */
export const incidentPivots = pgTable(
  'incident_pivots',
  {
    tenantId: uuid('tenant_id').notNull(),
    incidentId: uuid('incident_id').notNull(),
    filter: text('filter').notNull(),
    addedAt: ts('added_at').notNull(),
    addedByLoginId: text('added_by_login_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.incidentId, t.filter] }), tenantPolicy('incident_pivots')],
);

/**
 * Compromise mode: "every credential issued before `void_before` is void", declared by a tenant
 * for itself or by the platform for all or chosen tenants (their rows in compromise_tenants).
 * What it voided is counted per covered tenant; progress is read live. Active until ended.
 */
export const compromiseDeclarations = pgTable(
  'compromise_declarations',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: uuid('id').notNull().defaultRandom(),
    reason: text('reason').notNull(),
    voidBefore: ts('void_before').notNull(),
    reenrollTotp: boolean('reenroll_totp').notNull(),
    declaredAt: ts('declared_at').notNull(),
    declaredByLoginId: text('declared_by_login_id').notNull(),
    // The declarer's own session, kept so they can follow the progress (not counted as a leftover).
    keptSessionId: uuid('kept_session_id'),
    endedAt: ts('ended_at'),
    endedByLoginId: text('ended_by_login_id'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), tenantPolicy('compromise_declarations')],
);

/** The tenants a compromise declaration covers (its owner's own row for a tenant's declaration). */
export const compromiseTenants = pgTable(
  'compromise_tenants',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    ownerTenantId: uuid('owner_tenant_id').notNull(),
    declarationId: uuid('declaration_id').notNull(),
    // Set by the tenant's own transaction when its credentials were voided; null until then, so a
    // declaration interrupted by a crash is finished from here (see resume-compromises.ts).
    appliedAt: ts('applied_at'),
    operators: integer('operators').notNull().default(0),
    sessionsEnded: integer('sessions_ended').notNull().default(0),
    tokensRevoked: integer('tokens_revoked').notNull().default(0),
    totpVoided: integer('totp_voided').notNull().default(0),
    recoveryCodesVoided: integer('recovery_codes_voided').notNull().default(0),
    webhooksRotated: integer('webhooks_rotated').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.ownerTenantId, t.declarationId, t.tenantId] }),
    index('compromise_tenants_tenant_idx').on(t.tenantId),
    index('compromise_tenants_pending_idx')
      .on(t.ownerTenantId, t.declarationId)
      .where(sql`applied_at is null`),
    tenantPolicy('compromise_tenants'),
  ],
);

export const ALLOWLIST_POSTURES = ['none', 'monitor', 'enforce'] as const;
export const WEBHOOK_POSTURES = ['none', 'ok', 'failing'] as const;

/**
 * Each company's security posture, one row a tenant, refreshed set-based by a background job
 * (and at once for a company whose admin looks at its own): the platform's posture page sorts,
 * filters and pages these rows instead of counting a million operators per request. Figures are
 * of active operators; `renewalSince` is the start of the last rotation campaign or compromise
 * declaration covering the company (null: none). `reasons` name what keeps `score` below 100.
 */
export const tenantPosture = pgTable(
  'tenant_posture',
  {
    tenantId: uuid('tenant_id')
      .primaryKey()
      .references(() => tenants.id),
    operators: integer('operators').notNull(),
    totpEnrolled: integer('totp_enrolled').notNull(),
    recoveryCodes: integer('recovery_codes').notNull(),
    renewalSince: ts('renewal_since'),
    passwordsRenewed: integer('passwords_renewed').notNull(),
    allowlistMode: text('allowlist_mode', { enum: ALLOWLIST_POSTURES }).notNull(),
    allowlistCovered: integer('allowlist_covered').notNull(),
    dormant: integer('dormant').notNull(),
    openAlerts: integer('open_alerts').notNull(),
    lastExportAt: ts('last_export_at'),
    oldTokens: integer('old_tokens').notNull(),
    webhook: text('webhook', { enum: WEBHOOK_POSTURES }).notNull(),
    score: integer('score').notNull(),
    reasons: text('reasons').array().notNull(),
    // When the figures last changed (a refresh that finds them the same leaves the row alone).
    refreshedAt: ts('refreshed_at').notNull(),
  },
  () => [tenantPolicy('tenant_posture')],
);

/** Each company's posture as it stood at the end of each day (JST): the dashboards' trends. */
export const tenantPostureDaily = pgTable(
  'tenant_posture_daily',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    day: date('day', { mode: 'string' }).notNull(),
    operators: integer('operators').notNull(),
    totpEnrolled: integer('totp_enrolled').notNull(),
    passwordsRenewed: integer('passwords_renewed').notNull(),
    score: integer('score').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day] }), tenantPolicy('tenant_posture_daily')],
);

/** An operator's TOTP secret, encrypted with the keyring (key id beside the ciphertext). */
export const totpCredentials = pgTable(
  'totp_credentials',
  {
    tenantId: uuid('tenant_id').notNull(),
    operatorId: uuid('operator_id').notNull(),
    secretCiphertext: text('secret_ciphertext').notNull(),
    keyId: text('key_id').notNull(),
    status: text('status', { enum: ['pending', 'active'] })
      .notNull()
      .default('pending'),
    // RFC 6238 5.2: each time step is accepted at most once per operator.
    lastUsedStep: bigint('last_used_step', { mode: 'number' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    enrolledAt: ts('enrolled_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.operatorId] }),
    foreignKey({
      columns: [t.tenantId, t.operatorId],
      foreignColumns: [operators.tenantId, operators.id],
      name: 'totp_credentials_operator_fk',
    }),
    tenantPolicy('totp_credentials'),
  ],
);

/** One-time recovery codes, stored as keyed hashes (HMAC with the keyring key). */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    operatorId: uuid('operator_id').notNull(),
    codeHash: text('code_hash').notNull(),
    usedAt: ts('used_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.operatorId],
      foreignColumns: [operators.tenantId, operators.id],
      name: 'recovery_codes_operator_fk',
    }),
    index('recovery_codes_operator_idx').on(t.tenantId, t.operatorId),
    tenantPolicy('recovery_codes'),
  ],
);

/** The pending state between the password and the second factor: single-use, 5 minutes. */
export const loginChallenges = pgTable(
  'login_challenges',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    operatorId: uuid('operator_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    attempts: integer('attempts').notNull().default(0),
    ip: text('ip'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('login_challenges_token_key').on(t.tokenHash),
    foreignKey({
      columns: [t.tenantId, t.operatorId],
      foreignColumns: [operators.tenantId, operators.id],
      name: 'login_challenges_operator_fk',
    }),
    tenantPolicy('login_challenges'),
  ],
);

/**
 * Signed checkpoints of each chain's head (Ed25519): a verifier with the public key can tell
 * that events were cut off the end, not only that one was changed.
 */
export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
    tenantId: uuid('tenant_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    headHash: text('head_hash').notNull(),
    signedAt: ts('signed_at').notNull(),
    previousCheckpointHash: text('previous_checkpoint_hash').notNull(),
    checkpointHash: text('checkpoint_hash').notNull(),
    signature: text('signature').notNull(),
    keyFingerprint: text('key_fingerprint').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.seq] }), tenantPolicy('audit_checkpoints')],
);

/**
 * The public keys the audit signer has signed checkpoints with, as it registered them (the private
 * key never leaves the signer's own process). Bundles carry the key of their last checkpoint.
 */
export const auditSigningKeys = pgTable('audit_signing_keys', {
  fingerprint: text('fingerprint').primaryKey(),
  publicKeyPem: text('public_key_pem').notNull(),
  registeredAt: ts('registered_at').notNull().defaultNow(),
});

/**
 * What an API token may do; every route that takes tokens names the one it needs. Write scopes
 * need a step-up to grant. Exports of personal data and secret reveals have no scope: they need a
 * person's fresh second factor, in the console.
 */
export const API_SCOPES = [
  'audit:read',
  'operators:read',
  'operators:write',
  'allowlist:read',
  'allowlist:write',
  'policy:read',
  'policy:write',
  'rotation:read',
  'rotation:write',
  'alerts:read',
  'alerts:write',
  'tenants:read',
  'tenants:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];
/** Scopes over every tenant: only the platform's own tokens may hold them. */
export const PLATFORM_SCOPES: readonly ApiScope[] = ['tenants:read', 'tenants:write'];

/** API tokens: one tenant, scoped, expiring (a year at most), optionally bound to networks; stored hashed, shown once. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    scopes: text('scopes', { enum: API_SCOPES }).array().notNull(),
    // Networks the token may be used from, besides the tenant's allowlist; empty: any.
    allowedCidrs: text('allowed_cidrs')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdByLoginId: text('created_by_login_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    lastUsedAt: ts('last_used_at'),
    lastUsedIp: text('last_used_ip'),
    // The rate limit's minute and the calls in it, counted by the statement that notes each use.
    rateWindow: ts('rate_window'),
    rateCalls: integer('rate_calls').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('api_tokens_hash_key').on(t.tokenHash),
    tenantPolicy('api_tokens'),
  ],
);

/**
 * The first answer to each API POST by its Idempotency-Key, per token, for a day: a retry gets
 * that answer back instead of acting twice. A row without a status is a request still running.
 */
export const apiIdempotencyKeys = pgTable(
  'api_idempotency_keys',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    tokenId: uuid('token_id').notNull(),
    key: text('key').notNull(),
    // sha256 of the method, path and body: the same key with another request is refused.
    fingerprint: text('fingerprint').notNull(),
    status: integer('status'),
    contentType: text('content_type'),
    headers: jsonb('headers').$type<Record<string, string>>(),
    body: text('body'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.tokenId, t.key] }),
    index('api_idempotency_keys_created').on(t.createdAt),
    tenantPolicy('api_idempotency_keys'),
  ],
);

/** A site's registered customers: personal data, shown masked unless one record is revealed. */
export const members = pgTable(
  'members',
  {
    tenantId: uuid('tenant_id').notNull(),
    siteId: uuid('site_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    memberNo: text('member_no').notNull(),
    name: text('name').notNull(),
    nameKana: text('name_kana').notNull(),
    email: text('email').notNull(),
    phone: text('phone'),
    postalCode: text('postal_code'),
    address: text('address'),
    registeredAt: ts('registered_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.siteId],
      foreignColumns: [sites.tenantId, sites.id],
      name: 'members_site_fk',
    }),
    uniqueIndex('members_site_no_key').on(t.tenantId, t.siteId, t.memberNo),
    index('members_site_registered_idx').on(t.tenantId, t.siteId, t.registeredAt.desc(), t.id.desc()),
    tenantPolicy('members'),
  ],
);

export const ORDER_STATUSES = ['received', 'paid', 'shipped', 'cancelled'] as const;

/** Order history: what the attackers downloaded. Amounts in yen. */
export const orders = pgTable(
  'orders',
  {
    tenantId: uuid('tenant_id').notNull(),
    siteId: uuid('site_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    orderNo: text('order_no').notNull(),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    orderedAt: ts('ordered_at').notNull(),
    memberId: uuid('member_id'),
    customerName: text('customer_name').notNull(),
    customerKana: text('customer_kana').notNull(),
    customerEmail: text('customer_email').notNull(),
    customerEmailAlt: text('customer_email_alt'),
    customerPhone: text('customer_phone').notNull(),
    customerPostalCode: text('customer_postal_code').notNull(),
    customerAddress: text('customer_address').notNull(),
    customerComment: text('customer_comment'),
    adminComment: text('admin_comment'),
    shipName: text('ship_name').notNull(),
    shipPostalCode: text('ship_postal_code').notNull(),
    shipAddress: text('ship_address').notNull(),
    shipPhone: text('ship_phone').notNull(),
    amount: integer('amount').notNull(),
    trackingNo: text('tracking_no'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.siteId], foreignColumns: [sites.tenantId, sites.id], name: 'orders_site_fk' }),
    foreignKey({
      columns: [t.tenantId, t.memberId],
      foreignColumns: [members.tenantId, members.id],
      name: 'orders_member_fk',
    }),
    uniqueIndex('orders_site_no_key').on(t.tenantId, t.siteId, t.orderNo),
    index('orders_site_time_idx').on(t.tenantId, t.siteId, t.orderedAt.desc(), t.id.desc()),
    tenantPolicy('orders'),
  ],
);

/**
 * A site's payment-gateway integration. The API key and secret are encrypted with the keyring
 * (bound to tenant, site and field); their last four characters are kept apart for the masked view.
 */
export const paymentSettings = pgTable(
  'payment_settings',
  {
    tenantId: uuid('tenant_id').notNull(),
    siteId: uuid('site_id').notNull(),
    provider: text('provider').notNull(),
    merchantId: text('merchant_id').notNull(),
    endpoint: text('endpoint').notNull(),
    apiKeyCiphertext: text('api_key_ciphertext').notNull(),
    apiKeyLast4: text('api_key_last4').notNull(),
    secretCiphertext: text('secret_ciphertext').notNull(),
    secretLast4: text('secret_last4').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    updatedByLoginId: text('updated_by_login_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.siteId] }),
    foreignKey({
      columns: [t.tenantId, t.siteId],
      foreignColumns: [sites.tenantId, sites.id],
      name: 'payment_settings_site_fk',
    }),
    tenantPolicy('payment_settings'),
  ],
);

/** What a tenant may let platform support see: customer data stays the tenant's otherwise. */
export const SUPPORT_SCOPES = ['orders.read', 'members.read', 'payment_settings.read'] as const;
export type SupportScope = (typeof SUPPORT_SCOPES)[number];

/**
 * A tenant admin's time-limited grant of support access to its customer data: to one named
 * platform admin, or to the platform team (grantee null). At most 72 hours (a database check),
 * revocable; every use is audited in the tenant's chain and counted here.
 */
export const supportGrants = pgTable(
  'support_grants',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: uuid('id').notNull().defaultRandom(),
    granteeOperatorId: uuid('grantee_operator_id'),
    granteeLoginId: text('grantee_login_id'),
    scopes: text('scopes', { enum: SUPPORT_SCOPES }).array().notNull(),
    reason: text('reason').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    createdByOperatorId: uuid('created_by_operator_id').notNull(),
    createdByLoginId: text('created_by_login_id').notNull(),
    revokedAt: ts('revoked_at'),
    revokedByLoginId: text('revoked_by_login_id'),
    useCount: integer('use_count').notNull().default(0),
    firstUsedAt: ts('first_used_at'),
    lastUsedAt: ts('last_used_at'),
    lastUsedByLoginId: text('last_used_by_login_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('support_grants_expiry_idx').on(t.tenantId, t.expiresAt),
    tenantPolicy('support_grants'),
  ],
);

export const ALERT_RULES = [
  'support_access_used',
  'export_after_new_ip',
  'export_over_quota',
  'secret_revealed',
  'recovery_code_login',
  'failed_logins_account',
  'failed_logins_ip',
  'pii_bulk_view',
  'export_aborted',
  'audit_chain_refused',
  // The right password where its owner would not be: a refused network, or wrong codes after it.
  'password_from_refused_ip',
  'password_then_wrong_codes',
  // An audit stream that has not delivered for 15 minutes.
  'audit_stream_failing',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/** Security alerts, shown on the tenant's and the platform's dashboards. */
export const alerts = pgTable(
  'alerts',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: uuid('id').notNull().defaultRandom(),
    rule: text('rule', { enum: ALERT_RULES }).notNull(),
    operatorId: uuid('operator_id'),
    loginId: text('login_id'),
    details: jsonb('details').notNull().default({}),
    raisedAt: ts('raised_at').notNull().defaultNow(),
    acknowledgedAt: ts('acknowledged_at'),
    acknowledgedByLoginId: text('acknowledged_by_login_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('alerts_tenant_raised_idx').on(t.tenantId, t.raisedAt.desc()),
    index('alerts_raised_idx').on(t.raisedAt.desc()),
    tenantPolicy('alerts'),
  ],
);

export const ORDER_EXPORT_STATUSES = ['ready', 'pending_approval', 'approved', 'rejected', 'downloaded'] as const;

/**
 * An order-history export: requested with a reason and a step-up, held for a second admin when it
 * exceeds the requester's daily quota, downloadable once by the requester.
 */
export const orderExports = pgTable(
  'order_exports',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    siteId: uuid('site_id').notNull(),
    operatorId: uuid('operator_id').notNull(),
    loginId: text('login_id').notNull(),
    periodFrom: ts('period_from').notNull(),
    periodTo: ts('period_to').notNull(),
    columns: jsonb('columns').$type<string[]>().notNull(),
    encoding: text('encoding', { enum: ['utf8', 'utf8-bom', 'sjis'] }).notNull(),
    reason: text('reason').notNull(),
    rowCount: integer('row_count').notNull(),
    customerCount: integer('customer_count').notNull(),
    status: text('status', { enum: ORDER_EXPORT_STATUSES }).notNull(),
    requestedAt: ts('requested_at').notNull().defaultNow(),
    decidedAt: ts('decided_at'),
    decidedByLoginId: text('decided_by_login_id'),
    downloadedAt: ts('downloaded_at'),
    bytes: bigint('bytes', { mode: 'number' }),
    sha256: text('sha256'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.siteId],
      foreignColumns: [sites.tenantId, sites.id],
      name: 'order_exports_site_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.operatorId],
      foreignColumns: [operators.tenantId, operators.id],
      name: 'order_exports_operator_fk',
    }),
    index('order_exports_operator_idx').on(t.tenantId, t.operatorId, t.requestedAt),
    index('order_exports_status_idx').on(t.tenantId, t.status),
    tenantPolicy('order_exports'),
  ],
);

/** One alert's POST to its tenant's webhook: retried with back-off, every outcome kept. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    alertId: uuid('alert_id').notNull(),
    url: text('url').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.alertId],
      foreignColumns: [alerts.tenantId, alerts.id],
      name: 'webhook_deliveries_alert_fk',
    }),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_tenant_idx').on(t.tenantId, t.createdAt.desc()),
    tenantPolicy('webhook_deliveries'),
  ],
);

export const STREAM_KINDS = ['https_json', 'splunk_hec', 'syslog_tls'] as const;
export const STREAM_FORMATS = ['mamori', 'ocsf'] as const;
/** What a tenant sees of a failed delivery: a kind, never the connection's own error text. */
export const STREAM_ERRORS = [
  'http_status',
  'refused_address',
  'unresolvable',
  'unreachable',
  'tls',
  'timeout',
] as const;

/**
 * A company's (or the platform's) audit streams to its SIEM, at most three: each delivers its
 * chain in order from `cursor_seq` (the last event the receiver acknowledged), checkpoints
 * from `checkpoint_seq`, one instance at a time (the lease), retrying with back-off.
 */
export const auditStreams = pgTable(
  'audit_streams',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    kind: text('kind', { enum: STREAM_KINDS }).notNull(),
    format: text('format', { enum: STREAM_FORMATS }).notNull(),
    /** https://… for HTTPS JSON and Splunk HEC; tls://host:port (tcp:// on loopback in development) for syslog. */
    url: text('url').notNull(),
    /** The HMAC signing secret (HTTPS JSON) or the HEC token, sealed to this stream. */
    secretCiphertext: text('secret_ciphertext'),
    status: text('status', { enum: ['running', 'paused'] })
      .notNull()
      .default('running'),
    cursorSeq: bigint('cursor_seq', { mode: 'number' }).notNull(),
    /** The hash of the event at cursor_seq: the next event's previous hash. */
    cursorHash: text('cursor_hash').notNull(),
    checkpointSeq: bigint('checkpoint_seq', { mode: 'number' }).notNull().default(0),
    backfillFrom: ts('backfill_from'),
    deliveredAt: ts('delivered_at'),
    /** When the last acknowledged event happened: the stream's lag in time. */
    deliveredEventAt: ts('delivered_event_at'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error', { enum: STREAM_ERRORS }),
    /** The connection's own words, for platform staff only. */
    lastErrorDetail: text('last_error_detail'),
    failingSince: ts('failing_since'),
    alertedAt: ts('alerted_at'),
    leaseUntil: ts('lease_until'),
    createdByLoginId: text('created_by_login_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('audit_streams_tenant_name_key').on(t.tenantId, t.name),
    index('audit_streams_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`status = 'running'`),
    tenantPolicy('audit_streams'),
  ],
);

/**
 * Background jobs (audit sequencing, deliveries, sweeps), one row each: which instance holds it
 * and until when. An instance runs a job only after taking its lease, and only when the job's
 * last start anywhere is an interval ago; a lease left by an instance that died runs out and
 * another takes the job over.
 */
export const backgroundJobs = pgTable('background_jobs', {
  name: text('name').primaryKey(),
  holder: text('holder'),
  leaseUntil: ts('lease_until'),
  lastStartedAt: ts('last_started_at'),
  lastFinishedAt: ts('last_finished_at'),
  lastError: text('last_error'),
  runs: bigint('runs', { mode: 'number' }).notNull().default(0),
  failures: bigint('failures', { mode: 'number' }).notNull().default(0),
});
