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
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    // Every slot came back, the failed task's too: two more run at once again.
    peak = 0;
    await Promise.all([task(6), task(7)]);
    expect(peak).toBe(2);
  });

  it('follows a size given as a function, read as tasks start and end', async () => {
    let size = 1;
    const inSlot = createSlots(() => size);
    let running = 0;
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const task = (i: number) =>
      inSlot(async () => {
        running++;
        started.push(i);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
      });
    const end = async () => {
      gates.shift()!();
      await tick();
    };
    const all = [0, 1, 2, 3, 4, 5].map(task);
    await tick();
    expect(running).toBe(1);
    // Grown to 3: the next end starts as many waiting tasks as now fit.
    size = 3;
    await end();
    expect(running).toBe(3);
    // Shrunk to 1: ends hand on nothing until none runs, then one starts.
    size = 1;
    await end();
    expect(running).toBe(2);
    await end();
    expect(running).toBe(1);
    await end();
    expect(running).toBe(1);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    await end();
    await end();
    await Promise.all(all);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    size = 0;
    await expect(inSlot(async () => undefined)).rejects.toThrow('positive integer');
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => createSlots(0)).toThrow();
    expect(() => createSlots(1.5)).toThrow();
    expect(() => createSlots(() => 0)).toThrow();
  });
});
