/**
 * An app instance's stream deliverer in a process of its own, for the test that kills one with
 * SIGKILL mid-delivery: delivers every 20 ms from DATABASE_URL, its clock moved by
 * MAMORI_TEST_CLOCK_OFFSET_MS (a later instance, without waiting for the dead one's lease).
 */
import { openDatabase, setDatabase } from '@/db';
import { advanceClock } from '@/lib/clock';
import { deliverStreams } from '@/lib/streams/deliver-streams';

advanceClock(Number(process.env.MAMORI_TEST_CLOCK_OFFSET_MS ?? 0));
setDatabase(openDatabase(process.env.DATABASE_URL!));
const batch = Number(process.env.MAMORI_TEST_STREAM_BATCH ?? 50);
for (;;) {
  const sent = await deliverStreams({ batch });
  if (sent > 0) console.log(`delivered ${sent}`);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
