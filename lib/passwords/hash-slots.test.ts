import { describe, expect, it } from 'vitest';
import { createSlots } from './hash-slots';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('createSlots', () => {
  it('runs at most `size` tasks at once, in arrival order, and frees a failed task’s slot', async () => {
    const inSlot = createSlots(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) =>
      inSlot(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        if (i === 1) throw new Error('boom');
        return i;
      });
    const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map(task));
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    // Every slot came back, the failed task's too: two more run at once again.
    peak = 0;
    await Promise.all([task(6), task(7)]);
    expect(peak).toBe(2);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => createSlots(0)).toThrow();
    expect(() => createSlots(1.5)).toThrow();
  });
});
