import { describe, expect, it } from 'vitest';
import { hecBody, syslogFrames, utf8Of } from './send-to-stream';

const lines = [
  { json: '{"seq":1,"actorLoginId":"sakura.admin"}', at: 1_764_720_000_123 },
  { json: '{"seq":2,"details":{"name":"山田 太郎"}}', at: 1_764_720_000_500 },
  { json: '{"seq":3,"emoji":"🔐"}', at: 1_764_720_001_000 },
];

describe('the bytes a batch goes out as', () => {
  it('are the UTF-8 of the pieces in order, whatever characters they hold', () => {
    const pieces = lines.map((l) => `${l.json}\n`);
    expect(utf8Of(pieces).equals(Buffer.from(pieces.join('')))).toBe(true);
    expect(utf8Of([]).length).toBe(0);
  });

  it('frame each syslog message by its length in octets, not characters', () => {
    const frames = syslogFrames(lines, new Date('2026-12-03T00:00:00Z'));
    const wire = utf8Of(frames).toString('utf8');
    // Read back as a receiver does: a length, a space, then exactly that many octets.
    const messages: string[] = [];
    let rest = Buffer.from(wire);
    while (rest.length > 0) {
      const space = rest.indexOf(0x20);
      const length = Number(rest.subarray(0, space).toString());
      messages.push(rest.subarray(space + 1, space + 1 + length).toString('utf8'));
      rest = rest.subarray(space + 1 + length);
    }
    expect(messages.map((m) => m.slice(m.indexOf('{')))).toEqual(lines.map((l) => l.json));
    expect(messages[0]).toMatch(/^<110>1 2026-12-03T00:00:00\.000Z \S+ mamori - audit - \{/);
  });

  it('wrap each HEC event in its envelope with the time in seconds', () => {
    const events = utf8Of(hecBody(lines, 'ocsf'))
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => [e.time, e.sourcetype, e.event.seq])).toEqual([
      [1_764_720_000.123, 'ocsf', 1],
      [1_764_720_000.5, 'ocsf', 2],
      [1_764_720_001, 'ocsf', 3],
    ]);
  });
});
