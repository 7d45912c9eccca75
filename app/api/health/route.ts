import { NextResponse } from 'next/server';

/** Unauthenticated liveness check; also the baseline the guard benchmark compares against. */
export function GET() {
  return NextResponse.json({ ok: true }, { headers: { 'cache-control': 'no-store' } });
}
