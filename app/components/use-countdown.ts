import { useEffect, useRef, useState } from 'react';

/**
 * Whole seconds left of `seconds`, counted from mount and again whenever `restartOn` changes;
 * `onExpired` runs once when none are left. Reads the wall clock on each tick, so a throttled
 * background tab still hides what it shows on time.
 */
export function useCountdown(seconds: number, onExpired: () => void, restartOn?: unknown): number {
  const [left, setLeft] = useState(seconds);
  // Callers pass a new callback on every render; only a restart should restart the timer.
  const expired = useRef(onExpired);
  useEffect(() => {
    expired.current = onExpired;
  });
  useEffect(() => {
    const deadline = Date.now() + seconds * 1000;
    // A restart counts from the full lifetime again.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setLeft(seconds);
    const timer = setInterval(() => {
      const remaining = Math.ceil((deadline - Date.now()) / 1000);
      if (remaining > 0) return setLeft(remaining);
      clearInterval(timer);
      expired.current();
    }, 250);
    return () => clearInterval(timer);
  }, [restartOn, seconds]);
  return left;
}
