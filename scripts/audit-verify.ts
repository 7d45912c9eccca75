/**
 * `npm run audit:verify -- <bundle.tar> [--public-key key.pem]`: verifies an audit evidence bundle
 * offline (no server, no database). Exit 0 when intact; 1 naming the first damaged event, or the
 * first blast-radius figure that the events do not bear out.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fingerprintOf } from '@/lib/audit/sign-chain-head';
import { readTar } from '@/lib/audit/tar';
import { verifyBlastRadius } from '@/lib/audit/verify-blast-radius';
import { sha256Hex, verifyBundle, type BundleLine } from '@/lib/audit/verify-bundle';

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
if (Array.isArray(manifest.filters))
  console.log(
    `filters (their events' union): ${manifest.filters.join(' ; ')} (times in UTC; the console showed them in ${manifest.timeZone})`,
  );
for (const [file, hash] of [
  ['events.jsonl', manifest.eventsSha256],
  ['checkpoints.jsonl', manifest.checkpointsSha256],
  ['blast-radius.json', manifest.blastRadiusSha256],
] as const) {
  if (hash && hash !== sha256Hex(text(file))) console.warn(`note: ${file} differs from the manifest hash`);
}
const verdict = verifyBundle(text('events.jsonl'), text('checkpoints.jsonl'), publicKey);
if (verdict.ok) {
  const held =
    verdict.withheld > 0
      ? ` (${verdict.events - verdict.withheld} in full, ${verdict.withheld} withheld by the filter, as digests)`
      : '';
  console.log(
    `OK: ${verdict.events} events${held}, seq 1..${verdict.lastSeq}, ${verdict.checkpoints} signed checkpoints, head ${verdict.headHash}`,
  );
  // Only once the chain holds: then the events counted are the ones the platform signed.
  if (files.has('blast-radius.json')) process.exit(checkBlastRadius() ? 0 : 1);
  process.exit(0);
}
console.error(`DAMAGED (${verdict.damage})${verdict.seq !== null ? ` at seq ${verdict.seq}` : ''}: ${verdict.message}`);
process.exit(1);

/** Recomputes blast-radius.json from the events held in full; true when every figure matches. */
function checkBlastRadius(): boolean {
  let report: unknown;
  try {
    report = JSON.parse(text('blast-radius.json'));
  } catch {
    console.error('blast radius: blast-radius.json is not valid JSON');
    return false;
  }
  const lines = function* (): Generator<BundleLine> {
    for (const line of text('events.jsonl').split('\n')) if (line) yield JSON.parse(line) as BundleLine;
  };
  const result = verifyBlastRadius(lines(), report);
  if (result.ok) {
    console.log(`blast radius: recomputed from ${result.events} events, every figure matches (${result.sites} sites)`);
    return true;
  }
  if ('malformed' in result) {
    console.error(`blast radius: blast-radius.json is malformed: ${result.malformed}`);
    return false;
  }
  const site = result.siteName ?? result.siteId ?? '(no site)';
  const show = (v: unknown) =>
    result.figure === 'site' ? (v ? 'present' : 'absent') : typeof v === 'number' ? String(v) : JSON.stringify(v);
  console.error(
    `blast radius DIFFERS at site ${site}: ${result.figure} report ${show(result.report)}, events ${show(result.recomputed)}`,
  );
  return false;
}
