/**
 * At most `size` tasks at once, the rest queued in arrival order. argon2id is memory-hard: more
 * hashes at once than cores only evict each other's 19 MiB from the caches and fill libuv's shared
 * thread pool, where file and DNS work would queue behind them. A login flood then waits its turn
 * here while the cores hash at full speed. `size` may be a function, read whenever a task starts
 * or ends, for a limit that depends on what the process runs (see hash-password).
 */
export function createSlots(size: number | (() => number)) {
  const limit = typeof size === 'function' ? size : () => size;
  const checked = () => {
    const n = limit();
    if (!Number.isSafeInteger(n) || n < 1) throw new Error('size must be a positive integer');
    return n;
  };
  checked();
  let busy = 0;
  const waiting: (() => void)[] = [];
  return async function inSlot<T>(work: () => Promise<T>): Promise<T> {
    // A finished task hands its slot straight to the next in line, so none can overtake it.
    if (busy < checked() && waiting.length === 0) busy++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      // A limit that grew starts as many waiting tasks as now fit; one that shrank hands on nothing
      // until enough tasks have ended.
      busy--;
      const n = limit();
      while (busy < n && waiting.length > 0) {
        busy++;
        waiting.shift()!();
      }
    }
  };
}
