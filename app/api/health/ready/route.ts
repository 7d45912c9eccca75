import { NextResponse } from 'next/server';
import { checkReadiness } from '@/lib/health/check-readiness';

/** Readiness for a load balancer: 200 when this instance can serve, 503 with the failed checks otherwise. */
export async function GET() {
  const readiness = await checkReadiness();
  return NextResponse.json(readiness, {
    status: readiness.ready ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
  });
}
