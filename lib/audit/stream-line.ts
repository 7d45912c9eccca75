import type { ExportedCheckpoint, ExportedEvent } from './verify-bundle';

/**
 * What an audit stream sends, one object per event or checkpoint, in Mamori's own format: the
 * event as a bundle holds it, with its chain's tenant, sequence number, previous hash and hash,
 * so a receiver's copy can be verified on its own. OCSF lines carry this object whole under
 * `unmapped.mamori`.
 */
export interface StreamEventLine extends ExportedEvent {
  type: 'mamori.audit_event';
  prevHash: string;
}

export interface StreamCheckpointLine extends ExportedCheckpoint {
  type: 'mamori.checkpoint';
}

export type StreamLine = StreamEventLine | StreamCheckpointLine;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Mamori line inside whatever a receiver kept: itself, OCSF, a Splunk HEC envelope. */
function unwrap(value: unknown): StreamLine | null {
  for (let depth = 0; depth < 3 && isRecord(value); depth++) {
    if (value.type === 'mamori.audit_event' || value.type === 'mamori.checkpoint')
      return value as unknown as StreamLine;
    if (isRecord(value.unmapped) && isRecord(value.unmapped.mamori)) value = value.unmapped.mamori;
    else if (isRecord(value.event)) value = value.event;
    else return null;
  }
  return null;
}

// RFC 5424: <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, then structured data ("-"
// here) and the message; a receiver may keep RFC 5425's length prefix in front.
const SYSLOG = /^(?:\d+ )?<\d{1,3}>1 \S+ \S+ \S+ \S+ \S+ (?:-|\[.*?\]) /;

/**
 * One line of a stream copy as a receiver stored it (JSON, or a syslog line with the JSON as
 * its message), or null when it is not a Mamori stream line. Throws on text that is not JSON.
 */
export function parseStreamLine(text: string): StreamLine | null {
  const syslog = SYSLOG.exec(text);
  const json = syslog ? text.slice(syslog[0].length).replace(/^\uFEFF/, '') : text;
  return unwrap(JSON.parse(json));
}
