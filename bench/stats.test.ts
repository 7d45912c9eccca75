import { describe, expect, it } from 'vitest';
import { mannWhitney, normalCdf } from './stats';

describe('Mann-Whitney U', () => {
  it('finds no difference between samples of one distribution and a clear one between shifted samples', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-2.575829)).toBeCloseTo(0.005, 5);
    // Interleaved values: the same distribution.
    const a = Array.from({ length: 150 }, (_, i) => 2 * i);
    const b = Array.from({ length: 150 }, (_, i) => 2 * i + 1);
    expect(mannWhitney(a, b).p).toBeGreaterThan(0.9);
    // One shifted by a fifth of its spread, as a login ID's extra database work would be.
    const shifted = b.map((v) => v + 60);
    expect(mannWhitney(a, shifted).p).toBeLessThan(0.01);
  });

  it('matches a textbook value and handles ties', () => {
    // Two groups of 10 fully separated: U = 0, z = (50 - 0.5) / 13.229 = 3.742, p = 0.00018.
    const r = mannWhitney([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(r.u).toBe(0);
    expect(r.p).toBeCloseTo(0.000183, 5);
    expect(mannWhitney([5, 5, 5], [5, 5, 5]).p).toBe(1);
  });
});
