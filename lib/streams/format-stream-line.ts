import type { STREAM_FORMATS } from '@/db/schema';
import type { StreamCheckpointLine, StreamEventLine, StreamLine } from '@/lib/audit/stream-line';
import { exportedCheckpoint, type StoredCheckpoint } from '@/lib/audit/verify-bundle';

export type StreamFormat = (typeof STREAM_FORMATS)[number];

export function checkpointLine(c: StoredCheckpoint): StreamCheckpointLine {
  return { type: 'mamori.checkpoint', ...exportedCheckpoint(c) };
}

// OCSF 1.5 classes: Account Change (3001) and Authentication (3002) in Identity & Access
// Management (3), API Activity (6003) in Application Activity (6).
const ACCOUNT_CHANGE: Record<string, [number, string]> = {
  'operator.created': [1, 'Create'],
  'operator.enabled': [2, 'Enable'],
  'password.changed': [3, 'Password Change'],
  'operator.password_reset': [4, 'Password Reset'],
  'operator.disabled': [5, 'Disable'],
  'mfa.enrolled': [10, 'MFA Factor Enable'],
  'mfa.disabled': [11, 'MFA Factor Disable'],
  'mfa.reset': [11, 'MFA Factor Disable'],
  'operator.unlocked': [9, 'Unlock'],
};
const isAuthentication = (action: string) =>
  action.startsWith('login.') || action.startsWith('stepup.') || action === 'session.revoked';
const isAccountChange = (action: string) =>
  action in ACCOUNT_CHANGE ||
  action.startsWith('operator.') ||
  action.startsWith('password.') ||
  action.startsWith('mfa.');

function apiActivity(action: string): [number, string] {
  if (/\.(created|added|granted|started|opened|declared|raised|requested)$/.test(action)) return [1, 'Create'];
  if (/(revealed|listed|exported|searched_across|used|verified)$/.test(action)) return [2, 'Read'];
  if (/\.(updated|renamed|changed|mode_changed|extended|acknowledged|approved|applied)$/.test(action))
    return [3, 'Update'];
  if (/\.(revoked|closed|lifted|cancelled|pruned|ended|deleted)$/.test(action)) return [4, 'Delete'];
  return [99, 'Other'];
}

/**
 * The event as an OCSF 1.5 event of the nearest class, with the Mamori line whole under
 * `unmapped.mamori` (a SIEM indexes the OCSF fields; a verifier reads the chain from it).
 */
function ocsfEvent(line: StreamEventLine) {
  const { action } = line;
  const [classUid, className, categoryUid, categoryName, [activityId, activityName]] = isAuthentication(action)
    ? ([
        3002,
        'Authentication',
        3,
        'Identity & Access Management',
        action === 'session.revoked' ? [2, 'Logoff'] : [1, 'Logon'],
      ] as const)
    : isAccountChange(action)
      ? ([3001, 'Account Change', 3, 'Identity & Access Management', ACCOUNT_CHANGE[action] ?? [99, 'Other']] as const)
      : ([6003, 'API Activity', 6, 'Application Activity', apiActivity(action)] as const);
  const success = line.outcome === 'success';
  return {
    class_uid: classUid,
    class_name: className,
    category_uid: categoryUid,
    category_name: categoryName,
    activity_id: activityId,
    activity_name: activityName,
    type_uid: classUid * 100 + activityId,
    time: Date.parse(line.occurredAt),
    severity_id: success ? 1 : 3,
    status_id: success ? 1 : 2,
    status: success ? 'Success' : 'Failure',
    status_detail: line.outcome,
    message: action,
    actor: {
      user: line.actorOperatorId ? { uid: line.actorOperatorId, name: line.actorLoginId } : undefined,
      session: line.sessionId ? { uid: line.sessionId } : undefined,
    },
    src_endpoint: line.ip ? { ip: line.ip } : undefined,
    http_request: line.userAgent ? { user_agent: line.userAgent } : undefined,
    metadata: {
      version: '1.5.0',
      uid: line.id,
      sequence: line.seq,
      tenant_uid: line.tenantId,
      log_name: 'audit',
      product: { name: 'Mamori', vendor_name: 'Mamori' },
    },
    unmapped: { mamori: line },
  };
}

/** A checkpoint as OCSF: an API Activity "Other" whose body is the Mamori checkpoint. */
function ocsfCheckpoint(line: StreamCheckpointLine) {
  return {
    class_uid: 6003,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activity_id: 99,
    activity_name: 'Other',
    type_uid: 600399,
    time: Date.parse(line.signedAt),
    severity_id: 1,
    status_id: 1,
    status: 'Success',
    message: 'audit.checkpoint_signed',
    metadata: {
      version: '1.5.0',
      uid: line.checkpointHash,
      sequence: line.seq,
      tenant_uid: line.chain,
      log_name: 'audit',
      product: { name: 'Mamori', vendor_name: 'Mamori' },
    },
    unmapped: { mamori: line },
  };
}

/** A line in the stream's format, as the object a transport serialises. */
export function formatStreamLine(line: StreamLine, format: StreamFormat): object {
  if (format === 'mamori') return line;
  return line.type === 'mamori.audit_event' ? ocsfEvent(line) : ocsfCheckpoint(line);
}
