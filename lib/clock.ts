/** The one source of "now", so tests can move time (timeouts, back-off) without sleeping. */
let offsetMs = 0;

export const now = (): Date => new Date(Date.now() + offsetMs);

export function advanceClock(ms: number): void {
  offsetMs += ms;
}

export function resetClock(): void {
  offsetMs = 0;
}

/** How far the clock was moved (tests only): the database's audit clock follows it in a test database. */
export const clockOffsetMs = (): number => offsetMs;
