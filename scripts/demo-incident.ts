/**
 * `npm run demo:incident`: plays the incident of the notice against the demo data (see
 * lib/demo/replay-incident.ts), so the audit trail holds something to pivot on, contain and
 * measure. Runs on the configured database (stop the console first when it runs on PGlite); the
 * console also plays it at start with MAMORI_DEMO_INCIDENT=1.
 */
import { getDatabase } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { DEMO_INCIDENT_FACTS, INTRUDER_IP, replayIncident } from '@/lib/demo/replay-incident';
import { seedDemo } from '@/lib/demo/seed-demo';

const database = await getDatabase();
await seedDemo();
const played = await replayIncident();
if (!played) {
  console.log('[demo:incident] already played on this database');
} else {
  const [main, other] = played.victims;
  console.log(
    `[demo:incident] ${main.tenantName}: three wrong TOTP codes for ${main.loginId} from ${INTRUDER_IP} (an alert on the dashboard), then a code from the stolen seed; ${DEMO_INCIDENT_FACTS.ordersExported.toLocaleString('en')} orders exported, both sites' payment secrets revealed`,
  );
  console.log(`  pivot:  /t/${main.tenantId}/audit?ip=${INTRUDER_IP}`);
  console.log(
    `[demo:incident] ${other.tenantName}: signed in as ${other.loginId} with the password alone, listed members`,
  );
  console.log(`  across tenants (platform staff): /t/${PLATFORM_TENANT_ID}/audit?across=all&ip=${INTRUDER_IP}`);
}
await database.close();
