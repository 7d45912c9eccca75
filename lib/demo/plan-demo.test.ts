import { describe, expect, it } from 'vitest';
import { DEMO_FIGURES, planDemo } from './seed-demo';

describe('the demo world', () => {
  it("has the incident's figures, and every login ID starts with its company's code and a dot", () => {
    const plan = planDemo();
    expect(plan).toHaveLength(DEMO_FIGURES.tenants);
    expect(plan.flatMap((t) => t.sites)).toHaveLength(DEMO_FIGURES.sites);
    const ids = plan.flatMap((t) => t.operators.map((o) => o.loginId));
    expect(ids).toHaveLength(DEMO_FIGURES.operators);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(plan.map((t) => t.name)).size).toBe(plan.length);
    for (const t of plan) for (const o of t.operators) expect(o.loginId.startsWith(`${t.code}.`), o.loginId).toBe(true);
    expect(plan.slice(0, 3).map((t) => t.operators[0].loginId)).toEqual(['sakura.admin', 'aoba.admin', 'hikari.admin']);
  });
});
