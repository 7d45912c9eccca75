import { NextResponse } from 'next/server';

/** Liveness for a load balancer or a supervisor: the process answers (it reads nothing). */
export function GET() {
  return NextResponse.json({ live: true }, { headers: { 'cache-control': 'no-store' } });
}
