/**
 * `npm run audit:verify -- <bundle.tar> [--public-key key.pem]`: verifies an audit evidence bundle
 * offline (no server, no database). Exit 0 when intact; 1 naming the first damaged event.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fingerprintOf } from '@/lib/audit/sign-chain-head';
import { readTar } from '@/lib/audit/tar';
import { sha256Hex, verifyBundle } from '@/lib/audit/verify-bundle';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'public-key': { type: 'string' } } });
if (positionals.length !== 1) {
  console.error('usage: npm run audit:verify -- <bundle.tar> [--public-key key.pem]');
  process.exit(2);
}
let files: Map<string, Buffer>;
try {
  files = readTar(readFileSync(positionals[0]));
} catch (error) {
  console.error(`cannot read ${positionals[0]}: ${(error as Error).message}`);
  process.exit(2);
}
const text = (name: string) => files.get(name)?.toString('utf8') ?? '';
const publicKey = values['public-key'] ? readFileSync(values['public-key'], 'utf8') : text('public-key.pem');
if (!values['public-key'])
  console.warn(
    'note: using the public key inside the bundle; pass --public-key with the key you received separately to rule out a replaced key',
  );
const manifest = JSON.parse(text('manifest.json') || '{}');
console.log(
  `bundle: tenant ${manifest.tenantId}, ${manifest.events} events, ${manifest.checkpoints} checkpoints, key ${fingerprintOf(publicKey).slice(0, 16)}…`,
);
if (manifest.filter)
  console.log(`filter: ${manifest.filter} (times in UTC; the console showed them in ${manifest.timeZone})`);
if (manifest.eventsSha256 && manifest.eventsSha256 !== sha256Hex(text('events.jsonl')))
  console.warn('note: events.jsonl differs from the manifest hash');
const verdict = verifyBundle(text('events.jsonl'), text('checkpoints.jsonl'), publicKey);
if (verdict.ok) {
  const held =
    verdict.withheld > 0
      ? ` (${verdict.events - verdict.withheld} in full, ${verdict.withheld} withheld by the filter, as digests)`
      : '';
  console.log(
    `OK: ${verdict.events} events${held}, seq 1..${verdict.lastSeq}, ${verdict.checkpoints} signed checkpoints, head ${verdict.headHash}`,
  );
  process.exit(0);
}
console.error(`DAMAGED (${verdict.damage})${verdict.seq !== null ? ` at seq ${verdict.seq}` : ''}: ${verdict.message}`);
process.exit(1);
