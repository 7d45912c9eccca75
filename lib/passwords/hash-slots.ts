/**
 * At most `size` tasks at once, the rest queued in arrival order. argon2id is memory-hard: more
 * hashes at once than cores only evict each other's 19 MiB from the caches and fill libuv's shared
 * thread pool, where file and DNS work would queue behind them. A login flood then waits its turn
 * here while the cores hash at full speed.
 */
export function createSlots(size: number) {
  if (!Number.isSafeInteger(size) || size < 1) throw new Error('size must be a positive integer');
  let busy = 0;
  const waiting: (() => void)[] = [];
  return async function inSlot<T>(work: () => Promise<T>): Promise<T> {
    // A finished task hands its slot straight to the next in line, so none can overtake it.
    if (busy < size) busy++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else busy--;
    }
  };
}
